"""Following and unfollowing writers and tags, and the lists of who follows whom."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..decorators import permission_required
from ..models import Permission, User, normalise_tags
from ..models.blocks import blocks
from ..models.follows import position_key
from ..models.tag_follows import TooManyFollowedTags
from ..page_cache import cached_page
from ..pagination import page_arg, page_by_key
from ..redirects import back_to
from . import follows


def get_user(username):
    """The account, read without its follows (``following_page`` reads the
    slice a page shows), or 404."""
    return User.without_follows(username=username) or abort(404)


def _back_url(user):
    """Where the button was (a post page names itself in ``next``), else the profile."""
    return back_to(url_for("profiles.user", username=user.username))


@follows.route("/follow/<username>", methods=["POST"])
@permission_required(Permission.FOLLOW)
def follow(username):
    user = get_user(username)
    if user.id == current_user.id:
        flash(_("You cannot follow yourself."), "warning")
        return redirect(_back_url(user))
    if blocks(user.id, current_user.id):
        abort(403)
    current_user.follow(user)
    flash(_("You are now following %(username)s.", username=user.username), "success")
    return redirect(_back_url(user))


@follows.route("/unfollow/<username>", methods=["POST"])
@permission_required(Permission.FOLLOW)
def unfollow(username):
    user = get_user(username)
    current_user.unfollow(user)
    flash(_("You are not following %(username)s any more.", username=user.username), "success")
    return redirect(_back_url(user))


def _stored_tag_or_404(tag):
    """The tag as posts store it; 404 for what is no tag, or not in its
    stored form (the tag page's address redirects to that form)."""
    if normalise_tags([tag]) != [tag]:
        abort(404)
    return tag


def _tag_back_url(tag):
    return back_to(url_for("posts.tag", tag=tag))


@follows.route("/tag/<path:tag>/follow", methods=["POST"])
@permission_required(Permission.FOLLOW)
def follow_tag(tag):
    tag = _stored_tag_or_404(tag)
    try:
        current_user.follow_tag(tag)
    except TooManyFollowedTags as refused:
        flash(str(refused), "warning")
    else:
        flash(_("Posts tagged #%(tag)s now join your Followed tab.", tag=tag), "success")
    return redirect(_tag_back_url(tag))


@follows.route("/tag/<path:tag>/unfollow", methods=["POST"])
@permission_required(Permission.FOLLOW)
def unfollow_tag(tag):
    tag = _stored_tag_or_404(tag)
    current_user.unfollow_tag(tag)
    flash(_("You are not following #%(tag)s any more.", tag=tag), "success")
    return redirect(_tag_back_url(tag))


@follows.route("/followers/<username>")
@cached_page()
def followers(username):
    user = get_user(username)
    # By key (name, id): every page one index range, however many follow.
    page = page_by_key(
        user.followers(), current_app.config["FOLLOWERS_PER_PAGE"], field="username", by_name=True
    )
    return render_template(
        "followers.html",
        user=user,
        page=page,
        people=page.items,
        title=_("Followers of %(name)s", name=user.username),
        endpoint=".followers",
    )


@follows.route("/following/<username>")
@cached_page()
def following(username):
    user = get_user(username)
    per_page = current_app.config["FOLLOWERS_PER_PAGE"]
    page = user.following_page(
        per_page,
        after=position_key(request.args.get("after")),
        before=position_key(request.args.get("before")),
        page=page_arg(),
    )
    if page.is_empty and (request.args.get("after") or page_arg() > 1):
        # Past the end (as the lists paged by key do): the last page's own address.
        return redirect(url_for(".following", username=username, page=-1))
    # One query for the page of users, kept in the order they were followed.
    loaded = {u.id: u for u in User.objects(id__in=page.items)}
    people = [loaded[oid] for oid in page.items if oid in loaded]
    return render_template(
        "followers.html",
        user=user,
        page=page,
        people=people,
        title=_("%(name)s is following", name=user.username),
        endpoint=".following",
    )
