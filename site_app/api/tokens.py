"""API tokens: traded for an email and password, then used in their place."""

from flask import current_app, jsonify

from .. import tokens
from . import api
from .authentication import current_api_user, current_identity, unauthorized


@api.post("/tokens/")
def create_token():
    # A token must not renew itself: a stolen one would then live forever.
    if current_identity().via_token:
        return unauthorized("Ask for a token with your email and password, not a token.")
    expiration = current_app.config["API_TOKEN_EXPIRATION"]
    return jsonify(token=current_api_user().generate_token(tokens.API), expiration=expiration)
