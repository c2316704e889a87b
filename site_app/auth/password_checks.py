"""The one rule for checking a password.

Every check (the login form, API Basic auth and token requests, the
password account pages ask for again) counts its failures against the same
limits, ``LOGIN_RATE_LIMIT`` per address and per account, so guessing
through the API costs what guessing through the form does. Only failures
count, and an account over its limit refuses only the addresses that failed
on it: a right password from anywhere else still gets in, so guessing from
many addresses never locks the owner out.
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
    the address is over the limit, or the account is and this address
    failed on it."""
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
    """``(address, account, address on this account)``: each counts failures
    in one window of ``LOGIN_RATE_LIMIT``."""
    limit = parse(current_app.config["LOGIN_RATE_LIMIT"])
    address = request.remote_addr or "unknown"
    account = normalise_email(email)[:254]
    return [
        (limit, ("password", "address", address)),
        (limit, ("password", "account", account)),
        (limit, ("password", "account", account, "address", address)),
    ]


def _enabled():
    return bool(current_app.config.get("RATELIMIT_ENABLED"))


def _refuse_when_over_limit(email, message):
    """An address over its limit is refused. An account over its limit (many
    addresses guessing) is not blocked, or anyone could lock its owner out:
    an address that has already failed on it this window is refused, any
    other still gets its check (one guess an address, a window)."""
    if not _enabled():
        return
    (limit, by_address), (_, by_account), (_, by_pair) = _counters(email)
    if not rate_counters.test(limit, *by_address):
        _refuse(limit, by_address, message)
    if not rate_counters.test(limit, *by_account):
        _reset_at, remaining_here = rate_counters.window_stats(limit, *by_pair)
        if remaining_here < limit.amount:  # this address has failed on it
            _refuse(limit, by_account, message)


def _refuse(limit, keys, message):
    reset_at, _remaining = rate_counters.window_stats(limit, *keys)
    raise TooManyAttempts(message, retry_after=max(1, int(reset_at - time.time())))


def _count_failure(email):
    if _enabled():
        for limit, keys in _counters(email):
            rate_counters.hit(limit, *keys)


def check_code(user, code_is_right, message=None):
    """Whether ``code_is_right()`` (a two-factor code check) says yes, under
    the same limits as a password: a wrong code counts as a wrong password,
    so the six digits cannot be guessed faster than the password."""
    _refuse_when_over_limit(user.email, message)
    if code_is_right():
        return True
    _count_failure(user.email)
    return False
