"""Forms of the account pages. Field names are part of the public contract.

The form checks what it can see in the request (shape, length, matching
passwords, an address already in use); the unique indexes behind
``User.register`` have the last word when two requests race.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField, SubmitField, ValidationError
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp
from wtforms.widgets import EmailInput

from ..forms import SiteForm
from ..models import User
from ..models.users import normalise_email

EMAIL_MAX = 254
USERNAME_MAX = 64
PASSWORD_MIN = 8
PASSWORD_MAX = 128

# Letters, digits, underscore, dot and hyphen: safe in a URL (/user/<name>)
# and in a page, with no spaces or markup. A leading dot or hyphen would make
# names like ".." that browsers rewrite in paths.
USERNAME_RULE = Regexp(
    r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$",
    message=_l(
        "Usernames may contain only letters, digits, underscores, dots and "
        "hyphens, and start with a letter, digit or underscore."
    ),
)


def email_rules():
    """What an email field accepts, wherever an address is entered (the
    account pages, profile editing, the admin)."""
    return {
        # type=email: phones show the email keyboard, browsers check the shape.
        "widget": EmailInput(),
        # Addresses are compared as the model stores them: trimmed, lower case.
        "filters": [normalise_email],
        "validators": [
            DataRequired(message=_l("Enter your email address.")),
            Length(
                max=EMAIL_MAX, message=_l("Email addresses are at most %(max)d characters.", max=EMAIL_MAX)
            ),
            Email(message=_l("Enter a valid email address, like name@example.com.")),
        ],
    }


def username_rules():
    """What a username field accepts, wherever a name is entered."""
    return {
        "validators": [
            DataRequired(message=_l("Choose a username.")),
            Length(
                max=USERNAME_MAX, message=_l("Usernames are at most %(max)s characters.", max=USERNAME_MAX)
            ),
            USERNAME_RULE,
        ]
    }


def email_field(label=_l("Email"), autocomplete="email"):
    """``autocomplete="off"`` where the address is someone else's (an
    administrator editing an account)."""
    return StringField(label, **email_rules(), render_kw={"autocomplete": autocomplete})


def username_field():
    return StringField(_l("Username"), **username_rules(), render_kw={"autocomplete": "username"})


def new_password_fields(label=_l("Password")):
    """A new password and its confirmation (``password``, ``password2``)."""
    password = PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Choose a password.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l(
                    "Passwords are %(min)s to %(max)s characters long.", min=PASSWORD_MIN, max=PASSWORD_MAX
                ),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    password2 = PasswordField(
        _l("Confirm password"),
        validators=[
            DataRequired(message=_l("Type the password again.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, password2


def current_password_field(label=_l("Password")):
    return PasswordField(
        label,
        validators=[
            DataRequired(message=_l("Enter your password.")),
            Length(max=PASSWORD_MAX, message=_l("That password is too long.")),
        ],
        render_kw={"autocomplete": "current-password"},
    )


class LoginForm(SiteForm):
    email = email_field()
    password = current_password_field()
    remember_me = BooleanField(_l("Keep me logged in"))
    submit = SubmitField(_l("Log in"))


class RegistrationForm(SiteForm):
    email = email_field()
    username = username_field()
    password, password2 = new_password_fields()
    submit = SubmitField(_l("Create account"))

    # A taken email is no form error: the view answers "check your inbox"
    # either way and mails the address's owner instead.

    def validate_username(self, field):
        if User.username_taken(field.data):
            raise ValidationError(_("That username is taken."))


class ChangePasswordForm(SiteForm):
    old_password = current_password_field(_l("Current password"))
    password, password2 = new_password_fields(_l("New password"))
    submit = SubmitField(_l("Change password"))


class PasswordResetRequestForm(SiteForm):
    email = email_field()
    submit = SubmitField(_l("Send reset link"))


class PasswordResetForm(SiteForm):
    password, password2 = new_password_fields(_l("New password"))
    submit = SubmitField(_l("Reset password"))


class ChangeEmailForm(SiteForm):
    email = email_field(_l("New email"))
    password = current_password_field()
    submit = SubmitField(_l("Change email"))

    def validate_email(self, field):
        if User.email_taken(field.data):
            raise ValidationError(_("That email address is already registered."))


class ResendConfirmationForm(SiteForm):
    """Only the CSRF token: the button on /auth/unconfirmed."""

    submit = SubmitField(_l("Send a new confirmation email"))


class LogoutEverywhereForm(SiteForm):
    """Only the CSRF token: the button on /auth/change-password."""

    submit = SubmitField(_l("Log out everywhere"))


def code_field(label="Code from your app, or a recovery code"):
    return StringField(
        label,
        validators=[
            DataRequired(message=_l("Enter the code.")),
            Length(max=32, message=_l("That code is too long.")),
        ],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off"},
    )


class EnableTwoFactorForm(SiteForm):
    code = code_field("Code from your app")
    submit = SubmitField(_l("Turn on two-factor sign-in"))


class VerifyTwoFactorForm(SiteForm):
    code = code_field()
    trust_device = BooleanField(_l("Trust this device"))
    submit = SubmitField(_l("Verify"))


class DisableTwoFactorForm(SiteForm):
    password = current_password_field()
    code = code_field()
    submit = SubmitField(_l("Turn off two-factor sign-in"))
