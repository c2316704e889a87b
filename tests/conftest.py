"""Shared fixtures: an app with its own empty database per test, a client, a
CLI runner, a mail outbox, user factories and an ``auth`` helper. Plain
helpers that test modules import live in ``helpers.py``."""

import atexit
import os
import sys
from collections import Counter
from pathlib import Path

import pytest
from flask_mail import email_dispatched

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _start_driver_lane():
    """``INKWELL_TEST_LANE=driver``: run the suite through the real pymongo
    driver against the MongoDB stand-in, started once for the session.
    Before ``config`` is imported, which reads ``TEST_MONGODB_URI`` then. A
    ``TEST_MONGODB_URI`` already set (a real server) wins."""
    if os.environ.get("INKWELL_TEST_LANE") != "driver" or os.environ.get("TEST_MONGODB_URI"):
        return
    from mongo_standin import StandIn

    standin = StandIn.start()
    atexit.register(standin.stop)
    os.environ["TEST_MONGODB_URI"] = standin.uri


_start_driver_lane()

from app_pool import AppPool
from database_binding import bind_every_app_on_push
from route_cache import share_url_builders
from template_cache import share_compiled_templates

# Before any app is made: the suite's many apps share compiled templates and
# URL builders, and each one's documents use its own database while its
# context is active.
share_compiled_templates()
share_url_builders()
bind_every_app_on_push()

# After the lane is set up: helpers reads TEST_MONGODB_URI.
from helpers import DRIVER_LANE, basic_auth, build_app, close_app

from site_app import dbstats
from site_app.models import Role, User


def pytest_sessionfinish(session):
    """Close the kept apps, and drop the databases of testing apps made
    outside the fixtures (on a real server they would outlive the run)."""
    APPS.close_all()
    if not DRIVER_LANE:
        return
    import pymongo

    from site_app.database import TEST_DATABASE_MARK

    mine = f"{TEST_DATABASE_MARK}{os.getpid()}_"
    with pymongo.MongoClient(os.environ["TEST_MONGODB_URI"], serverSelectionTimeoutMS=2000) as client:
        for name in client.list_database_names():
            if mine in name:
                client.drop_database(name)


# The slow tier: plain `pytest` leaves these out (pytest.ini's addopts),
# `make test` and CI run them. Marked here by path, so a new module of a
# kind (another browser journey) is slow without remembering a marker.
SLOW_PATHS = (
    "tests/browser/",  # a real Chromium against a served site
    "tests/test_api_fuzz.py",  # schemathesis, about 1,600 cases
    "tests/test_production_shape.py",  # nginx, gunicorn workers, Redis, the stand-in
    "tests/test_shared_stores.py",  # a real redis-server
    "tests/test_embedded_files.py",  # the site as a server process, restarted
)


def pytest_collection_modifyitems(items):
    for item in items:
        path = Path(str(item.path)).resolve().relative_to(ROOT).as_posix()
        if path.startswith(SLOW_PATHS):
            item.add_marker(pytest.mark.slow)


def pytest_configure(config):
    config.pluginmanager.register(HandOutOrder())


class HandOutOrder:
    @pytest.hookimpl(trylast=True)  # after -m has left out what this run skips
    def pytest_collection_modifyitems(self, items):
        hand_out_longest_first(items)


def hand_out_longest_first(items):
    """The order modules are handed to the workers (each kept whole and in
    its own order): the longest first, so the run does not end on one long
    module while the other core idles. A module with a test that mostly
    waits (``@pytest.mark.waits``: RQ's lease running out, about 115 s
    asleep) starts at once and sleeps while the others work; then the slow
    tier; then the many short modules, which fill the last minutes evenly.
    Within each, the modules with more tests first: xdist's own order, which
    pytest.ini turns off (``--no-loadscope-reorder``) so this one holds."""
    rank, size = {}, Counter(item.path for item in items)
    for item in items:
        here = 0 if item.get_closest_marker("waits") else 1 if item.get_closest_marker("slow") else 2
        rank[item.path] = min(rank.get(item.path, 2), here)
    items.sort(key=lambda item: (rank[item.path], -size[item.path]))


def pytest_runtest_setup(item):
    # A test about one backend's own machinery says so with a marker and a
    # reason: @pytest.mark.embedded_only("why") / @pytest.mark.driver_only("why").
    for marker, skipped_on_driver in (("embedded_only", True), ("driver_only", False)):
        found = item.get_closest_marker(marker)
        if found is not None and DRIVER_LANE == skipped_on_driver:
            reason = found.args[0] if found.args else marker
            pytest.skip(f"{marker}: {reason}")


# The `app` fixture's apps, kept between tests (tests/app_pool.py).
APPS = AppPool(build=lambda settings: build_app(**settings), close=close_app)
if DRIVER_LANE:
    APPS.watch_the_driver()


@pytest.fixture
def make_app():
    """``make_app(**settings)``: a new testing app with those settings over
    testing's, its own empty database and the roles, as many as the test
    needs; ``make_app(config_name="development", ...)`` builds another
    configuration as it is (no roles written; ``roles=False`` leaves a testing
    app's database empty too). Each is closed after the test:
    its client closed on a server, and a testing app's database dropped."""
    made = []

    def build(config_name="testing", roles=True, **settings):
        app = build_app(config_name, roles, **settings)
        made.append(app)
        return app

    yield build
    for app in made:
        close_app(app)


@pytest.fixture
def app(request):
    """An app with an empty database (indexes and roles in it). No context
    is held: a test that uses the models asks for ``app_context``. A module
    or test marked ``@pytest.mark.app_config(NAME=value)`` gets those
    settings over testing's. Taken from the pool of kept apps and given back
    when the test ends (tests/app_pool.py: what is checked before one is kept);
    ``@pytest.mark.fresh_app`` builds a new one, for a test that adds a route
    or hook (an app that has served a request takes none)."""
    marker = request.node.get_closest_marker("app_config")
    settings = marker.kwargs if marker else {}
    if request.node.get_closest_marker("fresh_app"):
        app = build_app(**settings)
        yield app
        close_app(app)
        return
    app = APPS.take(settings)
    yield app
    APPS.give_back(app)


@pytest.fixture
def app_context(app):
    """For tests that use the models (and ``current_app``) directly."""
    with app.app_context() as context:
        yield context


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox(app):
    """Every message sent through Flask-Mail while the test runs."""
    sent = []

    # Flask-Mail 0.10 signals with the app as sender and the message as a
    # keyword argument.
    def record(app, message, **extra):
        sent.append(message)

    email_dispatched.connect(record, app)
    yield sent
    email_dispatched.disconnect(record, app)


@pytest.fixture
def make_user(app, app_context):
    """Create an account: ``make_user("ann", role="Moderator")``."""
    counter = {"n": 0}

    def make(
        username=None, email=None, password="correct horse battery", role="User", confirmed=True, **profile
    ):
        counter["n"] += 1
        username = username or f"user{counter['n']}"
        email = email or f"{username}@example.com"
        user = User.register(email=email, username=username, password=password, **profile)
        user.role = Role.named(role)
        user.confirmed = confirmed
        user.save()
        return user

    return make


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email="user1@example.com", password="correct horse battery", follow_redirects=False):
        return self._client.post(
            "/auth/login", data={"email": email, "password": password}, follow_redirects=follow_redirects
        )

    def login_as(self, user, password="correct horse battery"):
        response = self.login(user.email, password)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def db_ops():
    """``with db_ops() as ops:`` counts the database operations of a block."""
    return dbstats.recording


@pytest.fixture
def api_headers():
    """``api_headers(email, password)`` or ``api_headers(token)``."""
    return basic_auth
