"""Signed, expiring tokens bound to a purpose.

Each purpose signs with its own salt, so a password-reset token can never
confirm an account or change an email, whatever it contains.
"""

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM = "confirm-account"
RESET = "reset-password"
CHANGE_EMAIL = "change-email"
API = "api-token"
TRUSTED_DEVICE = "trusted-device"
CONFIRM_SUBSCRIPTION = "confirm-subscription"
UNSUBSCRIBE = "unsubscribe"  # read without max_age: old mails' links keep working


def _serializer(purpose):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def make_token(purpose, payload):
    return _serializer(purpose).dumps(payload)


def read_token(purpose, token, max_age):
    """The payload, or ``None`` when the token is tampered, expired or for
    another purpose."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired, TypeError, ValueError):
        return None
