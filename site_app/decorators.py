"""The one permission check: pages, the upload endpoint and the admin all
ask ``missing_permission`` and only choose how to say no."""

from functools import wraps

from flask import abort, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .errors import error_response, wants_json
from .extensions import login_manager
from .models import Permission

# Why a request may not go on.
LOG_IN, CONFIRM, FORBIDDEN = "log in", "confirm", "forbidden"


def missing_permission(permission=None):
    """``None`` when the current user may act with ``permission`` (``None``:
    any signed-in, confirmed account), else why not: ``LOG_IN``
    (anonymous), ``CONFIRM`` (unconfirmed) or ``FORBIDDEN``."""
    if not current_user.is_authenticated:
        return LOG_IN
    if not current_user.confirmed:
        return CONFIRM
    if permission is not None and not current_user.can(permission):
        return FORBIDDEN
    return None


# A script that asks for JSON (the like and bookmark buttons) is told why in
# JSON; it falls back to submitting its form, and the browser gets the pages.
_JSON_REFUSALS = {
    LOG_IN: (401, _l("Log in first.")),
    CONFIRM: (403, _l("Confirm your email address first.")),
    FORBIDDEN: (403, _l("Your account may not do this.")),
}


def refuse_page(reason, refusals=_JSON_REFUSALS):
    """A page's answer: anonymous visitors go to the login page, unconfirmed
    accounts to ``/auth/unconfirmed``, everyone else gets 403 (JSON, from
    ``refusals``, to a client that asks for it)."""
    if wants_json():
        return error_response(*refusals[reason])
    if reason == LOG_IN:
        return login_manager.unauthorized()
    if reason == CONFIRM:
        return redirect(url_for("auth.unconfirmed"))
    abort(403)


def permission_required(permission, refusals=_JSON_REFUSALS):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            reason = missing_permission(permission)
            if reason:
                return refuse_page(reason, refusals)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# A signed-in, confirmed account, whatever its role: pages that put text in
# front of others without a permission of their own (a profile).
confirmed_required = permission_required(None)


def admin_required(view):
    return permission_required(Permission.ADMIN)(view)
