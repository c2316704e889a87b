"""The audit log in the admin, read only: what moderators and
administrators did, newest first (``models/audit.py``; kept a year)."""

from flask_admin.contrib.mongoengine.filters import FilterEqual
from flask_babel import lazy_gettext as _l

from ..models.audit import ACTIONS
from .modelview import SiteModelView


class AuditAdmin(SiteModelView):
    can_create = False
    can_edit = False
    can_delete = False
    column_list = ("created", "actor_name", "action", "target", "detail")
    column_labels = {"created": _l("When"), "actor_name": _l("Who"), "action": _l("What")}
    column_default_sort = [("created", True), ("id", True)]
    # One kind of action at a time (the (action, -created) index); no free
    # text search, which would read the whole year.
    column_filters = (FilterEqual("action", "Action", options=[(a, a) for a in ACTIONS]),)
