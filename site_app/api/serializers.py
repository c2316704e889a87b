"""The JSON shapes of the API (see ``openapi.py`` for their schemas).

Kept out of the models so documents know nothing of URLs. Every function
takes documents whose authors are already loaded (``Post.with_authors``,
``Post.with_comment_page``, ``Post.recent_comments``): serialising a list
never costs a query per item.
"""

from flask import url_for

from ..models import Like, Permission, Post
from ..models.references import reference_id, stored_reference
from .authentication import current_api_user


def iso_time(moment):
    """ISO 8601 in UTC with a ``Z``, millisecond precision (what MongoDB
    keeps); ``None`` stays ``None``."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _user_url(user_id):
    return url_for("api.get_user", user_id=str(user_id), _external=True) if user_id else None


def _loaded_author(document):
    """The author's ``(id, username)``; a deleted account gives ``None``s."""
    author = stored_reference(document, "author")
    username = getattr(author, "username", None)
    return (reference_id(author) if username else None), username


def post_json(post, liked=None):
    """A post as the caller sees it (``liked``: whether they like it, when
    already known, as a list knows for its whole page; else one query)."""
    author_id, username = _loaded_author(post)
    if liked is None:
        liked = Like.likes(current_api_user(), post)
    return {
        "id": str(post.id),
        "url": url_for("api.get_post", post_id=str(post.id), _external=True),
        "title": post.title,
        "body": post.body,
        "body_html": post.body_html or "",
        "tags": list(post.tags or []),
        "draft": bool(post.draft),
        # A draft's scheduled publication (UTC), else null.
        "publish_at": iso_time(post.publish_at) if post.draft and post.publish_at else None,
        "subtitle": post.subtitle,
        "custom_excerpt": post.custom_excerpt,
        "canonical_url": post.canonical_url,
        "lang": post.lang,
        # The cover shown (the writer's pick, else the first stored image).
        "cover": str(post.reading.cover) if post.reading and post.reading.cover else None,
        "timestamp": iso_time(post.timestamp),
        "author_url": _user_url(author_id),
        "author": username,
        "comments_url": url_for("api.list_post_comments", post_id=str(post.id), _external=True),
        "comment_count": post.comment_count or 0,
        "like_count": post.like_total,
        "liked": liked,
    }


def comment_json(comment, post_id, viewer):
    """A comment. Text a moderator hid is blanked for readers who cannot
    moderate, as on the post page."""
    author_id, username = _loaded_author(comment)
    hidden = comment.disabled and not viewer.can(Permission.MODERATE)
    return {
        "id": str(comment.id),
        "url": url_for(
            "api.get_post_comment", post_id=str(post_id), comment_id=str(comment.id), _external=True
        ),
        "post_url": url_for("api.get_post", post_id=str(post_id), _external=True),
        "body": "" if hidden else comment.body,
        "body_html": "" if hidden else (comment.body_html or ""),
        "timestamp": iso_time(comment.timestamp),
        "author_url": _user_url(author_id),
        "author": username,
        "parent_id": str(comment.parent) if comment.parent else None,
        "edited": iso_time(comment.edited),
        "deleted": bool(comment.deleted),
        "member_left": bool(comment.member_left),  # deleted as its writer left the site
    }


def user_json(user):
    user_id = str(user.id)
    return {
        "id": user_id,
        "url": url_for("api.get_user", user_id=user_id, _external=True),
        "username": user.username,
        "member_since": iso_time(user.member_since),
        "last_seen": iso_time(user.last_seen),
        "posts_url": url_for("api.list_user_posts", user_id=user_id, _external=True),
        "followed_posts_url": url_for("api.list_user_timeline", user_id=user_id, _external=True),
        "post_count": Post.count_by(user.id),  # published ones
        "followers_count": user.followers_count,
        "following_count": user.following_count,
    }


def page_json(key, items, page, endpoint, **values):
    """A list answer: ``{key: items, "prev", "next", "count"}`` where prev
    and next are absolute URLs of the neighbouring pages, or null."""

    def link(number):
        if number is None:
            return None
        return url_for(endpoint, page=number, _external=True, **values)

    return {key: items, "prev": link(page.prev_num), "next": link(page.next_num), "count": page.total}


def keyed_page_json(key, items, page, count, endpoint, **values):
    """The same for a list paged by key (``pagination.KeyedPage``): prev and
    next carry the key of the page's first or last item; ``count`` is given
    (counted where that is cheap or cached, never per page of a big list)."""

    def link(arguments):
        if arguments is None:
            return None
        return url_for(endpoint, _external=True, **arguments, **values)

    return {key: items, "prev": link(page.prev_args), "next": link(page.next_args), "count": count}


def post_page_json(page, count, endpoint, **values):
    """A page of posts: the authors and the caller's likes in one query each."""
    posts = Post.with_authors(list(page.items))
    liked = Like.liked_among(current_api_user(), [post.id for post in posts])
    return keyed_page_json(
        "posts", [post_json(post, post.id in liked) for post in posts], page, count, endpoint, **values
    )
