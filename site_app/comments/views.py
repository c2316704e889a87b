"""Moderation: the newest comments across posts, and hiding or showing one;
a comment's author editing or deleting it (moderators delete any).

A comment's addresses carry its post's id (``/post/<post_id>/comment/<id>``),
so every lookup starts from the post's ``_id``: on a cluster sharded by post
that is one shard, not all. The older addresses that name the comment alone
redirect there (GET) or keep working (POST), finding the post first."""

from urllib.parse import urlsplit

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..comment_quota import TooManyComments, spend_comment_allowance
from ..decorators import permission_required
from ..errors import error_response, wants_json
from ..markup import ContentTooLarge
from ..models import Comment, CommentGone, Permission, Post
from ..models.audit import AuditEntry
from ..models.moderation import hidden_comments
from ..models.threads import OLDEST
from ..pagination import page_arg
from ..posts.forms import EditCommentForm
from ..posts.views import comment_order
from ..redirects import back_to, local_redirect_target
from ..reports.queue import reported_targets
from . import comments

ON_POST = "/post/<objectid:post_id>/comment/<objectid:comment_id>"


@comments.route("/moderate")
@permission_required(Permission.MODERATE)
def moderate():
    # Open reports first; ?show=all: every comment, ?show=hidden: what moderators hid.
    if request.args.get("show") not in ("all", "hidden"):
        return render_template("moderate.html", reports=reported_targets(), shown="reports")
    only_hidden = request.args.get("show") == "hidden"
    newest = hidden_comments if only_hidden else Post.recent_comments
    page = newest(page_arg(), current_app.config["COMMENTS_PER_PAGE"])
    return render_template(
        "moderate.html", page=page, only_hidden=only_hidden, shown="hidden" if only_hidden else "all"
    )


@comments.post(ON_POST + "/disable")
@permission_required(Permission.MODERATE)
def disable(post_id, comment_id):
    return _set_disabled(post_id, comment_id, True, "The comment is hidden.", "hide comment")


@comments.post(ON_POST + "/enable")
@permission_required(Permission.MODERATE)
def enable(post_id, comment_id):
    return _set_disabled(post_id, comment_id, False, "The comment is visible again.", "show comment")


def _set_disabled(post_id, comment_id, disabled, message, action):
    if not Post.set_comment_disabled(comment_id, disabled, post_id=post_id):
        abort(404)
    AuditEntry.record(current_user, action, f"comment:{comment_id}")
    flash(message, "success")
    # Back to the page the button was on (the queue or a post).
    return redirect(back_to(url_for(".moderate")))


@comments.get(ON_POST)
def show(post_id, comment_id):
    """A comment's own address: the page of its post that shows it (the
    links in notifications), in the order asked for."""
    return redirect(_where_it_is(post_id, comment_id) or abort(404))


def _where_it_is(post_id, comment_id, anchor=None):
    """The post page (and anchor) showing the comment, or ``None``."""
    order = comment_order()
    page = Post.comment_page(post_id, comment_id, current_app.config["COMMENTS_PER_PAGE"], order)
    if page is None:
        return None
    return url_for(
        "posts.post",
        post_id=post_id,
        page=page,
        sort=None if order == OLDEST else order,
        _anchor=anchor or f"comment-{comment_id}",
    )


# -- a comment's own author --------------------------------------------------
def _comment_for(post_id, comment_id, may):
    """The comment as ``CommentEntry``: 404 unknown (or deleted), 403 when
    ``may(comment, user)`` says the current user may not."""
    entry = Post.find_comment(comment_id, post_id)
    if entry is None or entry.comment.deleted:
        abort(404)
    if not may(entry.comment, current_user):
        abort(403)
    return entry


def _elsewhere(post_id):
    """The page the button was on when it is not the comment's post (the
    moderation queue), else ``None``: on its post, the reader lands at the
    comment (or where it was)."""
    target = local_redirect_target(request.values.get("next"))
    post_page = url_for("posts.post", post_id=post_id)
    return target if target and urlsplit(target).path != post_page else None


@comments.route(ON_POST + "/edit", methods=["GET", "POST"])
@permission_required(Permission.COMMENT)
def edit(post_id, comment_id):
    entry = _comment_for(post_id, comment_id, Comment.can_be_edited_by)
    form = EditCommentForm(obj=entry.comment)
    status = 400
    if form.validate_on_submit():
        try:
            spend_comment_allowance(current_user)
            edited = Post.edit_comment(comment_id, form.body.data, post_id=post_id)
        except ContentTooLarge as refused:
            form.body.errors.append(str(refused))
        except CommentGone:
            abort(404)
        except TooManyComments as refused:
            form.body.errors.append(refused.description)
            status = 429
        else:
            if wants_json():  # edited in place (static/js/comment-edit.js)
                return jsonify(body_html=edited.body_html)
            flash(_("Your comment is updated."), "success")
            return redirect(
                _elsewhere(post_id)
                or _where_it_is(post_id, comment_id)
                or url_for("posts.post", post_id=post_id)
            )
    if form.errors and wants_json():
        return error_response(status, " ".join(_messages(form.errors)))
    status = status if form.errors else 200
    return render_template("edit_comment.html", form=form, entry=entry), status


def _messages(errors):
    """Every message of a form's ``errors``, whatever the field."""
    return [message for messages in errors.values() for message in messages]


@comments.post(ON_POST + "/delete")
@permission_required(Permission.COMMENT)
def delete(post_id, comment_id):
    entry = _comment_for(post_id, comment_id, Comment.can_be_deleted_by)
    # Where it was: its page, at its thread (a reply) or at the comments.
    anchor = f"comment-{entry.comment.parent}" if entry.comment.parent else "comments"
    was_at = _where_it_is(post_id, comment_id, anchor)
    Post.delete_comment(comment_id, post_id=post_id)
    if entry.comment.author_id != current_user.id:  # a moderator's, not the author's
        AuditEntry.record(current_user, "delete comment", f"comment:{comment_id}", entry.comment.body[:200])
    if Post.find_comment(comment_id, post_id):  # blanked: its replies keep it
        was_at = _where_it_is(post_id, comment_id)
    flash(_("The comment is deleted."), "success")
    return redirect(_elsewhere(post_id) or was_at)


# -- the addresses that name a comment alone ---------------------------------
def _post_of(comment_id):
    return Post.post_of_comment(comment_id) or abort(404)


@comments.get("/comment/<objectid:comment_id>")
def show_by_id(comment_id):
    return redirect(
        url_for(".show", post_id=_post_of(comment_id), comment_id=comment_id, **request.args), 301
    )


@comments.route("/comment/<objectid:comment_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.COMMENT)
def edit_by_id(comment_id):
    post_id = _post_of(comment_id)
    if request.method == "GET":
        return redirect(url_for(".edit", post_id=post_id, comment_id=comment_id, **request.args), 301)
    return edit(post_id=post_id, comment_id=comment_id)


@comments.post("/comment/<objectid:comment_id>/delete")
@permission_required(Permission.COMMENT)
def delete_by_id(comment_id):
    return delete(post_id=_post_of(comment_id), comment_id=comment_id)


@comments.post("/moderate/disable/<objectid:comment_id>")
@permission_required(Permission.MODERATE)
def disable_by_id(comment_id):
    return disable(post_id=_post_of(comment_id), comment_id=comment_id)


@comments.post("/moderate/enable/<objectid:comment_id>")
@permission_required(Permission.MODERATE)
def enable_by_id(comment_id):
    return enable(post_id=_post_of(comment_id), comment_id=comment_id)
