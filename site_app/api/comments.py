"""Comments: per post, across posts, one by id; writing one (or a reply),
its author editing it, its author or a moderator deleting it."""

from flask import abort, current_app, jsonify, url_for
from flask_babel import gettext as _

from ..comment_quota import spend_comment_allowance
from ..errors import error_response
from ..markup import ContentTooLarge
from ..models import Comment, CommentGone, CommentsClosed, Permission, Post
from ..models.first_day import NewAccountLimit, first_day_allowance
from ..pagination import Page, page_arg
from . import api
from .authentication import current_api_user
from .idempotency import submission
from .inputs import InvalidInput, comment_body, comment_parent, found_or_404, readable_post_or_404, refuse
from .serializers import comment_json, page_json


def _per_page():
    return current_app.config["COMMENTS_PER_PAGE"]


@api.get("/posts/<objectid:post_id>/comments/")
def list_post_comments(post_id):
    """A post's comments, oldest first as on the post page: a page of
    top-level comments, each followed by its replies (``count`` counts the
    top-level ones, as the pager does)."""
    post, number, _pages = Post.with_comment_page(post_id, page_arg(), _per_page())
    readable_post_or_404(post, current_api_user())
    page = Page(post.comments, number, _per_page(), post.thread_count)
    viewer = current_api_user()
    items = [comment_json(comment, post.id, viewer) for comment in post.comments]
    return jsonify(page_json("comments", items, page, "api.list_post_comments", post_id=str(post.id)))


@api.post("/posts/<objectid:post_id>/comments/")
def create_comment(post_id):
    user = current_api_user()
    if not user.can(Permission.COMMENT):
        return error_response(403, _("Your account may not comment."))
    post = readable_post_or_404(Post.by_id(post_id), user)
    try:
        body, parent_id = comment_body(), comment_parent()
    except InvalidInput as exc:
        return refuse(exc)
    spend_comment_allowance(user)
    try:
        with first_day_allowance(user, "comments"):
            comment = post.add_comment(user, body, parent_id=parent_id, submission=submission())
    except NewAccountLimit as exc:
        return error_response(429, str(exc), headers={"Retry-After": str(exc.retry_after)})
    except CommentGone:
        return error_response(404, _("No comment with that parent_id on this post."))
    except CommentsClosed as closed:
        return error_response(
            409,
            str(closed)
            or ("This post takes no comments." if post.draft else "This post takes no more comments."),
        )
    except ContentTooLarge as exc:
        return error_response(400, str(exc))
    response = jsonify(comment_json(comment, post.id, user))
    response.status_code = 201
    response.headers["Location"] = url_for(
        "api.get_post_comment", post_id=str(post.id), comment_id=str(comment.id), _external=True
    )
    return response


@api.get("/comments/")
def list_comments():
    """The newest comments across all posts."""
    page = Post.recent_comments(page_arg(), _per_page())
    viewer = current_api_user()
    items = [comment_json(entry.comment, entry.post_id, viewer) for entry in page.items]
    return jsonify(page_json("comments", items, page, "api.list_comments"))


# One comment: addressed with its post's id, so the lookup starts from the
# post's _id (one shard of a cluster sharded by post). The older addresses by
# the comment's id alone find the post first and answer the same.
ONE = "/posts/<objectid:post_id>/comments/<objectid:comment_id>"


@api.get(ONE)
def get_post_comment(post_id, comment_id):
    entry = found_or_404(Post.find_comment(comment_id, post_id), "comment")
    return jsonify(comment_json(entry.comment, entry.post_id, current_api_user()))


def _comment_for(post_id, comment_id, may, refusal):
    """The comment as ``CommentEntry``: 404 when unknown or deleted, 403
    (``refusal``) when ``may(comment, user)`` says the caller may not."""
    entry = found_or_404(Post.find_comment(comment_id, post_id), "comment")
    if entry.comment.deleted:
        abort(404, description=_("No comment with that id."))
    if not may(entry.comment, current_api_user()):
        abort(403, description=refusal)
    return entry


@api.put(ONE)
def edit_post_comment(post_id, comment_id):
    """The author changes the words (the comment is then marked edited)."""
    user = current_api_user()
    entry = _comment_for(
        post_id, comment_id, Comment.can_be_edited_by, "Only the comment's author may edit it."
    )
    try:
        body = comment_body()
    except InvalidInput as exc:
        return refuse(exc)
    spend_comment_allowance(user)
    try:
        comment = Post.edit_comment(comment_id, body, post_id=entry.post_id)
    except CommentGone:
        return error_response(404, _("No comment with that id."))
    except ContentTooLarge as exc:
        return error_response(400, str(exc))
    return jsonify(comment_json(comment, entry.post_id, user))


@api.delete(ONE)
def delete_post_comment(post_id, comment_id):
    """The author or a moderator deletes it (blanked while replies hang on it)."""
    _comment_for(
        post_id,
        comment_id,
        Comment.can_be_deleted_by,
        "Only the comment's author or a moderator may delete it.",
    )
    Post.delete_comment(comment_id, post_id=post_id)
    return "", 204


def _post_of(comment_id):
    return found_or_404(Post.post_of_comment(comment_id), "comment")


@api.get("/comments/<objectid:comment_id>")
def get_comment(comment_id):
    return get_post_comment(_post_of(comment_id), comment_id)


@api.put("/comments/<objectid:comment_id>")
def edit_comment(comment_id):
    return edit_post_comment(_post_of(comment_id), comment_id)


@api.delete("/comments/<objectid:comment_id>")
def delete_comment(comment_id):
    return delete_post_comment(_post_of(comment_id), comment_id)
