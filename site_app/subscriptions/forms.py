from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, SubmitField

from ..auth.forms import email_rules
from ..forms import SiteForm


class SubscribeForm(SiteForm):
    email = EmailField(_l("Your email address"), **email_rules())
    submit = SubmitField(_l("Subscribe"))


class NewsletterSettingsForm(SiteForm):
    whole_post = BooleanField(_l("Mail the whole post (otherwise its excerpt and a link)"))
    submit = SubmitField(_l("Save"))


class ImportForm(SiteForm):
    file = FileField(
        _l("A CSV file of addresses (one a row, in the first column)"),
        validators=[FileRequired(message=_l("Choose a CSV file."))],
    )
    submit = SubmitField(_l("Send each the opt-in mail"))


class ConfirmForm(SiteForm):
    submit = SubmitField(_l("Yes, subscribe me"))
