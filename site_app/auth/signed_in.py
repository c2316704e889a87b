"""Where the account is signed in: one row per live session, each with its
device (from the browser's User-Agent) and when it was last used, and a
button that signs that session out."""

import re

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import sessions
from . import auth

# Checked in order: Edge and Opera say "Chrome" too, Chrome says "Safari".
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
_SESSION_KEY = re.compile(r"^[0-9a-f]{64}$")


def describe_device(user_agent):
    """``"Firefox on Linux"``, or a plain word when the browser is not known."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "An unknown device"


@auth.route("/sessions")
@login_required
def signed_in_sessions():
    here = sessions.current_session_key()
    rows = [
        {**one, "device": describe_device(one["user_agent"]), "current": one["key"] == here}
        for one in sessions.sessions_of(current_user.id)
    ]
    return render_template("auth/sessions.html", sessions=rows)


@auth.route("/sessions/<key>/sign-out", methods=["POST"])
@login_required
def sign_out_session(key):
    # CSRFProtect checks the form's token before the view runs.
    if not _SESSION_KEY.match(key):
        abort(404)
    if key == sessions.current_session_key():
        return redirect(url_for("auth.logout"), code=307)
    if not sessions.end_session_of(current_user.id, key):
        abort(404)
    flash(_("That session is signed out."), "info")
    return redirect(url_for("auth.signed_in_sessions"))
