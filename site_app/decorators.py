"""Permission decorators for views: the one permission check pages use."""
from functools import wraps

from flask import abort, redirect, url_for
from flask_login import current_user

from .models import Permission


def permission_required(permission):
    """Anonymous visitors go to the login page, unconfirmed accounts to
    ``/auth/unconfirmed``, and everyone else without the permission gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from .extensions import login_manager
                return login_manager.unauthorized()
            if not current_user.confirmed:
                return redirect(url_for("auth.unconfirmed"))
            if not current_user.can(permission):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def admin_required(view):
    return permission_required(Permission.ADMIN)(view)
