"""Accounts in the admin: find, change role, confirm, disable.

Accounts are disabled rather than deleted, so their posts and comments keep
their author. Disabling goes through ``User.disable`` so the account's
sessions and API tokens stop at once. Editing checks the fields with the
account pages' rules and saves through ``User.edit_profile``, as the site's
own account editor (``/edit-profile/<id>``) does.
"""

from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.mongoengine.filters import BaseMongoEngineFilter, BooleanEqualFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup, escape
from wtforms import BooleanField

from ..auth.forms import email_rules, username_rules
from ..models import AccountTaken, Role, User
from ..models.audit import AuditEntry
from .modelview import SiteModelView


class RoleFilter(BaseMongoEngineFilter):
    """Accounts that hold one role, chosen by name."""

    def __init__(self):
        # The role names are fixed in code, so the menu needs no query.
        super().__init__("role", "Role", options=[(name, name) for name in Role.ROLES])

    def apply(self, query, value):
        return query.filter(role=Role.named(value))

    def operation(self):
        return "is"


def _audit(action, user, detail=""):
    AuditEntry.record(current_user, action, f"user:{user.username}", detail)


def accounts(count):
    """ "1 account", "2 accounts": a flash message reads as a sentence."""
    return ngettext("%(num)d account", "%(num)d accounts", count)


def _username_with_state(view, context, user, name):
    """The name, marked when the account is disabled or unconfirmed (the
    states that matter at a glance, in one column rather than two)."""
    badges = []
    if user.disabled:
        badges.append(Markup('<span class="badge badge-danger">disabled</span>'))
    if not user.confirmed:
        badges.append(Markup('<span class="badge badge-warning">unconfirmed</span>'))
    return Markup(" ").join([escape(user.username), *badges])


class UserAdmin(SiteModelView):
    can_create = False  # accounts are made by registering
    can_delete = False
    # Few, short columns: the table fits 1366 px without scrolling sideways.
    column_list = ("username", "email", "role", "member_since", "last_seen")
    column_labels = {"member_since": _l("Joined"), "last_seen": _l("Last seen")}
    column_formatters = {"username": _username_with_state}
    column_searchable_list = ("username", "email")
    column_filters = (
        RoleFilter(),
        BooleanEqualFilter("confirmed", "Confirmed"),
        BooleanEqualFilter("disabled", "Disabled"),
    )
    column_default_sort = [("member_since", True), ("id", True)]  # the id breaks ties
    form_columns = ("username", "email", "role", "confirmed", "account_disabled")
    id_fields = ("rowid", "role")
    form_args = {
        "username": username_rules(),
        # Someone else's address: the browser must not offer the admin's own.
        "email": {**email_rules(), "render_kw": {"autocomplete": "off"}},
    }
    form_extra_fields = {
        "account_disabled": BooleanField(
            _l("Disabled"),
            description=_l("A disabled account cannot log in; its sessions and API tokens stop at once."),
        )
    }

    def on_form_prefill(self, form, id):
        form.account_disabled.data = self.get_one(id).disabled

    def update_model(self, form, user):
        old_role = user.role.name if user.role else None
        try:
            user.edit_profile(
                username=form.username.data,
                email=form.email.data,
                role=form.role.data,
                confirmed=form.confirmed.data,
            )
        except AccountTaken as taken:
            flash(_("The account was not saved: that %(field)s is taken.", field=taken.field), "error")
            return False
        new_role = form.role.data.name if form.role.data else None
        if new_role != old_role:
            _audit("change role", user, f"{old_role} → {new_role}")
        self.after_model_change(form, user, False)
        return True

    def after_model_change(self, form, user, is_created):
        if form.account_disabled.data and not user.disabled:
            user.disable()
            _audit("disable account", user)
        elif not form.account_disabled.data and user.disabled:
            user.enable()
            _audit("enable account", user)

    def _each_selected(self, ids):
        return User.objects(id__in=ids)

    @action("disable", _l("Disable"), _l("Disable the selected accounts? They are logged out at once."))
    def action_disable(self, ids):
        users = [u for u in self._each_selected(ids) if not u.disabled]
        for user in users:
            user.disable()
            _audit("disable account", user)
        flash(_("%(accounts)s disabled.", accounts=accounts(len(users))), "success")

    @action("enable", _l("Enable"))
    def action_enable(self, ids):
        users = [u for u in self._each_selected(ids) if u.disabled]
        for user in users:
            user.enable()
            _audit("enable account", user)
        flash(_("%(accounts)s enabled.", accounts=accounts(len(users))), "success")

    @action("confirm", _l("Mark confirmed"))
    def action_confirm(self, ids):
        changed = User.objects(id__in=ids, confirmed=False).update(set__confirmed=True)
        flash(_("%(accounts)s marked confirmed.", accounts=accounts(changed)), "success")
