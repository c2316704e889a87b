"""The form that deletes an account."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional

from ..auth.forms import current_password_field
from ..forms import SiteForm


class DeleteAccountForm(SiteForm):
    password = current_password_field()
    # Asked for (and checked) only when two-factor sign-in is on.
    code = StringField(
        _l("Code from your app, or a recovery code"),
        validators=[Optional(), Length(max=32, message=_l("That code is too long."))],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off"},
    )
    submit = SubmitField(_l("Delete my account and everything in it"))
