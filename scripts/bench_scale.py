"""``scripts/bench.py --scale``: what each page costs the database at two
sizes of the site, in-process on the embedded backend.

    .venv/bin/python scripts/bench.py --scale                  # 2,000 and 20,000 posts
    .venv/bin/python scripts/bench.py --scale --scale-sizes 1000,10000

For each size it seeds a fresh site (a reader follows 500 writers) and
reads each page once, recording (``site_app.dbstats``): the database
commands, the documents they returned (other than the accounts shown), the
largest ``skip`` and whether an aggregation unwinds before it limits. A page whose figures differ between
the sizes costs more as the site grows; the table marks it.
"""

import base64
import sys
from collections import Counter

from bench_common import ROOT

FOLLOWED_WRITERS = 500
COLUMNS = ("commands", "documents", "largest skip", "unwinds before limit")
# The accounts shown (a card's author) number at most one a card, but how
# many distinct ones a page holds depends on who wrote it, not on the size
# of the site: left out of "documents".
SHOWN_ACCOUNTS = "users"


def _unwinds_before_limit(pipeline):
    stages = [next(iter(stage)) for stage in pipeline or [] if isinstance(stage, dict)]
    if "$unwind" not in stages:
        return False
    return "$limit" not in stages or stages.index("$unwind") < stages.index("$limit")


def _seed(posts):
    from site_app.models import Role, User
    from site_app.seed import SeedSizes, seed_database

    Role.insert_roles()
    seed_database(
        SeedSizes(
            users=FOLLOWED_WRITERS + 100, posts=posts, comments=posts, follows=FOLLOWED_WRITERS, images=0
        ),
        rng_seed=11,
    )
    reader = User.objects(username="demo").first()
    writers = [u.id for u in User.objects(id__ne=reader.id).only("id")[:FOLLOWED_WRITERS]]
    User.objects(id=reader.id).update_one(set__following=writers, set__following_total=len(writers))
    _reader_likes_every_post(reader)
    _show_hidden_comments()
    return reader


def _show_hidden_comments():
    """The seed hides a random 3% of comments; the API reads its caller's
    role only for a page holding a hidden one (may it see the text?), so
    that read would follow the draw, not the size of the site."""
    from site_app.models import Post

    posts = Post._get_collection()
    for post in list(posts.find({"comments.disabled": True}, {"comments": 1})):
        for comment in post["comments"]:
            comment["disabled"] = False
        posts.update_one({"_id": post["_id"]}, {"$set": {"comments": post["comments"]}})


def _reader_likes_every_post(reader):
    """The seeded likes are random, so whether the reader liked a card of a
    measured page would depend on the draw, not on the size of the site (it
    made one document more on three pages at 2,000 posts than at 10,000).
    Liked everywhere, "the reader's likes of the page" is one a card at any
    size: the most that query can return."""
    from site_app.models import Like, Post

    liked = set(Like._get_collection().distinct("post", {"user": reader.id}))
    missing = [post_id for post_id in Post.listing().scalar("id") if post_id not in liked]
    if missing:
        Like._get_collection().insert_many(
            [{"post": post_id, "user": reader.id} for post_id in missing], ordered=False
        )
        Post.objects(id__in=missing).update(inc__like_count=1)


def _pages(reader):
    from site_app.models import Post

    author, _ = Counter(p.author_id for p in Post.objects.only("author")).most_common(1)[0]
    tag, _ = Counter(t for p in Post.objects.only("tags") for t in p.tags).most_common(1)[0]
    from site_app.models import User

    username = User.objects(id=author).first().username
    return [
        ("home, first page", "/", None),
        ("home, last page", "/?page=-1", None),
        ("a tag", f"/tag/{tag}", None),
        ("a profile", f"/user/{username}", None),
        (f"followed feed ({FOLLOWED_WRITERS} writers)", "/followed", "demo"),
        ("moderation queue, last page", "/moderate?show=all&page=-1", "moderator"),
        ("API posts, last page", "/api/v1/posts/?page=-1", "api"),
        ("API a writer's posts, last page", f"/api/v1/users/{author}/posts/?page=-1", "api"),
        ("API timeline, last page", f"/api/v1/users/{reader.id}/timeline/?page=-1", "api"),
        ("API comments, last page", "/api/v1/comments/?page=-1", "api"),
    ]


def measure(posts):
    """``{page: (commands, documents, largest skip, unwinds before limit)}``."""
    from site_app import create_app, dbstats
    from site_app.seed import DEMO_PASSWORD

    app = create_app("testing", overrides={"DB_OPS_HEADER": False})
    with app.app_context():
        reader = _seed(posts)
        pages = _pages(reader)
    clients = {None: app.test_client()}
    for who in ("demo", "moderator"):
        clients[who] = app.test_client()
        clients[who].post("/auth/login", data={"email": f"{who}@example.com", "password": DEMO_PASSWORD})
    clients["api"] = clients[None]
    token = base64.b64encode(f"demo@example.com:{DEMO_PASSWORD}".encode()).decode()
    found = {}
    for name, path, who in pages:
        headers = {"Authorization": f"Basic {token}"} if who == "api" else {}
        client = clients[who]
        client.get(path, headers=headers)  # warm: the figures are per request, not per start
        with dbstats.recording() as ops:
            response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
        unwinds = any(
            _unwinds_before_limit(filter_) for _c, op, filter_, _s in ops.operations if op == "aggregate"
        )
        documents = ops.documents - ops.documents_by_collection.get(SHOWN_ACCOUNTS, 0)
        found[name] = (ops.count, documents, ops.largest_skip, "yes" if unwinds else "no")
    return found


def markdown(sizes, results):
    head = "| page | " + " | ".join(f"{c} ({n:,} posts)" for c in COLUMNS for n in sizes) + " | same |"
    rows = [head, "|" + " --- |" * (2 + len(COLUMNS) * len(sizes))]
    for page in results[sizes[0]]:
        figures = [results[n][page] for n in sizes]
        cells = [str(figures[j][i]) for i in range(len(COLUMNS)) for j in range(len(sizes))]
        same = "yes" if all(f == figures[0] for f in figures) else "**no**"
        rows.append(f"| {page} | " + " | ".join(cells) + f" | {same} |")
    return "\n".join(rows)


def run_scale(args):
    # In-process: the app is imported from the checkout, as the server is.
    sys.path.insert(0, str(ROOT))
    sizes = [int(n) for n in args.scale_sizes.split(",")]
    results = {n: measure(n) for n in sizes}
    print(markdown(sizes, results))
    same = all(results[n] == results[sizes[0]] for n in sizes)
    return 0 if same else 1
