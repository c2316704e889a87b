"""A password check for an account that does not exist costs what a real one
costs, so timing never tells whether an email has an account."""

import secrets
from functools import lru_cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


@lru_cache(maxsize=4)
def _dummy_hash(method):
    return generate_password_hash(secrets.token_hex(16), method=method)


def check_dummy_hash(password):
    """Spend what a real check spends (same method, same cost); never true."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    check_password_hash(_dummy_hash(method), password)
    return False
