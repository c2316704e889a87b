"""The base of every form on the site."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField, ValidationError

from .csrf_masking import MaskedFormCSRF
from .text import refusal


class SiteForm(FlaskForm):
    """A FlaskForm (so CSRF-protected) whose text fields all refuse control
    and text-direction characters (``site_app.text``), with the reason next
    to the field and everything typed kept. Passwords are left alone: any
    character may be part of one, and they are never shown. Its CSRF token
    is masked afresh in every response (``csrf_masking``)."""

    class Meta:
        csrf_class = MaskedFormCSRF

    def validate(self, extra_validators=None):
        extra = dict(extra_validators or {})
        for name, field in self._fields.items():
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                extra[name] = [*extra.get(name, ()), _plain(multiline=isinstance(field, TextAreaField))]
        return super().validate(extra_validators=extra)


def _plain(multiline):
    def check(form, field):
        message = refusal(field.data, multiline) if isinstance(field.data, str) else None
        if message:
            raise ValidationError("This " + message)

    return check
