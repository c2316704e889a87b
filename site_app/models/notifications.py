"""What a reader is told of: a new follower, a comment on their post, a
reply to their comment, a mention, likes of their post, a report of
theirs handled.

Everything about a post is grouped when written, not when read, one
document per reader, post and kind (comments, replies, mentions, likes):
each new event moves that document to the top, unread, in one atomic upsert
that counts it (``count`` in all, ``unseen`` since the reader last read it)
and keeps the latest actor, comment and excerpt. The document remembers its
most recent events (``recent``), so an event announced again (a text edited
with the same mention, a like after an unlike) is told once. A follow is
told in a document of its own under a ``key`` naming it, written by an
upsert that only inserts. A TTL index drops notifications 90 days after
their last change; one whose comment is removed loses its link to it (or
goes, when that comment was all it told of).
"""

from pymongo.errors import DuplicateKeyError

from ..extensions import db
from ..markup import excerpt
from .users import utcnow

KINDS = ("follow", "comment", "reply", "mention", "like", "report")
# Kinds grouped per post: one document a reader, post and kind.
ABOUT_A_POST = ("comment", "reply", "mention", "like")
KEEP_DAYS = 90
# Events a group remembers, so the same one (a liker after an unlike, a
# mention in an edited text) is not counted twice; bounded, so a popular
# post's document stays small.
RECENT_EVENTS = 20
EXCERPT_LENGTH = 160


class Notification(db.Document):
    recipient = db.ObjectIdField(required=True)
    kind = db.StringField(required=True, choices=KINDS)
    key = db.StringField(required=True)
    actor = db.ObjectIdField()  # who did it (for likes: the latest liker)
    count = db.IntField(default=1)  # events told in all (likes: readers who liked)
    unseen = db.IntField(default=1)  # events since the reader last read it
    recent = db.ListField(field=db.ObjectIdField())  # ids of the latest events
    post = db.ObjectIdField()
    comment = db.ObjectIdField()  # the latest comment told of
    excerpt = db.StringField()  # the opening of the latest text told of
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
            {"fields": ["actor"], "sparse": True},  # what a deleted account did, forgotten
            {"fields": ["created"], "expireAfterSeconds": KEEP_DAYS * 24 * 3600, "name": "notifications_ttl"},
        ],
    }

    @classmethod
    def notify_follow(cls, recipient, follower):
        """Tell ``recipient`` once that ``follower`` follows them (a follow
        after an unfollow is not told again); never of their own doing."""
        return cls._tell_once(recipient, "follow", follower, f"follow:{recipient}:{follower}")

    @classmethod
    def notify_report_handled(cls, reporter, moderator, report, post=None, comment=None):
        """Tell ``reporter`` that a moderator decided on their ``report``
        (about ``post``, ``comment``, or a member when neither), once."""
        return cls._tell_once(reporter, "report", moderator, f"report:{report}", post=post, comment=comment)

    @classmethod
    def _tell_once(cls, recipient, kind, actor, key, **about):
        """One notification a ``key``, never grouped; never of the reader's own doing."""
        if recipient is None or recipient == actor:
            return False
        told = {
            "recipient": recipient,
            "kind": kind,
            "actor": actor,
            "count": 1,
            "unseen": 1,
            "created": utcnow(),
            "read": False,
            **about,
        }
        try:
            result = cls._get_collection().update_one({"key": key}, {"$setOnInsert": told}, upsert=True)
        except DuplicateKeyError:  # told at the same moment by a concurrent upsert
            return False
        return result.upserted_id is not None

    @classmethod
    def notify_about_post(cls, recipient, kind, actor, post, event, comment=None, html=None):
        """One more ``kind`` event (its id: a comment, a liker, a mentioning
        text) about ``post`` (``html``: the text told of, for its excerpt):
        the reader's group for that post and kind counts it, names its
        actor, comment and excerpt as the latest and is
        unread again. An event among the recent ones is not told again (the
        filter then misses, and the insert it falls back to meets the
        unique key). Never of the reader's own doing."""
        if recipient is None or recipient == actor:
            return False
        latest = {
            "actor": actor,
            "comment": comment,
            "created": utcnow(),
            "read": False,
            "excerpt": excerpt(html, EXCERPT_LENGTH) if html else None,
        }
        try:
            cls._get_collection().update_one(
                {"key": f"{kind}:{recipient}:{post}", "recent": {"$ne": event}},
                {
                    "$set": latest,
                    "$inc": {"count": 1, "unseen": 1},
                    "$push": {"recent": {"$each": [event], "$slice": -RECENT_EVENTS}},
                    "$setOnInsert": {"recipient": recipient, "kind": kind, "post": post},
                },
                upsert=True,
            )
        except DuplicateKeyError:
            return False
        return True

    @classmethod
    def notify_like(cls, recipient, liker, post):
        """One more reader liked ``post`` (grouped: "and 4 others liked")."""
        return cls.notify_about_post(recipient, "like", liker, post, liker)

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
            cls.objects(id__in=unread).update(set__read=True, set__unseen=0)

    @classmethod
    def mark_all_read(cls, user_id):
        """Mark every notification of the reader read, in one update over
        the ``(recipient, read)`` index; how many were unread."""
        return cls.objects(recipient=user_id, read=False).update(set__read=True, set__unseen=0)

    @classmethod
    def forget_comment(cls, post_id, comment_id):
        """A comment is gone: what told of it alone goes too, and a group
        that told of more no longer links to it (served by the ``post``
        index)."""
        cls.objects(post=post_id, comment=comment_id, count__lte=1).delete()
        cls.objects(post=post_id, comment=comment_id).update(unset__comment=True, unset__excerpt=True)

    @classmethod
    def forget_recipient(cls, user_id):
        cls.objects(recipient=user_id).delete()

    @classmethod
    def forget_member(cls, user_id, liked):
        """A deleted account's doing: each of its likes leaves its group
        (``liked``: the ``(recipient, post)`` of each, read before the likes
        go), a group it was the latest of names the liker before it, and
        what told of it alone goes."""
        for recipient, post in liked:
            key = f"like:{recipient}:{post}"
            cls._get_collection().update_one(
                {"key": key},
                [
                    {
                        "$set": {
                            "recent": {
                                "$filter": {
                                    "input": {"$ifNull": ["$recent", []]},
                                    "cond": {"$ne": ["$$this", user_id]},
                                }
                            },
                            "count": {"$subtract": ["$count", 1]},
                            "unseen": {"$max": [0, {"$subtract": ["$unseen", 1]}]},
                        }
                    },
                    {
                        "$set": {
                            "actor": {
                                "$cond": [
                                    {"$eq": ["$actor", user_id]},
                                    {"$arrayElemAt": ["$recent", -1]},
                                    "$actor",
                                ]
                            }
                        }
                    },
                ],
            )
            cls.objects(key=key, count__lte=0).delete()
        cls.objects(actor=user_id, count__lte=1).delete()
        cls.objects(actor=user_id).update(unset__actor=True)

    @classmethod
    def forget_post(cls, post_id):
        cls.objects(post=post_id).delete()
