"""What an account may publish in its first day: a few posts and comments
(``NEW_ACCOUNT_DAILY_POSTS``, ``NEW_ACCOUNT_DAILY_COMMENTS``; 0: no limit),
so a fresh account made to spam is slow to do harm.

The counts live in one small document a new account (``first_day``), by
the account's id, taken by one conditional ``$inc``: two submissions at
once cannot both take the last one. Older accounts cost no query; the
documents expire after two days.
"""

from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from pymongo.errors import DuplicateKeyError

from ..extensions import db
from .users import utcnow

FIRST_DAY = timedelta(days=1)
_SETTINGS = {"posts": "NEW_ACCOUNT_DAILY_POSTS", "comments": "NEW_ACCOUNT_DAILY_COMMENTS"}


class NewAccountLimit(Exception):
    def __init__(self, kind, limit, retry_after):
        super().__init__(
            f"New accounts may publish {limit} {kind} in their first day. "
            "Your text is kept here: try again tomorrow."
        )
        self.retry_after = retry_after  # seconds until the first day is over


class FirstDay(db.Document):
    id = db.ObjectIdField(primary_key=True)  # the account's id
    posts = db.IntField(default=0)
    comments = db.IntField(default=0)
    created = db.DateTimeField(default=utcnow)

    meta = {
        "collection": "first_day",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [{"fields": ["created"], "expireAfterSeconds": 2 * 24 * 3600, "name": "first_day_ttl"}],
    }


def _limit_for(user, kind):
    limit = current_app.config[_SETTINGS[kind]]
    if not limit or utcnow() - user.member_since >= FIRST_DAY:
        return None
    return limit


@contextmanager
def first_day_allowance(user, kind):
    """Take one of ``user``'s first-day ``kind`` ("posts" or "comments") for
    the block, given back when the block fails. Raises
    :class:`NewAccountLimit` when none is left."""
    limit = _limit_for(user, kind)
    if limit is None:
        yield
        return
    collection = FirstDay._get_collection()
    try:
        # No document under the limit: the upsert meets the account's own
        # document at the unique _id, and nothing is counted. ($not: a
        # count not yet written is under it.)
        collection.update_one(
            {"_id": user.id, kind: {"$not": {"$gte": limit}}},
            {"$inc": {kind: 1}, "$setOnInsert": {"created": utcnow()}},
            upsert=True,
        )
    except DuplicateKeyError:
        left = user.member_since + FIRST_DAY - utcnow()
        raise NewAccountLimit(kind, limit, max(1, int(left.total_seconds()))) from None
    try:
        yield
    except BaseException:
        collection.update_one({"_id": user.id}, {"$inc": {kind: -1}})
        raise
