"""Users: one account, its posts and its timeline (posts of the users it
follows)."""

from flask import current_app, jsonify

from ..content_cache import NEWEST, author_scope, cached
from ..models import Post, User
from ..pagination import page_by_key
from . import api
from .serializers import post_page_json, user_json


def _user_or_404(user_id):
    return User.objects.get_or_404(id=user_id, _message_404="No user with that id.")


def _post_page(queryset, count, endpoint, user):
    page = page_by_key(queryset, current_app.config["POSTS_PER_PAGE"])
    return jsonify(post_page_json(page, count, endpoint, user_id=str(user.id)))


@api.get("/users/<objectid:user_id>")
def get_user(user_id):
    return jsonify(user_json(_user_or_404(user_id)))


@api.get("/users/<objectid:user_id>/posts/")
def list_user_posts(user_id):
    user = _user_or_404(user_id)
    return _post_page(Post.by_authors([user.id]), Post.count_by(user.id), "api.list_user_posts", user)


@api.get("/users/<objectid:user_id>/timeline/")
def list_user_timeline(user_id):
    user = _user_or_404(user_id)
    # Anyone may read it: the writers one follows are public, the tags are not.
    posts = Post.followed_by(user, own=False, tags=False)
    # Counted once per change of the newest posts or of the reader's follows
    # (their author scope).
    count = cached(f"api-count:timeline:{user.id}", posts.count, scopes=(NEWEST, author_scope(user.id)))
    return _post_page(posts, count, "api.list_user_timeline", user)
