"""``Idempotency-Key`` on API ``POST``s (IETF draft
"The Idempotency-Key HTTP Header Field"): a request sent again with the key
of one already answered gets that answer, marked ``Idempotent-Replayed:
true``, and changes nothing. Keys are per account, kept 24 hours
(``models/idempotency.py``). The same key with another request is a 422;
while the first is still running, a 409.
"""

import hashlib
import re

from flask import current_app, g, request
from flask_babel import gettext as _

from ..errors import error_response
from ..models.idempotency import IdempotentAnswer
from ..models.submissions import NONCE_MAX
from . import api
from .authentication import current_api_user

HEADER = "Idempotency-Key"
_PRINTABLE = re.compile(r"[\x21-\x7e]{1,%d}" % NONCE_MAX)


def request_key():
    """This request's valid ``Idempotency-Key`` (stored with what it creates,
    ``submissions.py``), or ``None``."""
    key = request.headers.get(HEADER)
    return key if key is not None and _PRINTABLE.fullmatch(key) else None


def submission():
    """The nonce what this request creates carries (``submissions.py``), so a
    request run again after a lost answer finds it; ``None`` without a key."""
    key = request_key()
    return f"api:{key}" if key else None


@api.before_request
def replay_an_answered_request():
    """After authentication (registered after it): only POSTs carrying the header."""
    if request.method != "POST" or HEADER not in request.headers:
        return None
    user = current_api_user()
    if user is None:
        return None
    if request_key() is None:
        return error_response(
            400,
            _(
                "%(HEADER)s must be 1 to %(NONCE_MAX)s printable ASCII characters, without spaces.",
                HEADER=HEADER,
                NONCE_MAX=NONCE_MAX,
            ),
        )
    key = f"{user.id}:{request_key()}"
    stored = IdempotentAnswer.claim(key, _fingerprint())
    if stored is None or IdempotentAnswer.take_over(stored):
        g.idempotency_key = key
        return None
    if stored["fingerprint"] != _fingerprint():
        return error_response(
            422,
            _(
                "This %(HEADER)s was used with another request; send a new key for a new request.",
                HEADER=HEADER,
            ),
        )
    if stored["status"] is None:
        return error_response(
            409,
            _(
                "A request with this %(HEADER)s is still being answered; try again in a moment.",
                HEADER=HEADER,
            ),
        )
    return _replayed(stored)


@api.after_request
def keep_the_answer(response):
    key = g.pop("idempotency_key", None)
    if key is None:
        return response
    if response.status_code >= 500 or response.status_code == 429:
        IdempotentAnswer.release(key)  # worth retrying: the next try runs again
    else:
        IdempotentAnswer.answer(
            key,
            response.status_code,
            response.get_data(),
            response.content_type,
            response.headers.get("Location"),
        )
    return response


def _fingerprint():
    digest = hashlib.sha256(f"{request.method} {request.full_path}\n".encode())
    digest.update(request.get_data())
    return digest.hexdigest()


def _replayed(stored):
    response = current_app.response_class(
        stored["body"], status=stored["status"], content_type=stored["content_type"]
    )
    if stored.get("location"):
        response.headers["Location"] = stored["location"]
    response.headers["Idempotent-Replayed"] = "true"
    return response
