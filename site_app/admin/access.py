"""Who may use the admin: Administrators, by the same rule as every page.

Flask-Admin asks each view ``is_accessible``; every admin view (the index
included) mixes this in, so no view can be mounted without the check.
"""
from flask import abort, redirect, url_for
from flask_login import current_user

from ..extensions import login_manager
from ..models import Permission


class AdministratorsOnly:
    def is_accessible(self):
        return (current_user.is_authenticated and current_user.confirmed
                and current_user.can(Permission.ADMIN))

    def inaccessible_callback(self, name, **kwargs):
        # Same answers as ``permission_required``: anonymous visitors are sent
        # to the login page, unconfirmed accounts to confirm, others get 403.
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.confirmed:
            return redirect(url_for("auth.unconfirmed"))
        abort(403)
