"""Who may use the admin: Administrators, by the same rule as every page.

Flask-Admin asks each view ``is_accessible``; every admin view (the index
included) mixes this in, so no view can be mounted without the check.
"""

from ..decorators import missing_permission, refuse_page
from ..models import Permission


class AdministratorsOnly:
    def is_accessible(self):
        return missing_permission(Permission.ADMIN) is None

    def inaccessible_callback(self, name, **kwargs):
        return refuse_page(missing_permission(Permission.ADMIN))
