"""The site as the benchmark and the soak serve it: ``bench_server:app``.

gunicorn loads this with ``--preload`` and one worker. The embedded
database lives in the server process, so it is seeded here, before the
worker forks, with the sizes in ``BENCH_SEED`` (``users,posts,comments,
follows[,images]``). The ids the clients need (a post with about 200
comments, a prolific author, a common tag, an image) are written as JSON to
``BENCH_IDS_FILE``; with ``BENCH_DUMP_FILE`` the seeded users, posts,
comments and follows are also written there as JSON, for Flasky to load the
same data (``bench.py --compare-flasky``). Bench-only: nothing in
``site_app`` knows about it.

Settings for a benchmark, on top of ``development`` (or ``SITE_CONFIG``):
the ``X-DB-Ops``/``X-DB-Time-Ms`` headers on, rate limits off (the clients
all come from 127.0.0.1 and would be throttled as one visitor), and
``BENCH_CACHE_TYPE`` (default ``SimpleCache``; ``NullCache`` measures the
site without its cache).
"""

import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_app import create_app  # noqa: E402

COMMENTS_WANTED = 200
MISS_POSTS = 1000


def build_app():
    overrides = {
        "DB_OPS_HEADER": True,
        "RATELIMIT_ENABLED": False,
        "CACHE_TYPE": os.environ.get("BENCH_CACHE_TYPE", "SimpleCache"),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
    return create_app(os.environ.get("SITE_CONFIG", "development"), overrides=overrides)


def parse_sizes(text):
    from site_app.seed import SeedSizes

    numbers = [int(part) for part in text.split(",") if part.strip()]
    names = ["users", "posts", "comments", "follows", "images"]
    return SeedSizes(**dict(zip(names, numbers)))


def seed(app, sizes, rng_seed=8):
    """Fill the app's database and return the ids the clients use."""
    from site_app.seed import seed_database

    with app.app_context():
        started = time.perf_counter()
        report = seed_database(sizes, rng_seed=rng_seed)
        ids = find_ids()
        ids["seed_seconds"] = round(time.perf_counter() - started, 1)
        ids["counts"] = dict(report.counts)
    return ids


def find_ids():
    """What each benchmarked page needs, read from the seeded data."""
    from site_app.models import Post, User

    posts = Post._get_collection()
    busy = posts.find_one(
        {"comment_count": {"$gte": COMMENTS_WANTED}}, {"comment_count": 1}, sort=[("comment_count", 1)]
    )
    if busy is None:  # a small data set: top up its busiest post
        busy = posts.find_one({}, {"comment_count": 1}, sort=[("comment_count", -1)])
        post = Post.objects(id=busy["_id"]).exclude("comments").first()
        commenter = User.objects.first()
        for n in range(COMMENTS_WANTED - post.comment_count):
            post.add_comment(commenter, f"Benchmark comment {n}")
        busy = posts.find_one({"_id": busy["_id"]}, {"comment_count": 1})
    authors = Counter(doc["author"] for doc in posts.find({}, {"author": 1}))
    author_id, author_posts = authors.most_common(1)[0]
    tags = Counter(tag for doc in posts.find({}, {"tags": 1}) for tag in doc.get("tags", []))
    tag, tag_posts = tags.most_common(1)[0]
    # Posts nobody asked for yet: each request of the "miss" row renders one.
    others = [
        str(doc["_id"])
        for doc in posts.find({"_id": {"$ne": busy["_id"]}}, {"_id": 1}).sort("_id", 1).limit(MISS_POSTS)
    ]
    image = posts.database["fs.files"].find_one(
        {"metadata.content_type": {"$regex": "^image/"}}, sort=[("length", -1)]
    )
    top = posts.find_one({}, {"comment_count": 1}, sort=[("comment_count", -1), ("_id", 1)])
    return {
        "top_post_id": str(top["_id"]),
        "top_post_comments": top["comment_count"],
        "post_id": str(busy["_id"]),
        "post_comments": busy["comment_count"],
        "username": User.objects(id=author_id).first().username,
        "user_posts": author_posts,
        "tag": tag,
        "tag_posts": tag_posts,
        "search": tag.split()[0],
        "image_id": str(image["_id"]) if image else None,
        "miss_post_ids": others,
        "login_email": "demo@example.com",
        "login_password": "demo-password",
    }


def dump_data():
    """The seeded content as plain JSON (posts in ``_id`` order), for
    another site to load: every name, text and time, no ids."""
    from site_app.models import Post, User

    stored = list(User._get_collection().find({}).sort("_id", 1))
    names = {doc["_id"]: doc["username"] for doc in stored}
    users = [
        {
            "username": d["username"],
            "email": d["email"],
            "name": d.get("name") or "",
            "location": d.get("location") or "",
            "about_me": d.get("about_me") or "",
            "member_since": d["member_since"].isoformat(),
            # references are ObjectIds (or DBRefs, written by older code)
            "following": [
                names[getattr(ref, "id", ref)]
                for ref in d.get("following", [])
                if getattr(ref, "id", ref) in names
            ],
        }
        for d in stored
    ]
    posts = []
    for doc in Post._get_collection().find({}).sort("_id", 1):
        posts.append(
            {
                "id": str(doc["_id"]),
                "author": names.get(doc["author"]),
                "title": doc["title"],
                "body": doc["body"],
                "timestamp": doc["timestamp"].isoformat(),
                "comments": [
                    {
                        "author": names.get(c.get("author")),
                        "body": c["body"],
                        "timestamp": c["timestamp"].isoformat(),
                        "disabled": bool(c.get("disabled")),
                    }
                    for c in doc.get("comments", [])
                ],
            }
        )
    return {"users": users, "posts": posts}


class ServerTiming:
    """WSGI middleware: ``X-Server-Ms``, the time from the request reaching
    the app to its headers being ready (the share of it spent in the
    database is ``X-DB-Time-Ms``)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()

        def timed_start_response(status, headers, exc_info=None):
            headers.append(("X-Server-Ms", f"{(time.perf_counter() - started) * 1000:.2f}"))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, timed_start_response)


app = build_app()
app.wsgi_app = ServerTiming(app.wsgi_app)
if os.environ.get("BENCH_SEED"):
    _ids = seed(app, parse_sizes(os.environ["BENCH_SEED"]))
    if os.environ.get("BENCH_DUMP_FILE"):
        with app.app_context():
            Path(os.environ["BENCH_DUMP_FILE"]).write_text(json.dumps(dump_data()))
    if os.environ.get("BENCH_IDS_FILE"):
        Path(os.environ["BENCH_IDS_FILE"]).write_text(json.dumps(_ids))
