"""Two-factor sign-in: setting it up, the sign-in's second step, turning it off.

After a right password, an account with two-factor is not signed in: the
session holds a pending sign-in (that account, its ``auth_version``, a few
minutes) and the browser is sent to ``/auth/two-factor/verify``. A right
code there signs it in. "Trust this device" leaves a signed cookie that
skips the step in that browser; it names the account's ``auth_version``
and the nonce of this enabling, so a new password or turning two-factor off
revokes it. Wrong codes count against the password limits
(``password_checks.check_code``).
"""

import io
import time

import segno
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from .. import tokens
from ..models import Permission, User
from ..models.two_factor import TwoFactor
from ..redirects import local_redirect_target
from . import auth
from .forms import DisableTwoFactorForm, EnableTwoFactorForm, VerifyTwoFactorForm
from .password_checks import check_code, check_own_password

PENDING = "two_factor_pending"
PENDING_SECONDS = 300
TRUST_COOKIE = "trusted_device"
_TOO_MANY_CODES = "Too many wrong codes. Wait a minute and try again."
# What a moderator or administrator without two-factor may still reach.
_SETUP_ENDPOINTS = {"auth.two_factor_setup", "auth.two_factor_qr", "auth.logout", "static"}


# -- signing in ---------------------------------------------------------------------


def sign_in(user, remember):
    """Sign ``user`` in on this browser ("keep me logged in": the server-side
    session outlives the browser, see site_app.sessions)."""
    session.pop(PENDING, None)  # a half-done sign-in left from an earlier try
    login_user(user)
    session.permanent = bool(remember)


def needs_second_step(user):
    """Whether ``user``, whose password was right, still owes a code here."""
    second = TwoFactor.enabled_for(user)
    return second is not None and not _trusted_here(user, second)


def ask_for_code(user, remember):
    """Remember the half-done sign-in and send the browser to the code page."""
    session[PENDING] = {
        "user": str(user.id),
        "v": user.auth_version,
        "remember": bool(remember),
        "until": time.time() + PENDING_SECONDS,
    }
    return redirect(url_for("auth.two_factor_verify", next=local_redirect_target(request.args.get("next"))))


