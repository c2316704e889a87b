"""Likes: who liked which post, one document a like.

A popular post has more likers than fit in one document, so they are not a
list inside the post: each like is a small document of the ``likes``
collection, and a unique ``(post, user)`` index makes a second like by the
same reader impossible, however many requests race. The post keeps only the
count (``Post.like_count``), changed by ``$inc`` exactly when a like document
is inserted or deleted, so the count equals the number of likes: every
successful insert is paired with one ``+1``, every successful delete with
one ``-1``, and a duplicate insert or a delete that found nothing changes
nothing.
"""

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from ..extensions import db
from .posts import Post, as_object_id
from .signals import content_changed, post_liked
from .users import User, utcnow


class Like(db.Document):
    # A deleted post's likes go after it (``counts.forget_post``: not
    # MongoEngine's CASCADE, which deletes them first); a deleted account's
    # likes are withdrawn one by one (below) so the counts of the posts
    # they liked stay exact.
    post = db.ReferenceField(document_type=Post, required=True)
    user = db.ReferenceField(document_type=User, required=True)
    timestamp = db.DateTimeField(default=utcnow)

    meta = {
        "collection": "likes",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [
            # One like per reader per post; also serves "which of these
            # posts did this reader like" ({post: {$in}, user}).
            {"fields": ["post", "user"], "unique": True},
            "user",  # a deleted account's likes
        ],
    }

    @classmethod
    def add(cls, post, user):
        """Like ``post`` as ``user``; returns the post's like count, or
        ``None`` when the post no longer exists. Idempotent."""
        try:
            cls._get_collection().insert_one(
                {"_id": ObjectId(), "post": post.id, "user": user.id, "timestamp": utcnow()}
            )
        except DuplicateKeyError:
            return _like_count(post.id)  # liked already (another click won)
        count = _change_count(post.id, +1)
        if count is None:
            # The post went away between the two writes: take the like back.
            cls._get_collection().delete_one({"post": post.id, "user": user.id})
            return None
        post_liked.send(Post, post=post.id, user=user.id, author=post.author_id)
        content_changed.send(Post, post=post.id)
        return count

    @classmethod
    def remove(cls, post, user):
        """Take back ``user``'s like; returns the post's like count (or
        ``None`` when the post no longer exists). Idempotent."""
        if cls._delete(post, user):
            return _counted_out(post.id)
        return _like_count(post.id)

    @classmethod
    def toggle(cls, post, user):
        """``(liked, count)`` after flipping ``user``'s like of ``post``:
        a like is taken back if there is one, else added. Each step is one
        atomic write, as in ``Bookmark.toggle``; the unique index settles
        two clicks at once."""
        if cls._delete(post, user):
            return False, _counted_out(post.id)
        return True, cls.add(post, user)

    @classmethod
    def _delete(cls, post, user):
        """True when ``user``'s like of ``post`` was there and is gone now."""
        return bool(cls._get_collection().delete_one({"post": post.id, "user": user.id}).deleted_count)

    @classmethod
    def liked_among(cls, user, post_ids):
        """The ids of those posts ``user`` liked: one indexed query."""
        if not post_ids or user is None or not user.is_authenticated:
            return set()
        found = cls._get_collection().find(
            {"post": {"$in": list(post_ids)}, "user": user.id}, {"post": 1, "_id": 0}
        )
        return {row["post"] for row in found}

    @classmethod
    def likes(cls, user, post):
        """True when ``user`` likes ``post``."""
        return bool(user.is_authenticated and cls.objects(post=post.id, user=user.id).count())


def _change_count(post_id, delta):
    """``$inc`` the post's like count; the new count as shown (never below
    0), or ``None`` when the post is gone.

    The stored count may dip below 0 for a moment: an unlike's ``-1`` can
    land before the ``+1`` of the like it took back. Refusing that ``-1``
    would leave the count one high for good, so it is stored, and only what
    readers see is kept at 0 or more (``Post.like_total``)."""
    found = Post._get_collection().find_one_and_update(
        {"_id": post_id},
        {"$inc": {"like_count": delta}},
        projection={"like_count": 1},
        return_document=ReturnDocument.AFTER,
    )
    return None if found is None else max(0, found.get("like_count", 0))


def _counted_out(post_id):
    """The post's count after a like was deleted (``None``: the post is gone)."""
    count = _change_count(post_id, -1)
    content_changed.send(Post, post=post_id)
    return count


def _like_count(post_id):
    found = Post._get_collection().find_one({"_id": post_id}, {"like_count": 1})
    return None if found is None else max(0, found.get("like_count", 0))


def withdraw_likes_of(user_id):
    """Take back every like of an account, each with its ``-1`` on the post,
    so the counts stay exact (an account deletion; also safe to run again)."""
    user_id = as_object_id(user_id)
    collection = Like._get_collection()
    withdrawn = []
    for like in collection.find({"user": user_id}, {"post": 1}):
        if collection.delete_one({"_id": like["_id"]}).deleted_count:
            _change_count(like["post"], -1)
            withdrawn.append(like["post"])
    if withdrawn:  # one announcement for all those posts
        content_changed.send(Post, post=withdrawn)


def withdraw_likes_of_deleted(sender, document, **kwargs):
    withdraw_likes_of(document.id)
