"""Blocking and muting members, and the settings page listing both with undo."""

from collections import namedtuple

from flask import flash, g, redirect, render_template, url_for
from flask_login import current_user

from ..decorators import confirmed_required
from ..models import User
from ..models import blocks as rules
from ..redirects import back_to
from . import blocks

RulesWith = namedtuple("RulesWith", "blocked muted")


def _other(username):
    return User.objects.get_or_404(username=username)


def _back(user):
    return redirect(back_to(url_for("profiles.user", username=user.username)))


def _change(username, change, done):
    """Apply ``change(current_user, other)``; a refusal (oneself, the bound)
    is told, not raised."""
    other = _other(username)
    try:
        change(current_user._get_current_object(), other)
    except ValueError as refused:
        flash(str(refused), "warning")
    else:
        flash(done.format(name=other.username), "success")
    return _back(other)


@blocks.post("/block/<username>")
@confirmed_required
def block(username):
    return _change(
        username,
        rules.block,
        "You blocked {name}: they cannot follow you, comment on or like your posts, or mention you.",
    )


@blocks.post("/unblock/<username>")
@confirmed_required
def unblock(username):
    return _change(username, rules.unblock, "You unblocked {name}.")


@blocks.post("/mute/<username>")
@confirmed_required
def mute(username):
    return _change(
        username,
        rules.mute,
        "You muted {name}: their posts, comments and notifications are hidden from your pages.",
    )


@blocks.post("/unmute/<username>")
@confirmed_required
def unmute(username):
    return _change(username, rules.unmute, "You unmuted {name}.")


@blocks.get("/settings/blocked")
@confirmed_required
def settings():
    return render_template(
        "blocked.html",
        blocked=rules.rules_of(current_user.id, "block"),
        muted=rules.rules_of(current_user.id, "mute"),
    )


@blocks.app_template_global()
def member_rules_with(user):
    """What the signed-in reader holds on ``user`` (a profile's buttons)."""
    kinds = rules.rules_between(current_user.id, user.id)
    return RulesWith("block" in kinds, "mute" in kinds)


@blocks.app_template_global()
def muted_ids():
    """The members the signed-in reader mutes: read once a request, and not
    at all for anonymous readers (their cached pages hide nobody)."""
    if "muted_ids" not in g:
        g.muted_ids = rules.muted_ids(current_user.id) if current_user.is_authenticated else frozenset()
    return g.muted_ids
