"""Shared fixtures: an app with its own empty database per test, a client, a
CLI runner, a mail outbox, user factories and an ``auth`` helper."""
import atexit
import os
import re
import sys
from urllib.parse import urlsplit
from pathlib import Path

import pytest
from flask import g, request_started
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
# True when testing apps talk to a server through the driver (the stand-in
# or a real MongoDB), False on the embedded mongomock backend.
DRIVER_LANE = bool(os.environ.get("TEST_MONGODB_URI"))

from site_app import create_app  # noqa: E402
from site_app import dbstats  # noqa: E402
from site_app.models import Role, User  # noqa: E402

# Test modules here import helpers with ``from conftest import ...``. The
# browser tests have a conftest.py of their own, which takes the module name
# "conftest" once pytest loads it; point the name back at this file before
# each test module in this folder is imported.
_THIS_CONFTEST = sys.modules[__name__]


def pytest_collectstart(collector):
    if isinstance(collector, pytest.Module) and collector.path.parent == Path(__file__).parent:
        sys.modules["conftest"] = _THIS_CONFTEST


def pytest_sessionfinish(session):
    """Drop the databases of testing apps made outside the ``app`` fixture
    (on a real server they would outlive the run)."""
    if not DRIVER_LANE:
        return
    import pymongo

    from site_app.database import TEST_DATABASE_MARK
    mine = f"{TEST_DATABASE_MARK}{os.getpid()}_"
    with pymongo.MongoClient(os.environ["TEST_MONGODB_URI"],
                             serverSelectionTimeoutMS=2000) as client:
        for name in client.list_database_names():
            if mine in name:
                client.drop_database(name)


def pytest_runtest_setup(item):
    # A test about one backend's own machinery says so with a marker and a
    # reason: @pytest.mark.embedded_only("why") / @pytest.mark.driver_only("why").
    for marker, skipped_on_driver in (("embedded_only", True), ("driver_only", False)):
        found = item.get_closest_marker(marker)
        if found is not None and DRIVER_LANE == skipped_on_driver:
            reason = found.args[0] if found.args else marker
            pytest.skip(f"{marker}: {reason}")


@pytest.fixture
def app():
    app = create_app("testing")
    request_started.connect(_fresh_g, app)
    with app.app_context():
        Role.insert_roles()
        yield app
    request_started.disconnect(_fresh_g, app)
    close_database(app)


def close_database(app):
    """On a server, drop the app's private database and close its client
    (each client holds sockets and a monitor thread)."""
    site_db = app.extensions["site_db"]
    if not site_db["embedded"]:
        site_db["client"].drop_database(site_db["db"].name)
        site_db["client"].close()


def _fresh_g(sender, **extra):
    # Requests made while the fixture's app context is pushed reuse it (Flask
    # pushes a new one only when none is active), so without this ``g`` (and
    # Flask-Login's cached user in it) would leak from one request, or one
    # browser, into the next.
    vars(g).clear()


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


def links_in(message):
    """The absolute URLs in an email's text part."""
    return re.findall(r"https?://[^\s\"'<>]+", message.body or "")


def site_path(link):
    """The path of a link built on SITE_URL, for the test client to follow
    (its requests go to localhost, where its cookies are)."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def make_user(app):
    """Create an account: ``make_user("ann", role="Moderator")``."""
    counter = {"n": 0}

    def make(username=None, email=None, password="correct horse battery",
             role="User", confirmed=True, **profile):
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

    def login(self, email="user1@example.com", password="correct horse battery",
              follow_redirects=False):
        return self._client.post("/auth/login", data={"email": email, "password": password},
                                 follow_redirects=follow_redirects)

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


def basic_auth(username, password=""):
    """An HTTP Basic ``Authorization`` header: email and password, or a
    token with an empty password (the API's two ways in)."""
    import base64
    pair = f"{username}:{password}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


@pytest.fixture
def api_headers():
    """``api_headers(email, password)`` or ``api_headers(token)``."""
    return basic_auth


def signed_in_client(app, user):
    """A new test client whose session is ``user``'s (for tests that need
    several browsers at once, e.g. from threads)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client
