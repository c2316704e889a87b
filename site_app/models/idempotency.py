"""Answers kept for API ``POST``s sent with an ``Idempotency-Key``.

A client that got no answer (a timeout, a 502 from a killed worker) sends
the request again with the same key; it gets the first answer instead of a
second post or comment. One document per account and key, claimed by an
insert under a unique index before the request runs and holding its answer
after; a TTL index forgets them after ``KEEP_HOURS``. A claim left
unanswered (the worker died mid-request) may be taken over after
``STALE_SECONDS``: the posts and comments a request creates carry its key
too (``submissions.py``), so running it again finds what it made.
"""

from datetime import timedelta

from pymongo.errors import DuplicateKeyError

from ..extensions import db
from .users import utcnow

KEEP_HOURS = 24
STALE_SECONDS = 60


class IdempotentAnswer(db.Document):
    key = db.StringField(required=True)  # "<account id>:<Idempotency-Key>"
    fingerprint = db.StringField(required=True)  # method, path, query and body, hashed
    status = db.IntField()  # None while the first request runs
    body = db.BinaryField()
    content_type = db.StringField()
    location = db.StringField()
    created = db.DateTimeField(default=utcnow)

    meta = {
        "collection": "idempotency_keys",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [
            {"fields": ["key"], "unique": True},
            {"fields": ["created"], "expireAfterSeconds": KEEP_HOURS * 3600, "name": "idempotency_ttl"},
        ],
    }

    @classmethod
    def claim(cls, key, fingerprint):
        """``None`` when this request is the first with ``key`` (it now owns
        it), else the stored document (answered, or still running)."""
        collection = cls._get_collection()
        try:
            collection.insert_one(
                {"key": key, "fingerprint": fingerprint, "status": None, "created": utcnow()}
            )
            return None
        except DuplicateKeyError:
            return collection.find_one({"key": key})

    @classmethod
    def take_over(cls, stored):
        """Claim a request left unanswered for ``STALE_SECONDS``; True when
        this request now owns it (one of several retries wins)."""
        if stored["status"] is not None or utcnow() - stored["created"] < timedelta(seconds=STALE_SECONDS):
            return False
        return (
            cls._get_collection()
            .update_one(
                {"key": stored["key"], "status": None, "created": stored["created"]},
                {"$set": {"created": utcnow()}},
            )
            .modified_count
            == 1
        )

    @classmethod
    def answer(cls, key, status, body, content_type, location):
        cls._get_collection().update_one(
            {"key": key, "status": None},
            {"$set": {"status": status, "body": body, "content_type": content_type, "location": location}},
        )

    @classmethod
    def release(cls, key):
        """The request failed in a way worth retrying (5xx, 429): forget it."""
        cls._get_collection().delete_one({"key": key, "status": None})
