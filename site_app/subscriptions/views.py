"""Subscribing to a writer by email, confirming, ending it, and the
writer's list (count, page, CSV out and in, what the mail holds)."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..decorators import confirmed_required, permission_required
from ..extensions import csrf, limiter
from ..models import Permission, User
from ..models.subscriptions import Subscription
from ..models.users import normalise_email
from ..tokens import CONFIRM_SUBSCRIPTION, UNSUBSCRIBE, read_token
from . import subscriptions
from .forms import ConfirmForm, ImportForm, NewsletterSettingsForm, SubscribeForm
from .lists import ImportRefused, ask_to_confirm, export_lines, import_addresses

LISTED = 200  # subscribers shown on the page; the CSV holds them all


def _writer_or_404(username):
    return User.without_follows(username=username) or abort(404)


def _address_key():
    return "subscribe-address:" + normalise_email(request.form.get("email"))


def _target_key():
    return "subscribe-target:" + (request.view_args or {}).get("username", "")


# No CSRF token: the form sits on pages cached for every anonymous reader,
# and it acts for nobody's account (anyone may type any address; only the
# mailed link activates it). The limits, per address and per writer, hold
# floods back; a flood answers 429 and changes nothing.
@subscriptions.post("/user/<username>/subscribe")
@csrf.exempt
@limiter.limit(
    lambda: current_app.config["SUBSCRIBE_RATE_LIMIT"],
    key_func=_address_key,
    error_message=_l("Too many requests for this address. Try again later."),
)
@limiter.limit(
    lambda: current_app.config["SUBSCRIBE_TARGET_RATE_LIMIT"],
    key_func=_target_key,
    error_message=_l("Too many requests for this writer. Try again later."),
)
def subscribe(username):
    writer = _writer_or_404(username)
    form = SubscribeForm(meta={"csrf": False})
    if not form.validate():
        return render_template("subscriptions/subscribe.html", form=form, writer=writer), 400
    ask_to_confirm(writer, form.email.data)
    # The same answer whether the address was new, pending or subscribed.
    return render_template("subscriptions/check_inbox.html", writer=writer, email=form.email.data)


@subscriptions.route("/subscriptions/confirm/<token>", methods=["GET", "POST"])
def confirm(token):
    """The mailed link shows a button; pressing it (a POST, so a mail
    scanner fetching the link confirms nothing) activates the subscription."""
    subscription_id = read_token(
        CONFIRM_SUBSCRIPTION, token, current_app.config["SUBSCRIPTION_CONFIRM_MAX_AGE"]
    )
    subscription = subscription_id and Subscription.objects(id=subscription_id).first()
    if not subscription:
        return render_template("subscriptions/link_invalid.html"), 404
    writer = User.without_follows(id=subscription.writer) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        Subscription.confirm(subscription.id)
        return render_template("subscriptions/confirmed.html", writer=writer)
    return render_template("subscriptions/confirm.html", writer=writer, form=form, email=subscription.email)


# RFC 8058: mail clients POST here with no session and no CSRF token; the
# signed token in the address is the proof.
@subscriptions.route("/subscriptions/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    subscription_id = read_token(UNSUBSCRIBE, token, max_age=None)
    if subscription_id is None:
        return render_template("subscriptions/link_invalid.html"), 404
    subscription = Subscription.objects(id=subscription_id).first()
    if request.method == "POST":
        if subscription:
            Subscription.end(subscription.id)
        return render_template("subscriptions/unsubscribed.html")
    writer = subscription and User.without_follows(id=subscription.writer)
    return render_template("subscriptions/unsubscribe.html", writer=writer, subscription=subscription)


@subscriptions.post("/user/<username>/email-on")
@confirmed_required
def email_on(username):
    """A reader who follows the writer gets their posts by email at the
    account's address (confirmed already: no opt-in mail)."""
    writer = _writer_or_404(username)
    if not current_user.is_following(writer):
        abort(403)
    Subscription.switch_on(writer.id, current_user.email)
    flash(_("You will get %(username)s's new posts by email.", username=writer.username), "success")
    return redirect(url_for("profiles.user", username=writer.username))


def newsletter_on(writer):
    """For the profile's button: does the signed-in reader get ``writer``'s posts by email?"""
    return Subscription.is_on(writer.id, current_user.email)


@subscriptions.post("/user/<username>/email-off")
@confirmed_required
def email_off(username):
    writer = _writer_or_404(username)
    Subscription.end_of(writer.id, current_user.email)
    flash(_("You will no longer get %(username)s's posts by email.", username=writer.username), "success")
    return redirect(url_for("profiles.user", username=writer.username))


@subscriptions.get("/subscribers")
@permission_required(Permission.WRITE)
def subscribers():
    writer = current_user._get_current_object()
    return _subscribers_page(
        writer, NewsletterSettingsForm(whole_post=writer.newsletter_whole_post), ImportForm()
    )


def _subscribers_page(writer, settings, import_form, status=200, imported=None):
    listed = list(Subscription.active_of(writer.id).only("email", "confirmed_at").limit(LISTED))
    return render_template(
        "subscriptions/subscribers.html",
        count=Subscription.count_of(writer.id),
        subscribers=listed,
        settings=settings,
        import_form=import_form,
        imported=imported,
    ), status


@subscriptions.post("/subscribers/settings")
@permission_required(Permission.WRITE)
def newsletter_settings():
    form = NewsletterSettingsForm()
    if not form.validate_on_submit():
        return _subscribers_page(current_user, form, ImportForm(), status=400)
    User.objects(id=current_user.id).update_one(set__newsletter_whole_post=form.whole_post.data)
    flash(_("Saved."), "success")
    return redirect(url_for("subscriptions.subscribers"))


@subscriptions.get("/subscribers.csv")
@permission_required(Permission.WRITE)
def export_subscribers():
    # Streamed: the lines need the database only, no request context.
    return Response(
        export_lines(current_user.id),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=subscribers.csv"},
    )


def _importer_key():
    return f"subscriber-import:{current_user.get_id()}"


@subscriptions.post("/subscribers/import")
@permission_required(Permission.WRITE)
@limiter.limit(
    lambda: current_app.config["SUBSCRIBER_IMPORT_RATE_LIMIT"],
    key_func=_importer_key,
    error_message=_l("Too many imports today. Try again tomorrow."),
)
def import_subscribers():
    writer = current_user._get_current_object()
    settings = NewsletterSettingsForm(whole_post=writer.newsletter_whole_post, formdata=None)
    form = ImportForm()
    if not form.validate_on_submit():
        return _subscribers_page(writer, settings, form, status=400)
    try:
        asked, invalid = import_addresses(writer, form.file.data)
    except ImportRefused as refusal:
        form.file.errors.append(str(refusal))
        return _subscribers_page(writer, settings, form, status=400)
    return _subscribers_page(
        writer, settings, ImportForm(formdata=None), imported={"asked": asked, "invalid": invalid}
    )
