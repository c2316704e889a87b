"""Posts: list, read, write, edit, delete. The rules (who may write or
edit, how a post is stored) are the models', exactly as the pages use them."""

from flask import current_app, jsonify, url_for
from flask_babel import gettext as _

from ..content_cache import cached
from ..errors import error_response
from ..markup import ContentTooLarge
from ..models import Like, Permission, Post
from ..models.first_day import NewAccountLimit, first_day_allowance
from ..models.schedule import KEEP
from ..pagination import page_by_key
from . import api
from .authentication import current_api_user
from .idempotency import submission
from .inputs import InvalidInput, post_fields, readable_post_or_404, refuse
from .serializers import post_json, post_page_json


def _post_or_404(post_id):
    post = readable_post_or_404(Post.by_id(post_id), current_api_user())
    Post.with_authors([post])
    return post


@api.get("/posts/")
def list_posts():
    page = page_by_key(Post.listing(), current_app.config["POSTS_PER_PAGE"])
    # Every published post: counted once per change of the newest posts.
    count = cached("api-count:posts", Post.listing().count)
    return jsonify(post_page_json(page, count, "api.list_posts"))


@api.post("/posts/")
def create_post():
    user = current_api_user()
    if not user.can(Permission.WRITE):
        return error_response(403, _("Your account may not write posts."))
    try:
        fields = post_fields()
    except InvalidInput as exc:
        return refuse(exc)
    try:
        with first_day_allowance(user, "posts"):
            post = Post.publish(
                user,
                fields["title"],
                fields["body"],
                tags=fields["tags"],
                draft=fields["draft"],
                details=fields["details"],
                submission=submission(),
                publish_at=fields["publish_at"],
            )
    except ContentTooLarge as exc:
        return error_response(400, str(exc))
    except NewAccountLimit as exc:
        return error_response(429, str(exc), headers={"Retry-After": str(exc.retry_after)})
    Post.with_authors([post])
    response = jsonify(post_json(post, liked=False))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_post", post_id=str(post.id), _external=True)
    return response


@api.get("/posts/<objectid:post_id>")
def get_post(post_id):
    return jsonify(post_json(_post_or_404(post_id)))


@api.put("/posts/<objectid:post_id>")
def edit_post(post_id):
    post = _post_or_404(post_id)
    if not post.can_be_edited_by(current_api_user()):
        return error_response(403, _("Only the author or an administrator may edit this post."))
    try:
        fields = post_fields(partial=True)
        _check_schedule(post, fields)
    except InvalidInput as exc:
        return refuse(exc)
    try:
        post.edit(
            title=fields["title"] if fields["title"] is not None else post.title,
            body=fields["body"] if fields["body"] is not None else post.body,
            tags=fields["tags"] if fields["tags"] is not None else post.tags,
            draft=fields["draft"],
            details=fields["details"],
            publish_at=fields["publish_at"],
        )
    except ContentTooLarge as exc:
        return error_response(400, str(exc))
    return jsonify(post_json(post))


def _check_schedule(post, fields):
    """A time to publish at is for a draft, one that stays a draft until then."""
    if fields["publish_at"] is KEEP or fields["publish_at"] is None:
        return
    if fields["draft"] is False:
        raise InvalidInput(
            _("'publish_at' schedules a draft: leave out 'draft': false (which publishes now), or the time.")
        )
    if not post.draft and not fields["draft"]:
        raise InvalidInput(
            _("The post is published: send 'draft': true with 'publish_at' to take it back until then.")
        )


@api.delete("/posts/<objectid:post_id>")
def delete_post(post_id):
    post = _post_or_404(post_id)
    if not post.can_be_edited_by(current_api_user()):
        return error_response(403, _("Only the author or an administrator may delete this post."))
    post.remove()
    return "", 204


# -- likes: PUT adds the caller's like, DELETE takes it back; both idempotent,
# both answer the post as it now stands (``liked``, ``like_count``).
@api.put("/posts/<objectid:post_id>/like")
def like_post(post_id):
    return _set_like(post_id, Like.add, liked=True)


@api.delete("/posts/<objectid:post_id>/like")
def unlike_post(post_id):
    return _set_like(post_id, Like.remove, liked=False)


def _set_like(post_id, change, liked):
    user = current_api_user()
    if not user.can(Permission.COMMENT):
        return error_response(403, _("Your account may not like posts."))
    post = _post_or_404(post_id)
    count = change(post, user)
    if count is None:
        return error_response(404, _("The post was deleted."))
    post.like_count = count
    return jsonify(post_json(post, liked=liked))
