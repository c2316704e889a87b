"""The numbers ``/stats`` shows: per post and per day, over ``WINDOW_DAYS``
days ending today (UTC), from the posts' day documents and the likes."""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from ..models import Like, Post, utcnow
from ..models.post_days import PostDay, day_of
from ..models.subscriptions import Subscription

WINDOW_DAYS = 30


@dataclass
class PostNumbers:
    post: Post
    views: int
    likes: int
    comments: int


@dataclass
class WriterNumbers:
    posts: list  # PostNumbers, most viewed first
    days: list  # (day, views, new subscribers), oldest first, every day of the window
    views: int
    likes: int
    comments: int
    subscribers: int  # new ones, still subscribed


def writer_numbers(writer_id, today=None):
    """What ``writer_id``'s posts drew in the window: three indexed
    aggregations (the days by writer, twice; the likes by post), one read
    of the posts listed by id and one of the new subscribers' times."""
    last = day_of(today or utcnow())
    since = last - timedelta(days=WINDOW_DAYS - 1)
    per_post, per_day = PostDay.of_writer(writer_id, since)
    likes = likes_since(list(per_post), since)
    # Only the writer's published posts: a post made a draft again is theirs alone.
    posts = Post.published().filter(id__in=list(per_post), author=writer_id).only("id", "title", "author")
    rows = [
        PostNumbers(post, per_post[post.id]["views"], likes.get(post.id, 0), per_post[post.id]["comments"])
        for post in posts
    ]
    rows.sort(key=lambda row: (-row.views, -row.likes, -row.comments, row.post.title))
    joined = Counter(day_of(moment) for moment in Subscription.confirmed_since(writer_id, since))
    window = [since + timedelta(days=n) for n in range(WINDOW_DAYS)]
    days = [(day, per_day.get(day, 0), joined.get(day, 0)) for day in window]
    return WriterNumbers(
        rows,
        days,
        sum(r.views for r in rows),
        sum(r.likes for r in rows),
        sum(r.comments for r in rows),
        sum(joined.values()),
    )


def likes_since(post_ids, since):
    """``{post id: likes given since ``since`` and still standing}``."""
    if not post_ids:
        return {}
    found = Like._get_collection().aggregate(
        [
            {"$match": {"post": {"$in": post_ids}, "timestamp": {"$gte": since}}},
            {"$group": {"_id": "$post", "likes": {"$sum": 1}}},
        ]
    )
    return {row["_id"]: row["likes"] for row in found}
