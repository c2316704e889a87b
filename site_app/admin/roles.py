"""Roles in the admin, read only: they are defined in code (``Role.ROLES``)
and written by ``flask deploy``."""

from ..models import Permission
from .modelview import SiteModelView

_PERMISSION_NAMES = ("FOLLOW", "COMMENT", "WRITE", "MODERATE", "ADMIN")


def _permission_list(view, context, role, name):
    return ", ".join(p.lower() for p in _PERMISSION_NAMES if role.has_permission(getattr(Permission, p)))


class RoleAdmin(SiteModelView):
    can_create = False
    can_edit = False
    can_delete = False
    column_list = ("name", "permissions", "default")
    column_formatters = {"permissions": _permission_list}
