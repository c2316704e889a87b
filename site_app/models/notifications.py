"""What a reader is told of: a new follower, a comment on their post, a
reply to their comment, a mention, likes of their post, a report of
theirs handled.

One document per thing told, under a unique ``key`` naming it (kind,
reader, and what it is about), written by an upsert that only inserts: an
event announced again (a text edited with the same mention, a follow after
an unfollow) is told once. Likes of one post are grouped when written, not
when read: each new liker moves the one document of that post to the top,
unread, in one atomic upsert that counts them. A TTL index drops
notifications 90 days after their last change.
"""
from pymongo.errors import DuplicateKeyError

from ..extensions import db
from .users import utcnow

KINDS = ("follow", "comment", "reply", "mention", "like", "report")
KEEP_DAYS = 90
# Likers a grouped like keeps, so the same reader liking again (after an
# unlike) is not counted twice; bounded, so a popular post's document stays small.
RECENT_LIKERS = 20


class Notification(db.Document):
    recipient = db.ObjectIdField(required=True)
    kind = db.StringField(required=True, choices=KINDS)
    key = db.StringField(required=True)
    actor = db.ObjectIdField()  # who did it (for likes: the latest liker)
    count = db.IntField(default=1)  # likes: how many readers liked
    recent = db.ListField(field=db.ObjectIdField())
    post = db.ObjectIdField()
    comment = db.ObjectIdField()
    created = db.DateTimeField(default=utcnow)
    read = db.BooleanField(default=False)

    meta = {
        "collection": "notifications",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [
            {"fields": ["key"], "unique": True},
            ("recipient", "-created", "-id"),  # the list, newest first
            ("recipient", "read"),  # the navbar's unread count
            "post",  # forgotten with their post
            {"fields": ["created"], "expireAfterSeconds": KEEP_DAYS * 24 * 3600,
             "name": "notifications_ttl"},
        ],
    }

    @classmethod
    def notify(cls, recipient, kind, actor, about, post=None, comment=None):
        """Tell ``recipient`` once of ``kind`` ``about`` something (an id);
        never of their own doing. True when this told them."""
        if recipient is None or recipient == actor:
            return False
        told = {"recipient": recipient, "kind": kind, "actor": actor, "count": 1,
                "post": post, "comment": comment, "created": utcnow(), "read": False}
        try:
            result = cls._get_collection().update_one(
                {"key": f"{kind}:{recipient}:{about}"}, {"$setOnInsert": told}, upsert=True)
        except DuplicateKeyError:  # told at the same moment by a concurrent upsert
            return False
        return result.upserted_id is not None

    @classmethod
    def notify_like(cls, recipient, liker, post):
        """One more reader liked ``post``: the post's grouped notification
        counts them, names them as the latest and is unread again. A liker
        among the recent ones is not counted again (the filter then misses,
        and the insert it falls back to meets the unique key)."""
        if recipient is None or recipient == liker:
            return False
        try:
            cls._get_collection().update_one(
                {"key": f"like:{recipient}:{post}", "recent": {"$ne": liker}},
                {"$set": {"actor": liker, "created": utcnow(), "read": False},
                 "$inc": {"count": 1},
                 "$push": {"recent": {"$each": [liker], "$slice": -RECENT_LIKERS}},
                 "$setOnInsert": {"recipient": recipient, "kind": "like", "post": post}},
                upsert=True)
        except DuplicateKeyError:
            return False
        return True

    @classmethod
    def unread_count(cls, user_id):
        """One count over the ``(recipient, read)`` index."""
        return cls.objects(recipient=user_id, read=False).count()

    @classmethod
    def listing(cls, user_id):
        return cls.objects(recipient=user_id).order_by("-created", "-id")

    @classmethod
    def mark_read(cls, notifications):
        """Mark these (the ones a page showed) read, in one update."""
        unread = [n.id for n in notifications if not n.read]
        if unread:
            cls.objects(id__in=unread).update(set__read=True)

    @classmethod
    def forget_recipient(cls, user_id):
        cls.objects(recipient=user_id).delete()

    @classmethod
    def forget_post(cls, post_id):
        cls.objects(post=post_id).delete()
