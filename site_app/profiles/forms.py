"""Profile forms: what anyone may say about themselves, and what only an
administrator may change about an account."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import Length, Optional

from ..auth.forms import email_field, username_field
from ..forms import SiteForm
from ..markup import ContentTooLarge, render_bio
from ..models import Role, User


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class EditProfileForm(SiteForm):
    name = StringField(
        _l("Real name"),
        filters=[_strip],
        validators=[Optional(), Length(max=64, message=_l("Names are at most 64 characters."))],
        render_kw={"autocomplete": "name"},
    )
    location = StringField(
        _l("Location"),
        filters=[_strip],
        validators=[Optional(), Length(max=64, message=_l("Locations are at most 64 characters."))],
    )
    about_me = TextAreaField(
        _l("About me"),
        validators=[Optional(), Length(max=2000, message=_l("Keep it under 2,000 characters."))],
        render_kw={"rows": 5},
    )
    avatar = FileField(
        _l("Avatar (optional: a JPEG, PNG, GIF or WebP image)"),
        render_kw={"accept": "image/jpeg,image/png,image/gif,image/webp"},
    )
    submit = SubmitField(_l("Save profile"))

    PROFILE_FIELDS = ("name", "location", "about_me")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser checks the size before sending (static/js/avatar.js).
        self.avatar.render_kw = {**self.avatar.render_kw, "data-max-bytes": avatar_limit()}

    def validate_about_me(self, field):
        try:
            render_bio(field.data)
        except ContentTooLarge as refused:
            raise ValidationError(str(refused)) from refused

    def validate_avatar(self, field):
        if field.data and _file_size(field.data) > avatar_limit():
            raise ValidationError(too_large_avatar())

    def profile_changes(self):
        changes = {field: self[field].data or None for field in self.PROFILE_FIELDS}
        # Rendered when written, like every text shown as HTML (validate_about_me checked the cost).
        changes["about_me_html"] = render_bio(changes["about_me"]) if changes["about_me"] else None
        return changes


def avatar_limit():
    return current_app.config["MAX_AVATAR_BYTES"]


def too_large_avatar():
    """What a writer is told about an avatar over the limit (here and in the browser)."""
    return f"The avatar is too large: the limit is {avatar_limit() / 1048576:.1f} MB."


def _file_size(upload):
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


class EditProfileAdminForm(EditProfileForm):
    email = email_field(autocomplete="off")
    username = username_field()
    confirmed = BooleanField(_l("Confirmed"))
    role = SelectField(_l("Role"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, obj=user, **kwargs)
        self.user = user
        self.role.choices = [role.name for role in Role.objects.order_by("permissions")]

    def validate_email(self, field):
        if field.data != self.user.email and User.email_taken(field.data):
            raise ValidationError(_("That email address is already registered."))

    def validate_username(self, field):
        if field.data.strip().lower() != self.user.username_key and User.username_taken(field.data):
            raise ValidationError(_("That username is taken."))

    def profile_changes(self):
        return {
            **super().profile_changes(),
            "email": self.email.data,
            "username": self.username.data,
            "confirmed": self.confirmed.data,
            "role": Role.named(self.role.data),
        }
