"""What happened to a post on one day (UTC): its views and the comments
written on it, one document a post and day, for the writer's stats.

Every view is one atomic upsert (``$inc``) of that day's document; the
unique ``(post, day)`` index makes two first views racing each other one
document (the loser's duplicate-key error is retried once as an update).
Nothing grows without bound: when a post's day document is created (its
first view or comment of the day), the post's documents older than
``KEEP_DAYS`` are deleted, so a post holds at most ``KEEP_DAYS + 1`` of
them; a deleted post's go with it. Not a TTL index: the embedded default
(mongomock) expires TTL collections by scanning them on every operation,
which a count on every page view cannot afford.
"""

from datetime import UTC, datetime, time, timedelta

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from ..extensions import db
from .users import utcnow

KEEP_DAYS = 90


def day_of(moment):
    """The UTC day a moment falls on (naive moments are UTC already, as
    MongoDB stores them), as the stored midnight, naive like them."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return datetime.combine(moment.date(), time())


class PostDay(db.Document):
    post = db.ObjectIdField(required=True)
    author = db.ObjectIdField(required=True)  # the writer, so /stats asks by writer
    day = db.DateTimeField(required=True)  # midnight UTC
    views = db.IntField(default=0)
    comments = db.IntField(default=0)  # written that day, less those removed since

    meta = {
        "collection": "post_days",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [
            # One document a post and day; also a post's old days (pruning).
            {"fields": ["post", "day"], "unique": True},
            ("author", "day"),  # a writer's last 30 days (/stats)
        ],
    }

    @classmethod
    def count(cls, post_id, author_id, field="views", delta=1, moment=None):
        """Add ``delta`` to ``field`` of the post's document for the day of
        ``moment`` (now by default), creating it if needed."""
        day = day_of(moment or utcnow())
        collection = cls._get_collection()
        change = {"$inc": {field: delta}, "$setOnInsert": {"author": author_id}}
        try:
            created = collection.update_one({"post": post_id, "day": day}, change, upsert=True).upserted_id
        except DuplicateKeyError:  # another first view of the day won: count on it
            collection.update_one({"post": post_id, "day": day}, {"$inc": {field: delta}})
            return
        if created is not None:
            cls._prune(post_id, day)

    @classmethod
    def count_views(cls, tally):
        """Write views tallied in memory: ``{(post id, author id, day): n}``,
        one ``$inc`` upsert a post and day (however many views it holds)."""
        for (post, author, day), views in tally.items():
            cls.count(post, author, delta=views, moment=day)

    @classmethod
    def uncount_comment(cls, post_id, comment_id):
        """A removed comment leaves the count of the day it was written
        (its id's time), if that day is still kept; never below 0."""
        day = day_of(ObjectId(comment_id).generation_time)
        cls._get_collection().update_one(
            {"post": post_id, "day": day, "comments": {"$gt": 0}}, {"$inc": {"comments": -1}}
        )

    @classmethod
    def _prune(cls, post_id, today):
        cls._get_collection().delete_many(
            {"post": post_id, "day": {"$lt": today - timedelta(days=KEEP_DAYS)}}
        )

    @classmethod
    def forget_post(cls, post_id):
        cls._get_collection().delete_many({"post": post_id})

    @classmethod
    def of_writer(cls, author_id, since):
        """``(per post, per day)`` totals of the writer's days from ``since``:
        ``{post id: {"views", "comments"}}`` and ``{day: views}``."""
        match = {"$match": {"author": author_id, "day": {"$gte": since}}}
        collection = cls._get_collection()
        per_post = {
            row["_id"]: row
            for row in collection.aggregate(
                [
                    match,
                    {
                        "$group": {
                            "_id": "$post",
                            "views": {"$sum": "$views"},
                            "comments": {"$sum": "$comments"},
                        }
                    },
                ]
            )
        }
        per_day = {
            row["_id"]: row["views"]
            for row in collection.aggregate([match, {"$group": {"_id": "$day", "views": {"$sum": "$views"}}}])
        }
        return per_post, per_day
