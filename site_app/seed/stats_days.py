"""The demo writers' last 30 days (views, and the comments written each
day), so ``/stats`` has a chart to show from the first run."""

from collections import Counter
from datetime import timedelta

from ..models.post_days import PostDay, day_of
from ..stats.numbers import WINDOW_DAYS


def add_days(posts, writer_ids, rng, now):
    """``post_days`` documents for the published posts of ``writer_ids``:
    each post read a little every day since it appeared, some much more."""
    today = day_of(now)
    days = []
    for post in posts:
        if post.draft or post.author_id not in writer_ids:
            continue
        usual = int(rng.paretovariate(1.2) * 3)
        comments = Counter(day_of(comment.timestamp) for comment in post.comments)
        for back in range(WINDOW_DAYS):
            day = today - timedelta(days=back)
            if day < day_of(post.timestamp):
                break
            days.append(
                {
                    "post": post.id,
                    "author": post.author_id,
                    "day": day,
                    "views": rng.randint(0, usual),
                    "comments": comments.get(day, 0),
                }
            )
    if days:
        PostDay._get_collection().insert_many(days, ordered=False)
    return len(days)
