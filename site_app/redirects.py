"""The one rule for where a ``next`` parameter may send a browser: a path on
this site, never another site (an open redirect lets a phishing link borrow
our address)."""

from urllib.parse import urlsplit

from flask import request


def local_redirect_target(target):
    """``target`` if it is a path on this site, else ``None``.

    Refuses absolute URLs, scheme-relative ``//host``, ``/\\host`` (browsers
    read the backslash as a slash), ``javascript:`` and control characters
    (browsers drop tabs and newlines, turning ``/\\t/host`` into ``//host``).
    """
    if not target or not isinstance(target, str):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    return target


def back_to(default):
    """Where a POST button was: its ``next`` (a form field, else the query
    string) when that is a path on this site, else ``default``."""
    return local_redirect_target(request.form.get("next") or request.args.get("next")) or default
