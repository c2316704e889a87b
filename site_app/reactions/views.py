"""Liking a post, bookmarking it, and the reader's bookmarks."""

from flask import abort, current_app, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..decorators import permission_required
from ..errors import wants_json
from ..models import Bookmark, Like, Permission
from ..models.blocks import blocks
from ..pagination import page_by_key
from ..posts.views import get_post
from ..redirects import back_to
from . import reactions


def _back_to(post):
    """Where the button was (its ``next`` field, a path on this site), else the post."""
    return back_to(url_for("posts.post", post_id=post.id))


@reactions.post("/post/<objectid:post_id>/like")
@permission_required(Permission.COMMENT)
def like(post_id):
    post = get_post(post_id)
    if blocks(post.author_id, current_user.id):
        abort(403)
    liked, count = Like.toggle(post, current_user._get_current_object())
    if count is None:
        abort(404)  # deleted while the reader clicked
    if wants_json():
        # The words too, in the reader's language: the page's script shows them.
        return jsonify(
            liked=liked,
            likes=count,
            likes_text=ngettext("%(num)d like", "%(num)d likes", count),
            button=_("Unlike") if liked else _("Like"),
        )
    return redirect(_back_to(post))


@reactions.post("/bookmark/<objectid:post_id>")
@permission_required(Permission.FOLLOW)
def bookmark(post_id):
    post = get_post(post_id)
    saved = Bookmark.toggle(current_user._get_current_object(), post)
    if wants_json():
        return jsonify(bookmarked=saved)
    return redirect(_back_to(post))


@reactions.get("/bookmarks")
@permission_required(Permission.FOLLOW)
def bookmarks():
    page = page_by_key(Bookmark.saved_by(current_user), current_app.config["POSTS_PER_PAGE"])
    # The reader's own count: their bookmarks' keys in the (user, ...) index.
    return render_template(
        "bookmarks.html",
        page=page,
        posts=Bookmark.posts_of(page.items),
        saved=Bookmark.saved_by(current_user).count(),
    )
