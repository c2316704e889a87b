from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, SubmitField

from ..auth.forms import email_rules
from ..forms import SiteForm


class SubscribeForm(SiteForm):
    email = EmailField("Your email address", **email_rules())
    submit = SubmitField("Subscribe")


class NewsletterSettingsForm(SiteForm):
    whole_post = BooleanField("Mail the whole post (otherwise its excerpt and a link)")
    submit = SubmitField("Save")


class ImportForm(SiteForm):
    file = FileField("A CSV file of addresses (one a row, in the first column)",
                     validators=[FileRequired(message="Choose a CSV file.")])
    submit = SubmitField("Send each the opt-in mail")


class ConfirmForm(SiteForm):
    submit = SubmitField("Yes, subscribe me")