def _pending_user():
    """The account whose password was just right here, while the step is fresh."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        return None
    user = User.objects(id=pending["user"]).first()
    if user is None or user.disabled or user.auth_version != pending.get("v"):
        return None
    return user


@auth.route("/two-factor/verify", methods=["GET", "POST"])
def two_factor_verify():
    user = _pending_user()
    second = TwoFactor.enabled_for(user) if user is not None else None
    if second is None:
        session.pop(PENDING, None)
        flash(_("Your sign-in has expired. Enter your email and password again."), "info")
        return redirect(url_for("auth.login", next=local_redirect_target(request.args.get("next"))))
    form = VerifyTwoFactorForm()
    form.trust_device.label.text = f"Trust this device for {current_app.config['TWO_FACTOR_TRUST_DAYS']} days"
    if form.validate_on_submit():
        if check_code(user, lambda: second.verify(form.code.data), _TOO_MANY_CODES):
            sign_in(user, session[PENDING]["remember"])
            target = local_redirect_target(request.args.get("next")) or url_for("main.index")
            response = redirect(target)
            if form.trust_device.data:
                _trust_this_device(response, user, second)
            return response
        form.code.errors.append("That code is not right. Try the newest one from your app.")
    return render_template("auth/two_factor_verify.html", form=form)


# -- trusted devices ------------------------------------------------------------------


def _trust_max_age():
    return current_app.config["TWO_FACTOR_TRUST_DAYS"] * 24 * 3600


def _trust_this_device(response, user, second):
    token = user.generate_token(tokens.TRUSTED_DEVICE, n=second.trust_nonce)
    # Sent only to the account pages under /auth/, where sign-in reads it.
    response.set_cookie(
        TRUST_COOKIE,
        token,
        max_age=_trust_max_age(),
        path=url_for("auth.login").rsplit("/", 1)[0] + "/",
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        samesite="Lax",
    )


def _trusted_here(user, second):
    data = tokens.read_token(tokens.TRUSTED_DEVICE, request.cookies.get(TRUST_COOKIE, ""), _trust_max_age())
    return (
        isinstance(data, dict)
        and data.get("id") == str(user.id)
        and data.get("v") == user.auth_version
        and data.get("n") == second.trust_nonce
    )


# -- setting up and turning off ---------------------------------------------------------


@auth.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    second = TwoFactor.enabled_for(current_user)
    if second is not None:
        return _turn_off_page(second, DisableTwoFactorForm())
    setup = TwoFactor.setup_for(current_user)
    if setup is None:  # turned on by another request meanwhile
        return redirect(url_for("auth.two_factor_setup"))
    form = EnableTwoFactorForm()
    if form.validate_on_submit():
        issued = []

        def enable():
            issued.extend(setup.enable(form.code.data) or [])
            return bool(issued)

        if check_code(current_user, enable, _TOO_MANY_CODES):
            return _show_recovery_codes(issued)
        form.code.errors.append("That code is not right. Check your phone's clock and type the newest code.")
    return render_template("auth/two_factor_setup.html", form=form, secret=setup.secret)


def _show_recovery_codes(codes):
    # Shown once: never stored by a cache or the browser's history.
    response = make_response(render_template("auth/two_factor_codes.html", codes=codes))
    response.headers["Cache-Control"] = "no-store"
    return response


@auth.route("/two-factor/qr.svg")
@login_required
def two_factor_qr():
    setup = TwoFactor.setup_for(current_user)
    if setup is None:
        abort(404)
    qr = segno.make(setup.provisioning_uri(current_user.email), error="m")
    svg = io.BytesIO()
    # Dark on a light square whatever the page's theme, so cameras read it;
    # no inline style attributes (the CSP refuses them).
    qr.save(
        svg,
        kind="svg",
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        title="QR code for your authenticator app",
        xmldecl=False,
    )
    response = make_response(svg.getvalue())
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "no-store"
    return response


@auth.route("/two-factor/disable", methods=["POST"])
@login_required
def two_factor_disable():
    second = TwoFactor.enabled_for(current_user)
    if second is None:
        return redirect(url_for("auth.two_factor_setup"))
    form = DisableTwoFactorForm()
    if form.validate_on_submit():
        if not check_own_password(current_user, form.password.data, _TOO_MANY_CODES):
            form.password.errors.append("That is not your password.")
        elif not check_code(current_user, lambda: second.verify(form.code.data), _TOO_MANY_CODES):
            form.code.errors.append("That code is not right.")
        else:
            TwoFactor.disable(current_user)
            flash(_("Two-factor sign-in is off. Devices you trusted will ask again."), "info")
            return redirect(url_for("auth.two_factor_setup"))
    return _turn_off_page(second, form), 400


def _turn_off_page(second, form):
    return render_template(
        "auth/two_factor_on.html", second=second, form=form, form_action=url_for("auth.two_factor_disable")
    )


# -- required for staff -------------------------------------------------------------------


@auth.before_app_request
def send_staff_to_setup():
    """With ``TWO_FACTOR_REQUIRED_FOR_STAFF``, a moderator or administrator
    without two-factor reaches nothing but its setup."""
    if (
        not current_app.config["TWO_FACTOR_REQUIRED_FOR_STAFF"]
        or request.blueprint == "api"
        or request.endpoint in _SETUP_ENDPOINTS
        # No session cookie: an anonymous visit, left untouched (cacheable).
        or current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
    ):
        return None
    if not current_user.is_authenticated or not current_user.can(Permission.MODERATE):
        return None
    if TwoFactor.enabled_for(current_user) is None:
        flash(_("Your role needs two-factor sign-in: set it up to continue."), "warning")
        return redirect(url_for("auth.two_factor_setup"))
    return None
