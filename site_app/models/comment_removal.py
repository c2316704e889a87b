"""Removing a comment from its post: one atomic update that pulls it and
lowers the counts, the bytes and the newest-comment time together.

The bytes a comment takes are those of the comment as read; an edit landing
between that read and the update would change them (and ``comment_bytes``
would drift). So every update here is conditional on the comment being
exactly as read (``"comments": <the stored element>``, MongoDB's equality of
an array element with a document), and reads again when it was not. One
path for MongoDB and the embedded backend, which has no ``$bsonSize`` to
measure the element inside the update.
"""

from copy import deepcopy

from .sizes import bson_size

# What a removed comment that still has replies keeps as its body.
DELETED_BODY = "[deleted]"
# Reads again when an edit of the comment landed meanwhile (each lost race
# is an edit's success: only a storm of edits exhausts this).
_ATTEMPTS = 50


def remove_comment(collection, oid, post_id=None, member_left=False):
    """``(post id or None, removed)`` for comment ``oid`` (of post ``post_id``:
    the read starts from the post). A comment with replies is blanked
    instead (kept as their anchor, "deleted"; with ``member_left``, its
    author's account is being deleted: "deleted member"); removing the last reply of
    such a placeholder removes the placeholder too. Whether replies exist is
    part of the update's filter, so a reply arriving meanwhile is never
    orphaned."""
    for _ in range(_ATTEMPTS):
        where = {"_id": post_id, "comments.id": oid} if post_id else {"comments.id": oid}
        found = collection.find_one(where, {"comments": {"$elemMatch": {"id": oid}}})
        if not found or not found.get("comments"):
            return None, False
        # A copy: mongomock's $elemMatch projection hands out the stored
        # element itself, which a later edit would change under us.
        post_id, stored = found["_id"], deepcopy(found["comments"][0])
        parent = stored.get("parent")
        if collection.update_one(
            {"_id": post_id, "comments": stored, "comments.parent": {"$ne": oid}},
            _removal_pipeline(oid, bson_size(stored), is_reply=bool(parent)),
        ).modified_count:
            if parent:
                _drop_empty_placeholder(collection, post_id, parent)
            _forget_newest_time_if_empty(collection, post_id)
            return post_id, True
        if stored.get("deleted"):  # a placeholder whose replies remain
            return post_id, False
        if _blank(collection, post_id, stored, member_left):
            return post_id, True
    return None, False


def _blank(collection, post_id, stored, member_left=False):
    blank = {
        **stored,
        "body": DELETED_BODY,
        "body_html": "",
        "author": None,
        "deleted": True,
        **({"member_left": True} if member_left else {}),
    }
    return collection.update_one(
        {"_id": post_id, "comments": stored},
        {"$set": {"comments.$": blank}, "$inc": {"comment_bytes": bson_size(blank) - bson_size(stored)}},
    ).modified_count


def _drop_empty_placeholder(collection, post_id, placeholder_id):
    found = collection.find_one(
        {"_id": post_id}, {"comments": {"$elemMatch": {"id": placeholder_id, "deleted": True}}}
    )
    if found and found.get("comments"):
        placeholder = deepcopy(found["comments"][0])
        collection.update_one(
            {"_id": post_id, "comments": placeholder, "comments.parent": {"$ne": placeholder_id}},
            _removal_pipeline(placeholder_id, bson_size(placeholder), is_reply=False),
        )


def _forget_newest_time_if_empty(collection, post_id):
    # No comment left: no newest time either. The pipeline leaves a null
    # there, which MongoDB's $max passes over but mongomock's (embedded,
    # stand-in) cannot compare with the next comment's time.
    collection.update_one({"_id": post_id, "comment_count": 0}, {"$unset": {"last_comment_at": ""}})


def _removal_pipeline(comment_id, size, is_reply):
    """One atomic update that pulls a comment, lowers counts and bytes and
    recomputes the newest-comment time from those left (null when none)."""
    return [
        {
            "$set": {
                "comments": {"$filter": {"input": "$comments", "cond": {"$ne": ["$$this.id", comment_id]}}},
                "comment_count": {"$subtract": ["$comment_count", 1]},
                "reply_count": {"$subtract": [{"$ifNull": ["$reply_count", 0]}, int(is_reply)]},
                "comment_bytes": {"$subtract": [{"$ifNull": ["$comment_bytes", size]}, size]},
            }
        },
        {"$set": {"last_comment_at": {"$max": "$comments.timestamp"}}},
    ]
