"""Helpers test modules import (``from helpers import ...``); fixtures are
in ``conftest.py``."""

import base64
import contextvars
import os
import re
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from site_app import create_app
from site_app.models import Role
from site_app.scheduler import stop_in_process

# True when testing apps talk to a server through the driver (the stand-in
# or a real MongoDB), False on the embedded mongomock backend. conftest.py
# sets TEST_MONGODB_URI for the driver lane before this is imported.
DRIVER_LANE = bool(os.environ.get("TEST_MONGODB_URI"))


# Settings over production's for an app whose database nobody serves (nothing
# listens on port 1): the start-up ping skipped, a query waits 200 ms (not
# pymongo's 5 s) and the page answers 503.
PRODUCTION_WITHOUT_DATABASE = {
    "MONGODB_URI": "mongodb://127.0.0.1:1/site",
    "SKIP_DB_CHECK": True,
    "MONGODB_SERVER_SELECTION_TIMEOUT_MS": 200,
    "MONGODB_TIMEOUT_MS": 200,
    "SECRET_KEY": "a-long-random-production-secret-0123456789",
    "SITE_URL": "https://blog.example.com",
}


# What a site started in a process of its own must not inherit: settings that
# would point it at another database, mail server or config, and
# FLASK_RUN_FROM_CLI, which an in-process CLI test sets for good (Flask's
# command group does) and which makes app.run() refuse to serve.
NOT_FOR_CHILD_SITES = {"MONGODB_URI", "SITE_CONFIG", "MAIL_SERVER", "FLASK_DEBUG", "FLASK_RUN_FROM_CLI"}


def child_site_environment(*also_left_out):
    """This process's environment for a site served by a child process."""
    left_out = NOT_FOR_CHILD_SITES.union(also_left_out)
    return {k: v for k, v in os.environ.items() if k not in left_out}


def links_in(message):
    """The absolute URLs in an email's text part."""
    return re.findall(r"https?://[^\s\"'<>]+", message.body or "")


def site_path(link):
    """The path of a link built on SITE_URL, for the test client to follow
    (its requests go to localhost, where its cookies are)."""
    parts = urlsplit(link)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def basic_auth(username, password=""):
    """An HTTP Basic ``Authorization`` header: email and password, or a
    token with an empty password (the API's two ways in)."""
    pair = f"{username}:{password}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def signed_in_client(app, user):
    """A new test client whose session is ``user``'s (for tests that need
    several browsers at once, e.g. from threads)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def publish_a_post_linking(app, make_user, file_id):
    """A published post whose text links ``/files/<file_id>``: the file is
    then everyone's (site_app/media/access.py), as pages serve it."""
    from site_app.models import Post

    with app.app_context():
        Post.publish(make_user(f"linker{file_id}"), "Linked", f"[the file](/files/{file_id})")


def close_database(app):
    """On a server, drop the app's private database and close its client
    (each client holds sockets and a monitor thread); once, however often
    asked. Its timetable thread, if a request started one, ends first, and a
    closed app's context binds nothing any more (tests/database_binding.py):
    a thread it left would otherwise bind MongoEngine to the closed client,
    or to its own database, under every later test."""
    site_db = app.extensions["site_db"]
    if site_db.get("closed"):
        return
    stop_in_process(app)
    site_db["closed"] = True
    if not site_db["embedded"]:
        site_db["client"].drop_database(site_db["db"].name)
        site_db["client"].close()


class ServerLikeClient(FlaskClient):
    """Each request runs in contexts of its own, as on a server. Flask lends
    an active app context (a test's ``app_context``) to the requests made
    inside it, and with it ``g`` and Flask-Login's cached user. The answer
    is read whole and its body closed, as a server does once it is sent: a
    file it streamed (a static file, an upload) is never left open."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        # Werkzeug spools a body over 500 KB to a temporary file it never
        # closes; the server's request body is done with once answered.
        response.request.environ["wsgi.input"].close()
        return response


def assert_compressed_answer_revalidates(client, path):
    """``path`` comes brotli-compressed, and asking again with its ETag
    (compressed too) gets a 304: the ETag names the page, not its encoding."""
    first = client.get(path, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    again = client.get(path, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def build_app(config_name="testing", roles=True, **settings):
    """A new app (``make_app``'s arguments), its test client a server's."""
    app = create_app(config_name, overrides=settings or None)
    app.test_client_class = ServerLikeClient
    if config_name == "testing" and roles:
        with app.app_context():
            Role.insert_roles()
    return app


def close_app(app):
    """A testing app's database dropped; another config's left alone, its
    timetable stopped and its client closed."""
    if app.config["CONFIG_NAME"] == "testing":
        close_database(app)
    else:  # another config's database is not ours to drop
        stop_in_process(app)
        app.extensions["site_db"]["closed"] = True  # as close_database does
        if not app.extensions["site_db"]["embedded"]:
            app.extensions["site_db"]["client"].close()
