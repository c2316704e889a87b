"""Moderation: the newest comments across posts, and hiding or showing one;
a comment's author editing or deleting it (moderators delete any)."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..decorators import permission_required
from ..markup import ContentTooLarge
from ..models import Comment, CommentGone, Permission, Post
from ..models.audit import AuditEntry
from ..models.moderation import hidden_comments
from ..posts.forms import EditCommentForm
from ..pagination import page_arg
from ..redirects import back_to
from ..reports.queue import reported_targets
from . import comments


@comments.route("/moderate")
@permission_required(Permission.MODERATE)
def moderate():
    # Open reports first; ?show=all: every comment, ?show=hidden: what moderators hid.
    if request.args.get("show") not in ("all", "hidden"):
        return render_template("moderate.html", reports=reported_targets(), shown="reports")
    only_hidden = request.args.get("show") == "hidden"
    newest = hidden_comments if only_hidden else Post.recent_comments
    page = newest(page_arg(), current_app.config["COMMENTS_PER_PAGE"])
    return render_template("moderate.html", page=page, only_hidden=only_hidden,
                           shown="hidden" if only_hidden else "all")


@comments.route("/moderate/disable/<objectid:comment_id>", methods=["POST"])
@permission_required(Permission.MODERATE)
def disable(comment_id):
    return _set_disabled(comment_id, True, "The comment is hidden.", "hide comment")


@comments.route("/moderate/enable/<objectid:comment_id>", methods=["POST"])
@permission_required(Permission.MODERATE)
def enable(comment_id):
    return _set_disabled(comment_id, False, "The comment is visible again.", "show comment")


def _set_disabled(comment_id, disabled, message, action):
    if not Post.set_comment_disabled(comment_id, disabled):
        abort(404)
    AuditEntry.record(current_user, action, f"comment:{comment_id}")
    flash(message, "success")
    # Back to the page the button was on (the queue or a post).
    return redirect(back_to(url_for(".moderate")))


@comments.route("/comment/<objectid:comment_id>")
def show(comment_id):
    """A comment's own address: the page of its post that shows it (the
    links in notifications)."""
    found = Post.comment_page(comment_id, current_app.config["COMMENTS_PER_PAGE"])
    if found is None:
        abort(404)
    post_id, page = found
    return redirect(url_for("posts.post", post_id=post_id, page=page,
                            _anchor=f"comment-{comment_id}"))


# -- a comment's own author --------------------------------------------------
def _comment_for(comment_id, may):
    """The comment as ``CommentEntry``: 404 unknown (or deleted), 403 when
    ``may(comment, user)`` says the current user may not."""
    entry = Post.find_comment(comment_id)
    if entry is None or entry.comment.deleted:
        abort(404)
    if not may(entry.comment, current_user):
        abort(403)
    return entry


def _back_to(entry):
    """Where the page the button was on is, else the comment's post."""
    return back_to(url_for("posts.post", post_id=entry.post_id))


@comments.route("/comment/<objectid:comment_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.COMMENT)
def edit(comment_id):
    entry = _comment_for(comment_id, Comment.can_be_edited_by)
    form = EditCommentForm(obj=entry.comment)
    if form.validate_on_submit():
        try:
            Post.edit_comment(comment_id, form.body.data)
        except ContentTooLarge as refused:
            form.body.errors.append(str(refused))
        except CommentGone:
            abort(404)
        else:
            flash("Your comment is updated.", "success")
            return redirect(_back_to(entry))
    status = 400 if form.errors else 200
    return render_template("edit_comment.html", form=form, entry=entry), status


@comments.route("/comment/<objectid:comment_id>/delete", methods=["POST"])
@permission_required(Permission.COMMENT)
def delete(comment_id):
    entry = _comment_for(comment_id, Comment.can_be_deleted_by)
    Post.delete_comment(comment_id)
    if entry.comment.author_id != current_user.id:  # a moderator's, not the author's
        AuditEntry.record(current_user, "delete comment", f"comment:{comment_id}",
                          entry.comment.body[:200])
    flash("The comment is deleted.", "success")
    return redirect(_back_to(entry))
