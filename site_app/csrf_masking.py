"""CSRF tokens masked afresh in every response (BREACH).

Flask-WTF signs one secret per session, so every page carried the same
token, compressed together with text the reader sent (a search's ``q``):
what BREACH needs to read it out byte by byte. As Django does, each token
written into a page is a one-time pad followed by the token XOR that pad,
so no two responses share it; the check unmasks before Flask-WTF's own
validation. A token without a mask (a form opened before this deploy) is
still checked as it is: masking hides the secret, it is not the secret.
"""

import base64
import secrets

from flask_wtf.csrf import CSRFProtect, _FlaskFormCSRF, generate_csrf

# Flask-WTF's signed tokens always hold "."; URL-safe base64 never does.
_SIGNED_MARK = "."


def masked_csrf_token():
    """This request's CSRF token under a fresh one-time pad (``csrf_token()``
    in templates, and every form's hidden field)."""
    token = generate_csrf().encode()
    pad = secrets.token_bytes(len(token))
    return base64.urlsafe_b64encode(pad + _xor(token, pad)).decode().rstrip("=")


def unmasked(value):
    """The token ``masked_csrf_token`` masked (an unmasked one as it is;
    anything malformed as ``""``, which the check then refuses)."""
    if not value or _SIGNED_MARK in value:
        return value
    try:
        both = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (ValueError, TypeError):
        return ""
    half = len(both) // 2
    if not half or len(both) % 2:
        return ""
    try:
        return _xor(both[half:], both[:half]).decode("ascii")
    except UnicodeDecodeError:
        return ""


def _xor(data, pad):
    return bytes(a ^ b for a, b in zip(data, pad))


class MaskedFormCSRF(_FlaskFormCSRF):
    """A form's hidden ``csrf_token``: masked when written, unmasked when
    checked (the forms of views ``CSRFProtect`` exempts check it themselves)."""

    def generate_csrf_token(self, csrf_token_field):
        return masked_csrf_token()

    def validate_csrf_token(self, form, field):
        field.data = unmasked(field.data)
        super().validate_csrf_token(form, field)


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's ``CSRFProtect``, reading and writing masked tokens."""

    def init_app(self, app):
        super().init_app(app)
        app.jinja_env.globals["csrf_token"] = masked_csrf_token
        # After Flask-WTF's processor, which offers the unmasked one: the
        # last registered wins.
        app.context_processor(lambda: {"csrf_token": masked_csrf_token})

    def _get_csrf_token(self):
        return unmasked(super()._get_csrf_token())
