"""The Followed tab: posts of the writers and tags a reader follows.

One sorted query: ``author $in [writers]`` or ``tags $in [tags]``, newest
first. MongoDB serves a sorted ``$in`` by merging one index range per value
(``(author, -timestamp, -id)``, ``(tags, -timestamp, -id)``) only up to 200
ranges; past that it reads every post of every writer and sorts them all in
memory, which for a reader following thousands is most of the site, on
every page. So the feed reads the writers who published most recently, at
most ``FEED_WRITERS_MAX`` of them, chosen by one aggregation that touches
one index key per followed writer (its newest post, a ``DISTINCT_SCAN`` of
the same index, no document read): a fan-out-on-read bound. With the
followed tags (``FOLLOWED_TAGS_MAX``) the ranges stay within MongoDB's 200,
and each page costs the same two queries however many are followed. A
writer quiet for longer than the newest ``FEED_WRITERS_MAX`` is left out of
the feed of a reader following more than that, until they post again.
"""

from .tag_follows import FOLLOWED_TAGS_MAX

FEED_WRITERS_MAX = 200 - FOLLOWED_TAGS_MAX - 1  # the reader's own posts are one more range


def followed_feed(post_class, reader, own=True, tags=True):
    """The reader's Followed tab as a queryset of published posts, newest
    first (what the pager takes): their own posts (with ``own``), the
    writers they follow (the most recently active, bounded) and, with
    ``tags``, the tags they follow."""
    writers = _active_writers(post_class, reader.following_ids()) + ([reader.id] if own else [])
    tags = list(reader.followed_tags or []) if tags else []
    if not tags:
        return post_class.listing().filter(author__in=writers)
    # A top-level $or beside the draft rule: each branch one of the indexes.
    return post_class.listing().filter(
        __raw__={"$or": [{"author": {"$in": writers}}, {"tags": {"$in": tags}}]}
    )


def _active_writers(post_class, followed):
    """``followed``, or when they are more than the feed reads, the
    ``FEED_WRITERS_MAX`` who posted most recently."""
    if len(followed) <= FEED_WRITERS_MAX:
        return list(followed)
    rows = post_class._get_collection().aggregate(
        [
            {"$match": {"author": {"$in": list(followed)}}},
            # One key per writer from the (author, -timestamp, -id) index: the
            # $sort + $group $first a DISTINCT_SCAN serves. A draft counts as
            # activity here; the feed itself leaves drafts out.
            {"$sort": {"author": 1, "timestamp": -1}},
            {"$group": {"_id": "$author", "newest": {"$first": "$timestamp"}}},
            {"$sort": {"newest": -1}},
            {"$limit": FEED_WRITERS_MAX},
        ]
    )
    return [row["_id"] for row in rows]
