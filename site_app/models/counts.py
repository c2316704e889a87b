"""Counts kept beside the data, made exact again, and what a deleted post
leaves behind.

``Post.like_count`` and ``User.followers_total`` are changed by a second
write after the like or the follow (two writes, not a transaction: the
embedded default and a standalone server have none). A process killed
between them leaves a count one off; ``repair_counts`` (``flask deploy``
and ``flask repair-counts``, which a scheduler may run) recounts them.
Each repair reads the stored count *before* counting and writes only if
the stored count is still what it read, so a like or follow landing
meanwhile is never overwritten by a stale recount (it waits for the next
run instead).

A deleted post goes first (one atomic delete: from then on no page shows
it), then its likes and bookmarks, retried; if that still fails, they are
documents of a post that no longer exists, which no page shows and the
repair sweeps away. The other order could leave a post with its likes gone.
"""

import logging
import time

from pymongo.errors import AutoReconnect

from .bookmarks import Bookmark
from .likes import Like
from .posts import Post
from .users import User

log = logging.getLogger(__name__)
BATCH = 500
_ATTEMPTS = 3


def forget_post(post_id):
    """Delete a deleted post's likes and bookmarks; retried on a lost
    connection. True when done (else the repair sweeps them)."""
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            Like._get_collection().delete_many({"post": post_id})
            Bookmark._get_collection().delete_many({"post": post_id})
            return True
        except AutoReconnect:
            if attempt == _ATTEMPTS:
                log.exception("likes and bookmarks of deleted post %s kept for the repair", post_id)
                return False
            time.sleep(0.05 * attempt)


def forget_deleted_post(sender, document, **kwargs):
    forget_post(document.id)


def repair_counts():
    """Recount likes and follows, sweep a deleted post's leftovers:
    ``{what: documents fixed}``."""
    return {
        "likes of deleted posts": _sweep_orphans(Like),
        "bookmarks of deleted posts": _sweep_orphans(Bookmark),
        "like counts": _recount(Post, "like_count", Like, "post"),
        "follower counts": _recount(User, "followers_total", User, "following"),
        "following counts": _recount_following(),
    }


def _batches(collection, field):
    """``{_id: stored count}`` of every document, a batch at a time, by
    ``_id`` (the stored counts read before anything is counted)."""
    last = None
    while True:
        query = {} if last is None else {"_id": {"$gt": last}}
        rows = list(collection.find(query, {field: 1}).sort("_id", 1).limit(BATCH))
        if not rows:
            return
        last = rows[-1]["_id"]
        # None for a document from before the count existed (matched as
        # such by the update below: null matches a missing field).
        yield {row["_id"]: row.get(field) for row in rows}


def _recount(document, field, counted, key):
    """Set ``document.field`` to the number of ``counted`` documents whose
    ``key`` names it, where it differs and was not changed meanwhile."""
    collection, fixed = document._get_collection(), 0
    for stored in _batches(collection, field):
        wanted = {key: {"$in": list(stored)}}
        # A follow is an entry of an array: unwound, then only this batch's.
        unwound = [{"$unwind": f"${key}"}, {"$match": wanted}] if key == "following" else []
        found = {
            row["_id"]: row["n"]
            for row in counted._get_collection().aggregate(
                [
                    {"$match": wanted},
                    {"$project": {key: 1}},
                    *unwound,
                    {"$group": {"_id": f"${key}", "n": {"$sum": 1}}},
                ]
            )
        }
        for oid, was in stored.items():
            exact = found.get(oid, 0)
            if was != exact:
                fixed += collection.update_one(
                    {"_id": oid, field: was}, {"$set": {field: exact}}
                ).modified_count
    return fixed


def _recount_following():
    """``following_total`` from the array in the same document: one
    single-document update each, exact whatever races."""
    collection, fixed = User._get_collection(), 0
    for stored in _batches(collection, "following_total"):
        fixed += collection.update_many(
            {"_id": {"$in": list(stored)}},
            [{"$set": {"following_total": {"$size": {"$ifNull": ["$following", []]}}}}],
        ).modified_count
    return fixed


def _sweep_orphans(document):
    """Delete ``document``s (likes, bookmarks) whose post no longer exists."""
    collection, swept, last = document._get_collection(), 0, None
    while True:
        query = {} if last is None else {"post": {"$gt": last}}
        posts = [row["post"] for row in collection.find(query, {"post": 1}).sort("post", 1).limit(BATCH)]
        if not posts:
            return swept
        last = posts[-1]
        alive = {row["_id"] for row in Post._get_collection().find({"_id": {"$in": posts}}, {"_id": 1})}
        gone = sorted(set(posts) - alive)
        if gone:
            swept += collection.delete_many({"post": {"$in": gone}}).deleted_count
