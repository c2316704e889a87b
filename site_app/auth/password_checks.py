"""The one rule for checking a password.

Every check (the login form, API Basic auth and token requests, the
password account pages ask for again) counts its failures against the same
limits, ``LOGIN_RATE_LIMIT`` per address and per account, so guessing
through the API costs what guessing through the form does. Only failures
count: a right password never locks its owner out.
"""
import time

from flask import current_app, request
from limits import parse
from werkzeug.exceptions import TooManyRequests

from .. import rate_counters
from ..models import User
from ..models.users import normalise_email


class TooManyAttempts(TooManyRequests):
    """Over the limit: answered as a 429 with ``Retry-After``."""

    description = "Too many wrong passwords. Wait a minute and try again."


def check_login(email, password, message=None):
    """The account ``email`` names when ``password`` is its password, else
    ``None``. Raises :class:`TooManyAttempts` before checking anything when
    the address or the account is over the limit."""
    _refuse_when_over_limit(email, message)
    user = User.authenticate(email, password)
    if user is None:
        _count_failure(email)
    return user


def check_own_password(user, password, message=None):
    """Whether ``password`` is the signed-in ``user``'s (the password an
    account page asks for before changing the address or the password)."""
    _refuse_when_over_limit(user.email, message)
    if user.verify_password(password):
        return True
    _count_failure(user.email)
    return False


def _counters(email):
    limit = parse(current_app.config["LOGIN_RATE_LIMIT"])
    address = request.remote_addr or "unknown"
    account = normalise_email(email)[:254]
    return [(limit, ("password", "address", address)),
            (limit, ("password", "account", account))]


def _enabled():
    return bool(current_app.config.get("RATELIMIT_ENABLED"))


def _refuse_when_over_limit(email, message):
    if not _enabled():
        return
    for limit, keys in _counters(email):
        if not rate_counters.test(limit, *keys):
            reset_at, _remaining = rate_counters.window_stats(limit, *keys)
            raise TooManyAttempts(message, retry_after=max(1, int(reset_at - time.time())))


def _count_failure(email):
    if _enabled():
        for limit, keys in _counters(email):
            rate_counters.hit(limit, *keys)
