"""How big a post is in BSON: the rule behind MongoDB's 16 MiB limit.

A post keeps its own size (``post_bytes``) and its comments' (``comment_bytes``)
so every write can check, in the same update, that both still fit.
"""

import bson


def bson_size(document):
    """Bytes a (sub)document takes in BSON."""
    return len(bson.encode(dict(document)))


def comment_bytes(stored_comments):
    """A post's ``comment_bytes`` for these stored (``to_mongo``) comments."""
    return sum(bson_size(c) for c in stored_comments)


def newest_time(comments):
    """The latest timestamp among stored comments, or ``None``."""
    return max((c["timestamp"] for c in comments if c.get("timestamp")), default=None)


# A post and its comments within MongoDB's 16 MiB, less a margin for array keys.
DOCUMENT_BUDGET = 15 * 1024 * 1024


def room_for(extra_bytes):
    """An update filter: the post, with its comments, leaves room for
    ``extra_bytes`` more within ``DOCUMENT_BUDGET`` (checked in the update)."""
    return {
        "$expr": {
            "$lte": [
                {"$add": [{"$ifNull": ["$post_bytes", 0]}, {"$ifNull": ["$comment_bytes", 0]}]},
                DOCUMENT_BUDGET - extra_bytes,
            ]
        }
    }
