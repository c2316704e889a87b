"""Account pages: register, log in and out, confirm, passwords, email.

Views parse a form, call one ``User`` method (the model owns the rules and
the tokens) and redirect or re-render the form with messages next to the
fields.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from .. import tokens
from ..email import send_email
from ..extensions import limiter
from ..models import AccountTaken, User
from ..public_address import site_url_for
from ..redirects import local_redirect_target
from . import auth
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    LoginForm,
    LogoutEverywhereForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    RegistrationForm,
    ResendConfirmationForm,
)
from .password_checks import check_login, check_own_password
from .two_factor import ask_for_code, needs_second_step, sign_in

# An account that has not confirmed yet reads everything, as anyone may:
# only the pages that need a permission (decorators.permission_required)
# or a confirmed account (confirmed_required) send it to /auth/unconfirmed.


# -- sessions ----------------------------------------------------------------


def _login_rate_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_was_sent(response):
    # Only requests that sent an email count against the mail limit; wrong
    # passwords are counted by the password limit instead.
    return response.status_code == 302


_TOO_MANY_LOGINS = "Too many sign-in attempts. Wait a minute and try again."
_TOO_MANY_EMAILS = _l("Too many emails asked for. Wait a minute and try again.")


@auth.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated and request.method == "GET":
        return _to_next_page()
    form = LoginForm()
    if form.validate_on_submit():
        user = check_login(form.email.data, form.password.data, _TOO_MANY_LOGINS)
        if user is None:
            form.password.errors.append("Wrong email or password.")
        elif user.disabled:
            form.email.errors.append("This account has been disabled. Contact the site administrator.")
        elif needs_second_step(user):
            return ask_for_code(user, form.remember_me.data)
        else:
            sign_in(user, form.remember_me.data)
            return _to_next_page()
    return render_template("auth/login.html", form=form)


def _to_next_page():
    """Where a signed-in reader goes from the login page: a safe ``next``, else home."""
    return redirect(local_redirect_target(request.args.get("next")) or url_for("main.index"))


@auth.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("main.index"))


@auth.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    # CSRFProtect checks the form's token before the view runs.
    current_user.log_out_everywhere()
    logout_user()
    flash(_("You have been logged out on every device, and your API tokens no longer work."), "info")
    return redirect(url_for("auth.login"))


# -- registration and confirmation -------------------------------------------


@auth.route("/register", methods=["GET", "POST"])
# Each registration sends an email: bounded per address like reset.
@limiter.limit(
    _login_rate_limit,
    methods=["POST"],
    key_func=get_remote_address,
    error_message=_TOO_MANY_EMAILS,
    deduct_when=_email_was_sent,
)
def register():
    """The answer is the same whether the address has an account or not
    ("check your inbox"), so the form tells nobody which emails are
    registered: a new address gets its confirmation link, a registered one
    a note to its owner. Usernames are public: a taken one is said so."""
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = User.register(
                email=form.email.data, username=form.username.data, password=form.password.data
            )
        except AccountTaken as taken:
            if taken.field != "email":  # lost a race for the name at the unique index
                form.username.errors.append("That username is taken.")
                return render_template("auth/register.html", form=form)
            _tell_the_owner(form.email.data)
        else:
            send_confirmation_email(user)
        flash(
            _(
                "We have sent an email to %(email)s: follow its link to confirm your account, then log in.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


def _tell_the_owner(email):
    """Someone asked for an account with ``email``, which has one: its owner
    is told (greeted by their own name, never by the one typed)."""
    owner = User.by_email(email)
    if owner is not None:
        send_email(
            owner.email,
            _l("You already have an account"),
            "account_exists",
            user=owner,
            url=site_url_for("auth.login"),
            reset_url=site_url_for("auth.password_reset_request"),
        )


def send_confirmation_email(user):
    token = user.generate_confirmation_token()
    send_email(
        user.email,
        _l("Confirm your account"),
        "confirm",
        user=user,
        url=site_url_for("auth.confirm", token=token),
    )


@auth.route("/confirm/<token>")
@login_required
def confirm(token):
    if current_user.confirmed:
        return redirect(url_for("main.index"))
    if current_user.confirm(token):
        flash(_("Your account is confirmed. Welcome!"), "success")
        return redirect(url_for("main.index"))
    flash(_("That confirmation link is invalid or has expired. Send yourself a new one below."), "danger")
    return redirect(url_for("auth.unconfirmed"))


@auth.route("/confirm", methods=["POST"])
@login_required
# Each click sends an email: bounded like logins so nobody floods an inbox.
@limiter.limit(_login_rate_limit, key_func=get_remote_address, error_message=_TOO_MANY_EMAILS)
def resend_confirmation():
    if current_user.confirmed:
        flash(_("Your account is already confirmed."), "info")
        return redirect(url_for("main.index"))
    send_confirmation_email(current_user)
    flash(_("A new confirmation link is on its way to %(email)s.", email=current_user.email), "info")
    return redirect(url_for("auth.unconfirmed"))


@auth.route("/unconfirmed")
def unconfirmed():
    if current_user.is_anonymous or current_user.confirmed:
        return redirect(url_for("main.index"))
    return render_template("auth/unconfirmed.html", form=ResendConfirmationForm())


# -- passwords ------------------------------------------------------------------


@auth.route("/change-password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not check_own_password(current_user, form.old_password.data):
            form.old_password.errors.append("That is not your current password.")
        else:
            current_user.change_password(form.password.data)
            # Every other session ends; this one continues under the new id.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed. Other devices have been logged out."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form, logout_everywhere=LogoutEverywhereForm())


@auth.route("/reset", methods=["GET", "POST"])
@limiter.limit(
    _login_rate_limit, methods=["POST"], key_func=get_remote_address, error_message=_TOO_MANY_EMAILS
)
def password_reset_request():
    if current_user.is_authenticated:
        return redirect(url_for("auth.change_password"))
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        if user is not None and not user.disabled:
            token = user.generate_reset_token()
            send_email(
                user.email,
                _l("Reset your password"),
                "reset_password",
                user=user,
                url=site_url_for("auth.password_reset", token=token),
            )
        # The same answer either way, so the page cannot be used to find
        # out who has an account.
        flash(_("If an account uses that address, we have emailed it a link to reset the password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@auth.route("/reset/<token>", methods=["GET", "POST"])
def password_reset(token):
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    # Checked before the form is shown, so nobody types a new password
    # into a page that cannot accept it.
    if User.from_token(tokens.RESET, token, current_app.config["RESET_TOKEN_MAX_AGE"]) is None:
        flash(_("That reset link is invalid or has expired. Ask for a new one."), "danger")
        return redirect(url_for("auth.password_reset_request"))
    form = PasswordResetForm()
    if form.validate_on_submit():
        if User.reset_password(token, form.password.data):
            flash(_("Your password has been reset. You can log in now."), "success")
            return redirect(url_for("auth.login"))
        flash(_("That reset link is invalid or has expired. Ask for a new one."), "danger")
        return redirect(url_for("auth.password_reset_request"))
    return render_template("auth/reset_password.html", form=form)


# -- email address --------------------------------------------------------------


@auth.route("/change_email", methods=["GET", "POST"])
@login_required
# Each request that passes sends an email to an address the requester
# chooses: bounded like reset and resend.
@limiter.limit(
    _login_rate_limit,
    methods=["POST"],
    key_func=get_remote_address,
    deduct_when=_email_was_sent,
    error_message=_TOO_MANY_EMAILS,
)
def change_email_request():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if not check_own_password(current_user, form.password.data):
            form.password.errors.append("That is not your password.")
        else:
            new_email = form.email.data.strip()
            token = current_user.generate_email_change_token(new_email)
            send_email(
                new_email,
                _l("Confirm your new email address"),
                "change_email",
                user=current_user,
                url=site_url_for("auth.change_email", token=token),
            )
            flash(
                _(
                    "We have sent a link to %(new_email)s; follow it to finish the change.",
                    new_email=new_email,
                ),
                "info",
            )
            return redirect(url_for("main.index"))
    return render_template("auth/change_email.html", form=form)


@auth.route("/change_email/<token>")
@login_required
def change_email(token):
    if current_user.change_email(token):
        flash(_("Your email address has been updated."), "success")
    else:
        flash(_("That link is invalid or has expired, or the address is now taken."), "danger")
    return redirect(url_for("main.index"))
