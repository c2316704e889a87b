"""The base of every admin model view: Administrators only, the site's CSRF,
times to the minute and search boxes that say what they search."""

from datetime import datetime

import mongoengine
from bson import ObjectId
from flask import abort, request
from flask_admin.contrib.mongoengine import ModelView
from flask_admin.contrib.mongoengine.typefmt import DEFAULT_FORMATTERS
from flask_babel import gettext as _
from flask_mongoengine import db_fields

from ..forms import SiteForm
from .access import AdministratorsOnly


class SiteModelView(AdministratorsOnly, ModelView):
    # A FlaskForm (SiteForm) carries the same CSRF token CSRFProtect checks
    # on every POST (Flask-Admin's SecureForm uses a token of its own, which
    # CSRFProtect would reject), and refuses control characters like every form.
    form_base_class = SiteForm
    page_size = 25
    can_view_details = False
    can_export = False
    # Flask-Admin compares exact field types; the models use
    # flask_mongoengine's subclasses of mongoengine's fields.
    allowed_search_types = (
        mongoengine.StringField,
        db_fields.StringField,
        mongoengine.EmailField,
        db_fields.EmailField,
    )
    # Posted fields that hold document ids: the selected rows of an action,
    # and a view's reference fields (a user's role).
    id_fields = ("rowid",)
    # Stored times are naive UTC with microseconds: minutes are what a reader needs.
    column_type_formatters = {
        **DEFAULT_FORMATTERS,
        datetime: lambda view, value, name=None: value.strftime("%Y-%m-%d %H:%M"),
    }

    def search_placeholder(self):
        """ "Search username, email" (Flask-Admin's MongoEngine view has none,
        and the template then shows "None")."""
        if not self.column_searchable_list:
            return ""
        names = [self.get_column_name(field) for field in self.column_searchable_list]
        return "Search " + ", ".join(name.lower() for name in names)

    def _handle_view(self, name, **kwargs):
        # Flask-Admin and MongoEngine raise (a 500) on a malformed id: refuse
        # it first with a 400 that names the field.
        for field in self.id_fields:
            for value in request.form.getlist(field):
                if value and value != "__None" and not ObjectId.is_valid(value):
                    abort(400, _("%(field)s: %(value)s is not a valid id.", field=field, value=value[:40]))
        return super()._handle_view(name, **kwargs)

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """The stock listing, with references (a post's author, a user's
        role) fetched in one batch instead of one query a row."""
        count, query = super().get_list(
            page, sort_column, sort_desc, search, filters, execute=False, page_size=page_size
        )
        if execute:
            query = query.select_related(max_depth=1)
        return count, query
