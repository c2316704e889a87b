"""Helpers test modules import (``from helpers import ...``); fixtures are
in ``conftest.py``."""
import base64
import re


def links_in(message):
    """The absolute URLs in an email's text part."""
    return re.findall(r"https?://[^\s\"'<>]+", message.body or "")


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
