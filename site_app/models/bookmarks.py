"""Bookmarks: the posts a reader saved for later, one document a bookmark.

Like likes, they are not a list in the user document (a keen reader saves
thousands): a unique ``(user, post)`` index keeps one bookmark per reader
and post, and ``(user, -timestamp, -id)`` serves the reader's list, newest
saved first. Nobody else sees them, so no count is kept.
"""

from bson import ObjectId
from mongoengine import CASCADE
from pymongo.errors import DuplicateKeyError

from ..extensions import db
from .posts import Post
from .references import reference_id, stored_reference
from .users import User, utcnow


class Bookmark(db.Document):
    # A deleted account takes its bookmarks with it (MongoEngine's delete
    # rule), a deleted post after it (``counts.forget_post``); the queries
    # are served by the indexes below.
    user = db.ReferenceField(document_type=User, required=True, reverse_delete_rule=CASCADE)
    post = db.ReferenceField(document_type=Post, required=True)
    timestamp = db.DateTimeField(default=utcnow)

    meta = {
        "collection": "bookmarks",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [
            {"fields": ["user", "post"], "unique": True},
            ("user", "-timestamp", "-id"),
            "post",  # a deleted post's bookmarks
        ],
    }

    @classmethod
    def toggle(cls, user, post):
        """Save ``post`` for ``user``, or forget it if saved; True when it
        is saved afterwards. Each step is one atomic write, and the unique
        index settles two clicks at once."""
        collection = cls._get_collection()
        if collection.delete_one({"user": user.id, "post": post.id}).deleted_count:
            return False
        try:
            collection.insert_one(
                {"_id": ObjectId(), "user": user.id, "post": post.id, "timestamp": utcnow()}
            )
        except DuplicateKeyError:
            pass  # saved by a click a moment ago
        return True

    @classmethod
    def saved_by(cls, user):
        """The reader's bookmarks, newest saved first."""
        return cls.objects(user=user.id).order_by("-timestamp", "-id")

    @classmethod
    def saved_among(cls, user, post_ids):
        """The ids of those posts ``user`` saved: one indexed query."""
        if not post_ids or user is None or not user.is_authenticated:
            return set()
        found = cls._get_collection().find(
            {"user": user.id, "post": {"$in": list(post_ids)}}, {"post": 1, "_id": 0}
        )
        return {row["post"] for row in found}

    @staticmethod
    def posts_of(bookmarks):
        """The posts of a page of bookmarks, in its order, authors loaded:
        one query for the posts, one for their authors."""
        ids = [bookmark.post_id for bookmark in bookmarks]
        posts = {post.id: post for post in Post.listing().filter(id__in=ids)}
        return Post.with_authors([posts[oid] for oid in ids if oid in posts])

    @property
    def post_id(self):
        return reference_id(stored_reference(self, "post"))
