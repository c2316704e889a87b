"""Discovery: writers a reader may want to follow, and trending tags.

Both are aggregations served by indexes: the writers followed by the people
you follow start from those few user documents (``_id``), the trending tags
from this week's posts (``-timestamp``). The most followed writers overall
(for a newcomer, an anonymous reader, or to fill the list) read every
account that follows someone, so that answer is shared by every reader
and kept in the cache for ``EXPLORE_CACHE_SECONDS``.
"""

from collections import Counter, namedtuple
from datetime import timedelta

from flask import current_app

from .content_cache import NEWEST, SEARCH, cached
from .extensions import cache
from .models import Post, User, utcnow
from .models.drafts import PUBLISHED

# A writer to suggest, and how many followers vouch for them: people you
# follow (``among_followed``) or everyone.
Suggestion = namedtuple("Suggestion", "user followers among_followed")
TrendingTag = namedtuple("TrendingTag", "name posts")
WRITERS_SHOWN = 12
TAGS_SHOWN = 20
TRENDING_DAYS = 7
RECENT_POSTS = 300  # how far back "posted lately" reaches, in posts
_MOST_FOLLOWED_KEY = "explore:most-followed"


def writers_to_follow(reader, limit=WRITERS_SHOWN):
    """Writers the reader does not follow yet: first those most followed by
    the people they follow, then the most followed overall."""
    following = list(reader.following_ids()) if reader.is_authenticated else []
    skip = set(following) | ({reader.id} if reader.is_authenticated else set())
    ranked = [(oid, n, True) for oid, n in _followed_by(following, skip, limit)]
    chosen = {oid for oid, _n, _mine in ranked}
    # Then the most followed overall; on a young site where few follow
    # anyone, writers who posted lately fill the list (0 followers shown).
    fill = [*_most_followed(), *((oid, 0) for oid in recent_activity()["writers"])]
    for oid, n in fill:
        if len(ranked) >= limit:
            break
        if oid not in skip and oid not in chosen:
            ranked.append((oid, n, False))
            chosen.add(oid)
    users = {
        user.id: user
        for user in User.objects(id__in=[oid for oid, _n, _m in ranked]).only(
            "username", "name", "about_me", "avatar_id", "disabled"
        )
    }
    return [
        Suggestion(users[oid], n, mine) for oid, n, mine in ranked if oid in users and not users[oid].disabled
    ]


def recent_activity():
    """The authors and tags of the newest posts readers may see, most used
    first (``Post.listing()``: never a draft; the newest few hundred,
    through the ``(draft, -timestamp)`` index): ``{"writers", "tags"}``,
    read in one query and shared by every reader per content generation (a
    post's tags change on publishing, ``newest``, and editing, ``search``)."""
    return cached("recent-activity", _rank_recent_activity, scopes=(NEWEST, SEARCH))


def _rank_recent_activity():
    # Raw rows: documents would each be recorded as a dependency of the
    # page being rendered (content_cache), though the page shows none.
    rows = list(Post.listing().only("author", "tags").limit(RECENT_POSTS).as_pymongo())
    writers = Counter(row["author"] for row in rows)
    tags = Counter(tag for row in rows for tag in row.get("tags", []))
    return {
        "writers": [author for author, _n in writers.most_common(50)],
        "tags": [tag for tag, _n in sorted(tags.items(), key=lambda i: (-i[1], i[0]))[:50]],
    }


def _follow_counts(match, skip, limit):
    """``[(user id, followers)]`` most followed first, among the follows of
    the accounts ``match`` selects, leaving out ``skip``."""
    rows = User._get_collection().aggregate(
        [
            {"$match": match},
            {"$project": {"following": 1}},
            {"$unwind": "$following"},
            {"$group": {"_id": "$following", "n": {"$sum": 1}}},
            {"$match": {"_id": {"$nin": list(skip)}}},
            {"$sort": {"n": -1, "_id": 1}},
            {"$limit": limit},
        ]
    )
    return [(row["_id"], row["n"]) for row in rows]


def _followed_by(following, skip, limit):
    if not following:
        return []
    return _follow_counts({"_id": {"$in": following}}, skip, limit)


def _most_followed():
    """The most followed accounts of the site (a few more than shown, so a
    reader's own follows can be left out), shared by every reader."""
    found = cache.get(_MOST_FOLLOWED_KEY)
    if found is None:
        found = _follow_counts({"following": {"$exists": True, "$ne": []}}, (), 4 * WRITERS_SHOWN)
        cache.set(_MOST_FOLLOWED_KEY, found, timeout=current_app.config["EXPLORE_CACHE_SECONDS"])
    return found


def trending_tags(limit=TAGS_SHOWN, days=TRENDING_DAYS):
    """Tags of the posts published in the last ``days``, most used first
    (drafts are not published: served by the ``(draft, -timestamp)`` index)."""
    since = utcnow() - timedelta(days=days)
    rows = Post._get_collection().aggregate(
        [
            {"$match": {"draft": {"$in": PUBLISHED}, "timestamp": {"$gte": since}}},
            {"$project": {"tags": 1}},
            {"$unwind": "$tags"},
            {"$group": {"_id": "$tags", "n": {"$sum": 1}}},
            {"$sort": {"n": -1, "_id": 1}},
            {"$limit": limit},
        ]
    )
    return [TrendingTag(row["_id"], row["n"]) for row in rows]
