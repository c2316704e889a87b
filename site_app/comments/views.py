"""Moderation: the newest comments across posts, and hiding or showing one."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for

from ..decorators import permission_required
from ..models import Permission, Post
from ..models.moderation import hidden_comments
from ..pagination import page_arg
from ..redirects import local_redirect_target
from . import comments


@comments.route("/moderate")
@permission_required(Permission.MODERATE)
def moderate():
    # ?show=hidden: only what moderators hid, to review it.
    only_hidden = request.args.get("show") == "hidden"
    newest = hidden_comments if only_hidden else Post.recent_comments
    page = newest(page_arg(), current_app.config["COMMENTS_PER_PAGE"])
    return render_template("moderate.html", page=page, only_hidden=only_hidden)


@comments.route("/moderate/disable/<objectid:comment_id>", methods=["POST"])
@permission_required(Permission.MODERATE)
def disable(comment_id):
    return _set_disabled(comment_id, True, "The comment is hidden.")


@comments.route("/moderate/enable/<objectid:comment_id>", methods=["POST"])
@permission_required(Permission.MODERATE)
def enable(comment_id):
    return _set_disabled(comment_id, False, "The comment is visible again.")


def _set_disabled(comment_id, disabled, message):
    if not Post.set_comment_disabled(comment_id, disabled):
        abort(404)
    flash(message, "success")
    # Back to the page the button was on (the queue or a post).
    return redirect(local_redirect_target(request.form.get("next") or request.args.get("next"))
                    or url_for(".moderate"))
