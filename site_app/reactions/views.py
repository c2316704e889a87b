"""Liking a post, bookmarking it, and the reader's bookmarks."""
from functools import wraps

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ..decorators import FORBIDDEN, LOG_IN, missing_permission, permission_required, refuse_page
from ..errors import error_response, wants_json
from ..models import Bookmark, Like, Permission
from ..pagination import page_arg, paginate
from ..posts.views import get_post
from ..redirects import local_redirect_target
from . import reactions


# The like button's script asks for JSON: it gets JSON refusals (and falls
# back to submitting the form), a browser gets the login page. Unconfirmed
# accounts never get here: auth sends every page of theirs to /auth/unconfirmed.
_JSON_REFUSALS = {LOG_IN: (401, "Log in to like or bookmark posts."),
                  FORBIDDEN: (403, "Your account may not do this.")}


def reader_required(permission):
    """``permission_required``, answering JSON to clients that ask for it."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            reason = missing_permission(permission)
            if reason in _JSON_REFUSALS and wants_json():
                return error_response(*_JSON_REFUSALS[reason])
            if reason:
                return refuse_page(reason)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def _back_to(post):
    """Where the button was (its ``next`` field, a path on this site), else the post."""
    return (local_redirect_target(request.form.get("next"))
            or url_for("posts.post", post_id=post.id))


@reactions.post("/post/<objectid:post_id>/like")
@reader_required(Permission.COMMENT)
def like(post_id):
    post = get_post(post_id)
    liked, count = Like.toggle(post, current_user._get_current_object())
    if count is None:
        abort(404)  # deleted while the reader clicked
    if wants_json():
        return jsonify(liked=liked, likes=count)
    return redirect(_back_to(post))


@reactions.post("/bookmark/<objectid:post_id>")
@reader_required(Permission.FOLLOW)
def bookmark(post_id):
    post = get_post(post_id)
    saved = Bookmark.toggle(current_user._get_current_object(), post)
    if wants_json():
        return jsonify(bookmarked=saved)
    return redirect(_back_to(post))


@reactions.get("/bookmarks")
@permission_required(Permission.FOLLOW)
def bookmarks():
    page = paginate(Bookmark.saved_by(current_user), page_arg(),
                    current_app.config["POSTS_PER_PAGE"])
    return render_template("bookmarks.html", page=page, posts=Bookmark.posts_of(page.items))
