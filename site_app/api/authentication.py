"""Who is calling the API.

Every request carries its credentials in an HTTP Basic ``Authorization``
header: email and password, or a token (from ``POST /api/v1/tokens/``) as
the user name with an empty password. The session cookie is never
consulted, so a logged-in browser cannot be made to call the API by a
third-party page.

The identity is worked out once per request: the rate
limiter (which runs first) keys on it, and the views read it.
"""

from typing import NamedTuple

from flask import current_app, request
from flask_babel import gettext as _
from pymongo.errors import PyMongoError

from .. import tokens
from ..auth.password_checks import TooManyAttempts, check_code, check_login
from ..errors import error_response
from ..extensions import limiter
from ..models import User
from ..models.two_factor import TwoFactor
from . import api

# Endpoints anyone may read: the description of the API itself.
PUBLIC_ENDPOINTS = {"api.openapi_json"}
_IDENTITY_KEY = "site_app.api_identity"
# The current two-factor code, when a token is asked for with a password.
TOTP_HEADER = "X-TOTP"


class Identity(NamedTuple):
    """The outcome of checking the credentials of one request."""

    user: User | None = None
    via_token: bool = False
    status: int | None = None  # 401, 403 or 429 when refused
    message: str | None = None
    headers: dict | None = None


def _refused(status, message, via_token=False, headers=None):
    return Identity(status=status, message=message, via_token=via_token, headers=headers)


def _check_credentials(authorization):
    if authorization is None or authorization.type != "basic" or not authorization.username:
        return _refused(401, _("Send your email and password, or a token, with HTTP Basic authentication."))
    if not authorization.password:
        user = User.from_token(
            tokens.API, authorization.username, max_age=current_app.config["API_TOKEN_EXPIRATION"]
        )
        if user is None:
            return _refused(401, _("The token is invalid or has expired; ask for a new one."), via_token=True)
        via_token = True
    else:
        try:
            user = check_login(authorization.username, authorization.password)
        except TooManyAttempts as refused:
            return _refused(429, refused.description, headers={"Retry-After": str(refused.retry_after)})
        if user is None:
            return _refused(401, _("The email or password is wrong."))
        if user.disabled:
            return _refused(401, _("This account has been disabled."))
        refused = _second_factor_refusal(user)
        if refused is not None:
            return refused
        via_token = False
    if not user.confirmed:
        return _refused(
            403, _("Confirm your account (see the email we sent) before using the API."), via_token
        )
    return Identity(user=user, via_token=via_token)


def _second_factor_refusal(user):
    """A password alone does not open an account with two-factor: only
    ``POST /tokens/`` accepts it, with a current code in ``X-TOTP`` (a wrong
    code counts as a wrong password); every other call needs a token."""
    second = TwoFactor.enabled_for(user)
    if second is None:
        return None
    if request.endpoint != "api.create_token":
        return _refused(
            401,
            _(
                "This account uses two-factor sign-in: a password alone is not "
                "accepted. Ask POST /api/v1/tokens/ for a token, with your code "
                "in the X-TOTP header, and send the token instead."
            ),
        )
    code = request.headers.get(TOTP_HEADER, "")
    try:
        if code and check_code(user, lambda: second.verify(code)):
            return None
    except TooManyAttempts as refused:
        return _refused(429, refused.description, headers={"Retry-After": str(refused.retry_after)})
    return _refused(
        401,
        _(
            "This account uses two-factor sign-in: send a current code from "
            "your app (or a recovery code) in the X-TOTP header."
        ),
    )


def current_identity():
    """The identity of this request's credentials, checked once."""
    # Kept in the WSGI environ, which lives exactly as long as the request
    # (``g`` outlives it when a test holds an app context open).
    if _IDENTITY_KEY not in request.environ:
        try:
            request.environ[_IDENTITY_KEY] = _check_credentials(request.authorization)
        except PyMongoError as error:  # asked again, the same answer (a 503), not another wait
            request.environ[_IDENTITY_KEY] = error
    found = request.environ[_IDENTITY_KEY]
    if isinstance(found, PyMongoError):
        raise found
    return found


def current_api_user():
    """The authenticated user of this API request (set by the hook below)."""
    return current_identity().user


def rate_limit_key():
    """Rate limits count per account, whichever credentials it uses; calls
    without valid credentials count per address."""
    try:
        user = current_identity().user
    except PyMongoError:
        # The database is away: the request answers 503 when its credentials
        # are checked. Raised here, Flask-Limiter would take it for its own
        # storage failing and run its checks again, one database timeout each.
        user = None
    if user is not None:
        return f"user:{user.id}"
    return f"addr:{request.remote_addr or 'unknown'}"


def _api_rate_limit():
    return current_app.config["API_RATE_LIMIT"]


def _rate_limit_message():
    return _("Too many requests: the API allows %(limit)s.", limit=current_app.config["API_RATE_LIMIT"])


# One budget per account for the whole API (a per-route budget would let a
# client multiply its allowance by spreading calls over endpoints).
limiter.shared_limit(
    _api_rate_limit, scope="api", key_func=rate_limit_key, error_message=_rate_limit_message
)(api)


def unauthorized(message):
    return error_response(401, message, {"WWW-Authenticate": 'Basic realm="api"'})


@api.before_request
def require_authentication():
    if request.endpoint in PUBLIC_ENDPOINTS or request.method == "OPTIONS":
        return None
    identity = current_identity()
    if identity.status == 401:
        return unauthorized(identity.message)
    if identity.status is not None:
        return error_response(identity.status, identity.message, identity.headers)
    identity.user.ping()
    return None
