"""The REST API, version 1, under ``/api/v1``, and its human-readable docs
page at ``/api/docs``.

One module a resource (tokens, posts, comments, users); ``authentication``
owns who is asking, ``inputs`` owns reading JSON bodies, ``serializers``
owns the JSON shapes and ``openapi`` describes all of it.
"""

from flask import Blueprint

from ..extensions import csrf

api = Blueprint("api", __name__)
# The docs page lives outside /api/v1: it is HTML and needs no credentials.
api_docs = Blueprint("api_docs", __name__)

# The API is cookie-less (credentials come with every request), so a
# cross-site form cannot ride on a browser session: CSRF tokens do not apply.
csrf.exempt(api)

# authentication before idempotency: their before_request hooks run in this order.
from . import (  # noqa: E402,F401
    authentication,
    comments,
    docs,
    idempotency,
    notifications,
    openapi,
    posts,
    revisions,
    tokens,
    users,
)
