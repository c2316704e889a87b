"""Every query the main pages and API calls send is served by an index
declared on its document, so no page needs a collection scan on a real
MongoDB server.

The app's own recorder (``site_app.dbstats``) keeps the filter and sort of
every operation; a small matcher checks each shape against the declared
indexes: the equality fields of the filter form a prefix of an index and the
sort follows right after them (in either direction). ``_id`` lookups are
always indexed; ``$text`` needs the text index. The embedded backend has no
``$text``, so search's query for real MongoDB is checked from the function
that builds it. The shapes seen are listed in BENCHMARKS.md.
"""

import base64
import io
import os
import re
import time

import pyotp
import pytest

from site_app import dbstats
from site_app.media.indexes import ensure_media_indexes
from site_app.models import Bookmark, Like, Notification, Post, Role, User
from site_app.models.audit import AuditEntry
from site_app.models.blocks import MemberRule
from site_app.models.post_days import PostDay
from site_app.models.reports import Report
from site_app.search import text_query
from site_app.seed import DEMO_PASSWORD, SeedSizes, seed_database

DOCUMENTS = {
    document._get_collection_name(): document
    for document in (Post, User, Role, Like, Bookmark, Notification, Report, MemberRule, AuditEntry, PostDay)
}
# Tiny, fixed collections: reading them whole is fine.
SMALL_COLLECTIONS = {"roles"}
_EQUALITY_OPERATORS = {"$eq", "$in", "$all"}
# Known scans, each with its reason (listed in BENCHMARKS.md). Any other
# unindexed query fails this test.
KNOWN_SCANS = {
    # Seeding on top of existing data must avoid every email and username
    # already taken: one read of the whole collection, by a bulk command.
    ("seed", "users", "find"),
    # pymongo's GridFS asks for any one document (limit 1) before each file
    # it stores, to learn whether it must build its indexes: not a scan,
    # but the recorder keeps no limit.
    ("seed", "fs.files", "find"),
    ("seed", "fs.files", "find_one"),
    ("seed", "fs.chunks", "find"),
    ("seed", "fs.chunks", "find_one"),
    # The same before the export job stores its zip.
    ("/account/export", "fs.files", "find"),
    ("/account/export", "fs.files", "find_one"),
    ("/account/export", "fs.chunks", "find"),
    ("/account/export", "fs.chunks", "find_one"),
    # The same for the upload an import keeps and the images it stores.
    ("/import", "fs.files", "find"),
    ("/import", "fs.files", "find_one"),
    ("/import", "fs.chunks", "find"),
    ("/import", "fs.chunks", "find_one"),
    # Once ever (then recorded as done): posts from before post_bytes get
    # their size and the files their body links to.
    ("deploy", "posts", "find"),
}


def declared_indexes(collection_name, database):
    """Key lists of the indexes declared for a collection."""
    document = DOCUMENTS.get(collection_name)
    if document is not None:
        # Every collection has its _id index (batches of a whole collection
        # by _id: the repair of counts).
        return [[("_id", 1)], *(list(spec["fields"]) for spec in document._meta["index_specs"])]
    # GridFS collections: the indexes the media module declares.
    info = database[collection_name].index_information()
    return [list(index["key"]) for name, index in info.items() if name != "_id_"]


def split_filter(filter_):
    """``(equality fields, range fields, text)`` of one conjunctive filter,
    or a list of such for a top-level ``$or`` (each branch needs an index)."""
    equality, ranges, text = [], [], False
    for key, value in (filter_ or {}).items():
        if key == "$and":
            for part in value:
                e, r, t = split_filter(part)
                equality += e
                ranges += r
                text = text or t
        elif key == "$text":
            text = True
        elif key == "$expr":
            continue  # checked on the documents the other fields select
        elif key.startswith("$"):
            raise AssertionError(f"unexpected top-level operator {key} in {filter_}")
        elif isinstance(value, dict) and value and all(k.startswith("$") for k in value):
            (equality if set(value) <= _EQUALITY_OPERATORS else ranges).append(key)
        elif isinstance(value, re.Pattern):
            ranges.append(key)
        else:
            equality.append(key)
    return equality, ranges, text


def pipeline_shape(pipeline):
    """``(filter, sort)`` an aggregation starts with: its leading ``$match``
    and a ``$sort`` right after it (what an index can serve)."""
    filter_, sort = {}, None
    stages = list(pipeline or [])
    if stages and "$match" in stages[0]:
        filter_ = stages.pop(0)["$match"]
    if stages and "$sort" in stages[0]:
        sort = list(stages[0]["$sort"].items())
    return filter_, sort


def _or_raised(filter_):
    """An ``$or`` inside an ``$and`` (MongoEngine's ``Q`` objects write
    them so: a page by key) lifted to the top level, as the planner
    distributes it."""
    parts = (filter_ or {}).get("$and")
    if not parts or not any("$or" in part for part in parts):
        return filter_
    merged = {k: v for k, v in filter_.items() if k != "$and"}
    rest = [part for part in parts if "$or" not in part]
    (branches,) = [part["$or"] for part in parts if "$or" in part]
    return {**merged, "$and": rest, "$or": branches} if rest else {**merged, "$or": branches}


def served_by_index(indexes, filter_, sort, small=False):
    """True when some declared index serves this filter and sort."""
    filter_ = _or_raised(filter_)
    if filter_ and "$or" in filter_:
        rest = {k: v for k, v in filter_.items() if k != "$or"}
        return all(served_by_index(indexes, {**rest, **branch}, sort, small) for branch in filter_["$or"])
    equality, ranges, text = split_filter(filter_)
    if "_id" in equality:
        return True
    if text:
        return any(direction == "text" for keys in indexes for _field, direction in keys)
    sort = [(field, direction) for field, direction in (sort or []) if field not in equality]
    if not equality and not ranges and not sort:
        return small
    for keys in indexes:
        # The index's leading keys bound by equality (further equality
        # fields are checked on the few documents the bounds select).
        n = next((i for i, (field, _) in enumerate(keys) if field not in equality), len(keys))
        if equality and n == 0:
            continue
        after = keys[n : n + len(sort)]
        if sort and not (after == sort or after == [(f, -d) for f, d in sort]):
            continue
        if not equality and not sort and keys[0][0] not in ranges:
            continue
        return True
    return False


def test_the_matcher_knows_an_index_from_a_scan():
    indexes = [[("author", 1), ("timestamp", -1)], [("timestamp", -1)], [("title", "text")]]
    assert served_by_index(indexes, {"author": 1}, [("timestamp", -1)])
    assert served_by_index(indexes, {"author": {"$in": [1, 2]}}, [("timestamp", 1)])
    assert served_by_index(indexes, {}, [("timestamp", -1)])
    assert served_by_index(indexes, {"_id": 5, "body": "x"}, None)
    assert served_by_index(indexes, {"$text": {"$search": "x"}}, None)
    assert not served_by_index(indexes, {"body": "x"}, None)
    assert not served_by_index(indexes, {"author": 1}, [("title", 1)])
    assert not served_by_index(indexes, {}, None)
    assert not served_by_index(indexes, {"$or": [{"author": 1}, {"body": "x"}]}, None)
    assert served_by_index(indexes, {"author": 1, "body": "x"}, [("timestamp", -1)])
    assert not served_by_index(indexes, {}, [("timestamp", -1), ("_id", -1)])
    assert served_by_index(indexes + [[("timestamp", -1), ("_id", -1)]], {}, [("timestamp", -1), ("_id", -1)])


@pytest.fixture
def site(app, app_context):
    """A small seeded site with the media indexes in place."""
    app.config["DB_OPS_HEADER"] = False  # the test records around each request itself
    ensure_media_indexes()
    seed_database(SeedSizes(users=12, posts=40, comments=300, follows=40, images=2), rng_seed=3)
    return app


def _basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _shape_text(filter_):
    """A filter with its values replaced by their kind, for the listing."""
    if isinstance(filter_, list):
        return "[" + ", ".join(next(iter(stage)) for stage in filter_) + "]"
    if not isinstance(filter_, dict):
        return str(filter_)
    return (
        "{"
        + ", ".join(
            f"{k}: {'{' + ', '.join(v) + '}' if isinstance(v, dict) else '…'}" for k, v in filter_.items()
        )
        + "}"
    )


def _visit(client, requests_):
    """Run ``(method, path, kwargs)`` requests; return every shape seen."""
    shapes = []
    for method, path, kwargs in requests_:
        with dbstats.recording() as ops:
            response = client.open(path, method=method, **kwargs)
        assert response.status_code < 400, (method, path, response.status_code)
        shapes += [(method, path, *operation) for operation in ops.operations]
        adapter = client.application.url_map.bind("localhost")
        VISITED.add(adapter.match(path.split("?")[0], method=method)[0])
    return shapes


VISITED = set()  # endpoints the tests below visit, for the last test of the module


def test_every_page_and_api_query_is_served_by_an_index(site, client):
    post = Post.objects(comment_count__gte=2).exclude("comments").first()
    comment_id = Post.objects(id=post.id).first().comments[0].id
    author = post.author
    tag = post.tags[0] if post.tags else "python"
    image = site.extensions["site_db"]["db"]["fs.files"].find_one()
    reader = User.objects(username="demo").first()
    moderator = User.objects(username="moderator").first()

    anonymous = [
        ("GET", "/", {}),
        ("GET", "/?page=2", {}),
        ("GET", f"/post/{post.id}", {}),
        ("GET", f"/post/{post.id}?page=-1", {}),
        ("GET", f"/comment/{comment_id}", {}),
        ("GET", f"/user/{author.username}", {}),
        ("GET", f"/followers/{author.username}", {}),
        ("GET", f"/following/{author.username}", {}),
        ("GET", f"/tag/{tag}", {}),
        ("GET", "/feed.atom", {}),
        ("GET", f"/user/{author.username}/feed.atom", {}),
        ("GET", f"/tag/{tag}/feed.atom", {}),
        ("GET", "/sitemap.xml", {}),
        ("GET", "/robots.txt", {}),
        ("GET", "/favicon.ico", {}),
        ("GET", f"/avatar/{author.username}", {}),
        ("GET", f"/files/{image['_id']}", {}),
    ]
    shapes = _visit(client, anonymous)

    client.post("/auth/login", data={"email": reader.email, "password": DEMO_PASSWORD})
    shapes += _visit(
        client,
        [
            ("GET", "/followed", {}),
            ("GET", "/drafts", {}),
            ("GET", f"/search?q={tag}", {}),
            ("POST", f"/post/{post.id}", {"data": {"body": f"An indexed comment, @{author.username}"}}),
            (
                "POST",
                f"/post/{post.id}",
                {"data": {"body": "An indexed reply", "parent_id": str(comment_id)}},
            ),
            *[
                ("POST", f"/post/{post.id}", {"data": {"body": "Sent twice", "submission": "n1"}}),
                (
                    "POST",
                    "/write",
                    {"data": {"title": "Sent twice", "body": "Once", "tags": "", "submission": "n2"}},
                ),
            ]
            * 2,
            ("POST", f"/follow/{author.username}", {}),
            ("POST", f"/unfollow/{author.username}", {}),
            ("GET", "/notifications", {}),
            ("POST", "/language", {"data": {"lang": "es", "next": "/"}}),
            ("GET", "/stats", {}),
        ],
    )
    mine = [c for c in Post.objects(id=post.id).first().comments if c.author.id == reader.id]
    assert [c.body for c in mine].count("Sent twice") == 1
    on_post = f"/post/{post.id}/comment"
    shapes += _visit(
        client,
        [
            ("GET", f"{on_post}/{mine[0].id}/edit", {}),
            ("POST", f"{on_post}/{mine[0].id}/edit", {"data": {"body": "Edited, indexed"}}),
            ("POST", f"{on_post}/{mine[1].id}/delete", {}),
        ],
    )
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": moderator.email, "password": DEMO_PASSWORD})
    shapes += _visit(
        client,
        [
            ("GET", "/moderate", {}),
            ("GET", "/moderate?show=all", {}),
            ("POST", f"{on_post}/{comment_id}/disable", {}),
            ("GET", "/moderate?show=hidden", {}),
            ("POST", f"{on_post}/{comment_id}/enable", {}),
        ],
    )
    client.post("/auth/logout")

    token = client.post("/api/v1/tokens/", headers=_basic(reader.email, DEMO_PASSWORD)).get_json()
    api = {"headers": _basic(token["token"], "")}
    shapes += _visit(
        client,
        [
            ("GET", "/api/v1/posts/", api),
            ("GET", "/api/v1/posts/?page=2", api),
            ("GET", f"/api/v1/posts/{post.id}", api),
            ("GET", f"/api/v1/posts/{post.id}/comments/", api),
            ("GET", "/api/v1/comments/", api),
            ("GET", f"/api/v1/posts/{post.id}/comments/{comment_id}", api),
            ("GET", f"/api/v1/users/{author.id}", api),
            ("GET", f"/api/v1/users/{author.id}/posts/", api),
            ("GET", f"/api/v1/users/{reader.id}/timeline/", api),
            ("POST", f"/api/v1/posts/{post.id}/comments/", {**api, "json": {"body": "via API"}}),
            ("GET", "/api/v1/notifications/", api),
            *[
                (
                    "POST",
                    f"/api/v1/posts/{post.id}/comments/",
                    {"headers": {**api["headers"], "Idempotency-Key": "k1"}, "json": {"body": "keyed"}},
                )
            ]
            * 2,
        ],
    )
    via_api = Post.objects(id=post.id).first().comments[-1].id
    shapes += _visit(
        client,
        [
            (
                "PUT",
                f"/api/v1/posts/{post.id}/comments/{via_api}",
                {**api, "json": {"body": "edited via API"}},
            ),
            ("DELETE", f"/api/v1/posts/{post.id}/comments/{via_api}", api),
        ],
    )

    unserved = _unserved(shapes, site.extensions["site_db"]["db"])
    assert not unserved, "queries without an index:\n" + "\n".join(unserved)
    assert len(shapes) > 40


# Operations that select no documents (index upkeep, inserts, metadata
# counts), named as on either backend: method names on the embedded one,
# wire commands through the driver.
_NOT_QUERIES = {
    "insert_one",
    "insert_many",
    "insert",
    "estimated_document_count",
    "createIndexes",
    "listIndexes",
    "create_index",
    "index_information",
}


def _unserved(shapes, database):
    """The shapes no declared index serves, as readable lines."""
    unserved = []
    for method, path, collection, operation, filter_, sort in shapes:
        if operation in _NOT_QUERIES:
            continue  # no filter, or the count comes from collection metadata
        if operation == "aggregate":
            filter_, sort = pipeline_shape(filter_)
        if (path.split("?")[0], collection, operation) in KNOWN_SCANS:
            continue
        indexes = declared_indexes(collection, database)
        if not served_by_index(indexes, filter_, sort, small=collection in SMALL_COLLECTIONS):
            unserved.append(f"{method} {path}: {collection}.{operation} filter={filter_} sort={sort}")
    if os.environ.get("PRINT_QUERY_SHAPES"):  # the list in BENCHMARKS.md
        for shape in sorted({(c, o, _shape_text(f), str(s)) for _m, _p, c, o, f, s in shapes}):
            print(" | ".join(shape))
    return unserved


def _run_commands(runner, commands):
    """Run CLI commands; return every shape seen, labelled by command."""
    shapes = []
    for args in commands:
        with dbstats.recording() as ops:
            result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)
        command = " ".join(arg for arg in args if not arg.startswith("-") and not arg.isdigit())
        shapes += [("CLI", command, *operation) for operation in ops.operations]
    return shapes


def test_every_admin_page_and_command_query_is_served_by_an_index(site, client, runner):
    admin = User.objects(username="admin").first()
    post = Post.objects(comment_count__gte=2).exclude("comments").first()
    client.post("/auth/login", data={"email": admin.email, "password": DEMO_PASSWORD})

    shapes = _visit(
        client,
        [
            ("GET", "/admin/", {}),
            ("GET", "/admin/admin_users/", {}),
            ("GET", "/admin/admin_posts/", {}),
            ("GET", f"/admin/admin_posts/edit/?id={post.id}", {}),
            ("GET", "/admin/comments/", {}),
            ("GET", "/admin/files/", {}),
            ("GET", "/admin/admin_roles/", {}),
        ],
    )
    site.config["NOTIFICATION_DIGEST"] = True
    shapes += _run_commands(
        runner,
        [
            ["notifications", "digest"],
            ["deploy"],
            ["media", "gc", "--dry-run"],
            ["media", "gc"],
            ["seed", "--users", "3", "--posts", "4", "--comments", "6", "--follows", "2", "--images", "1"],
        ],
    )

    unserved = _unserved(shapes, site.extensions["site_db"]["db"])
    assert not unserved, "queries without an index:\n" + "\n".join(unserved)
    assert {path for _m, path, *_rest in shapes} >= {"/admin/", "media gc", "deploy"}


def test_likes_bookmarks_and_explore_are_served_by_indexes(site, client):
    """Liking (page and API), bookmarking, the bookmarks and explore pages,
    and what deleting a post or an account removes with it."""
    reader = User.objects(username="demo").first()
    post = Post.objects(author__ne=reader.id).exclude("comments").first()
    mine = Post.objects(author=reader.id).exclude("comments").first()
    Like.add(mine, User.objects(username="moderator").first())
    shapes = _visit(client, [("GET", "/explore", {})])
    client.post("/auth/login", data={"email": reader.email, "password": DEMO_PASSWORD})
    shapes += _visit(
        client,
        [
            ("POST", f"/post/{post.id}/like", {}),
            ("POST", f"/bookmark/{post.id}", {}),
            ("GET", "/bookmarks", {}),
            ("GET", f"/post/{post.id}", {}),
            ("GET", "/explore", {}),
            ("POST", f"/post/{post.id}/like", {"headers": {"Accept": "application/json"}}),
            ("POST", f"/delete/{mine.id}", {}),
            ("PUT", f"/api/v1/posts/{post.id}/like", {"headers": _basic(reader.email, DEMO_PASSWORD)}),
            ("DELETE", f"/api/v1/posts/{post.id}/like", {"headers": _basic(reader.email, DEMO_PASSWORD)}),
        ],
    )
    # The writer of the post just read and liked: /stats reads its days and likes.
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": post.author.email, "password": DEMO_PASSWORD})
    shapes += _visit(client, [("GET", "/stats", {})])
    assert {"post_days", "likes", "posts"} <= {
        collection for _m, path, collection, *_rest in shapes if path == "/stats"
    }
    with dbstats.recording() as ops:
        Like.add(post, reader)
        reader.delete()
    shapes += [("MODEL", "delete account", *operation) for operation in ops.operations]

    unserved = _unserved(shapes, site.extensions["site_db"]["db"])
    assert not unserved, "queries without an index:\n" + "\n".join(unserved)
    collections = {collection for _m, _p, collection, *_rest in shapes}
    assert {"likes", "bookmarks"} <= collections


def test_search_on_mongodb_uses_the_text_index():
    """The embedded backend matches words itself; on MongoDB search is one
    ``$text`` query sorted by score, served by the ``post_text`` index."""
    filter_, _projection, sort = text_query(["lantern", "light"])
    indexes = [list(spec["fields"]) for spec in Post._meta["index_specs"]]
    assert served_by_index(indexes, filter_, None)
    # Drafts are left out as on every list (models/drafts.py).
    assert filter_ == {"$text": {"$search": "lantern light"}, "draft": {"$in": [False, None]}}
    assert sort[0][0] == "score"


def test_the_suggestions_of_an_empty_followed_tab_are_served_by_indexes(site, client):
    newcomer = User.register(email="newcomer@example.com", username="newcomer", password=DEMO_PASSWORD)
    newcomer.confirmed = True
    newcomer.save()
    client.post("/auth/login", data={"email": newcomer.email, "password": DEMO_PASSWORD})
    shapes = _visit(client, [("GET", "/followed", {})])
    assert any(collection == "users" for _m, _p, collection, *_rest in shapes)
    unserved = _unserved(shapes, site.extensions["site_db"]["db"])
    assert not unserved, "queries without an index:\n" + "\n".join(unserved)


def test_scheduled_publishing_is_served_by_indexes(site, client, runner, monkeypatch):
    """Scheduling on the write and edit pages, the drafts page, cancelling,
    and ``publish-due`` (drafts whose time came, by the partial
    ``scheduled_drafts`` index)."""
    from datetime import UTC, datetime, timedelta

    writer = User.objects(username="demo").first()
    client.post("/auth/login", data={"email": writer.email, "password": DEMO_PASSWORD})
    soon = f"{datetime.now(UTC) + timedelta(hours=2):%Y-%m-%dT%H:%M}"
    shapes = _visit(
        client,
        [
            (
                "POST",
                "/write",
                {
                    "data": {
                        "title": "Later",
                        "body": "In two hours.",
                        "publish_at": soon,
                        "submit": "Publish",
                    }
                },
            )
        ],
    )
    post = Post.objects(title="Later", author=writer.id).exclude("comments").first()
    shapes += _visit(
        client,
        [
            ("GET", "/drafts", {}),
            (
                "POST",
                f"/edit/{post.id}",
                {"data": {"title": "Later", "body": "Still.", "publish_at": soon, "submit": "Publish"}},
            ),
            ("POST", f"/unschedule/{post.id}", {}),
        ],
    )
    Post.objects(id=post.id).update_one(set__publish_at=datetime(2020, 1, 1))
    shapes += _run_commands(runner, [["publish-due"]])
    assert Post.objects(id=post.id).first().draft is False
    unserved = _unserved(shapes, site.extensions["site_db"]["db"])
    assert not unserved, "queries without an index:\n" + "\n".join(unserved)
    assert any(path == "publish-due" and collection == "posts" for _m, path, collection, *_rest in shapes)


def _from_the_post(filter_):
    """Whether a posts query names its post (one shard of a cluster sharded
    by post): ``_id`` in the filter, or in an aggregation's first ``$match``."""
    if isinstance(filter_, list):
        filter_ = pipeline_shape(filter_)[0]
    return "_id" in (filter_ or {})


def test_a_comment_addressed_with_its_post_is_found_from_the_post(site, client):
    """Edit, delete, hide, show, the permalink and the API's comment by id
    start from the post's _id; only the old addresses (the comment's id
    alone) look the post up first, once, through ``comments.id``."""
    post = Post.objects(comment_count__gte=3).exclude("comments").first()
    comments = Post.objects(id=post.id).first().comments
    author = comments[0].author
    moderator = User.objects(username="moderator").first()
    on_post = f"/post/{post.id}/comment"
    client.post("/auth/login", data={"email": author.email, "password": DEMO_PASSWORD})
    mine = [c for c in comments if c.author == author]
    api = {"headers": _basic(author.email, DEMO_PASSWORD)}
    visits = [
        ("GET", f"{on_post}/{mine[0].id}", {}),
        ("GET", f"{on_post}/{mine[0].id}/edit", {}),
        ("POST", f"{on_post}/{mine[0].id}/edit", {"data": {"body": "Edited from the post"}}),
        ("GET", f"/api/v1/posts/{post.id}/comments/{mine[0].id}", api),
        (
            "PUT",
            f"/api/v1/posts/{post.id}/comments/{mine[0].id}",
            {**api, "json": {"body": "edited via API"}},
        ),
        ("POST", f"{on_post}/{mine[0].id}/delete", {}),
    ]
    shapes = _visit(client, visits)
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": moderator.email, "password": DEMO_PASSWORD})
    other = next(c for c in comments if c.id != mine[0].id)
    shapes += _visit(
        client, [("POST", f"{on_post}/{other.id}/disable", {}), ("POST", f"{on_post}/{other.id}/enable", {})]
    )
    scattered = [
        f"{m} {p}: {o} {f}"
        for m, p, collection, o, f, _s in shapes
        if collection == "posts" and o not in _NOT_QUERIES and not _from_the_post(f)
    ]
    assert not scattered, "comment lookups not started from the post:\n" + "\n".join(scattered)

    old = _visit(client, [("POST", f"/moderate/disable/{other.id}", {})])
    assert len([o for _m, _p, c, o, f, _s in old if c == "posts" and not _from_the_post(f)]) == 1


def test_two_factor_and_the_sessions_page_are_served_by_indexes(site, client):
    """Turning two-factor on, signing in with a code (page and API), the
    list of where an account is signed in and signing one session out."""
    reader = User.objects(username="demo").first()
    login = {"data": {"email": reader.email, "password": DEMO_PASSWORD}}
    other_browser = site.test_client()
    other_browser.post("/auth/login", **login)
    client.post("/auth/login", **login)
    setup = client.get("/auth/two-factor").get_data(as_text=True)
    totp = pyotp.TOTP(re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', setup).group(1))
    shapes = _visit(client, [("GET", "/auth/two-factor/qr.svg", {})])
    with dbstats.recording() as ops:
        enabled = client.post("/auth/two-factor", data={"code": totp.now()})
    shapes += [("POST", "/auth/two-factor", *operation) for operation in ops.operations]
    recovery_code = re.search(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", enabled.text).group(1)
    shapes += _visit(
        client,
        [
            ("POST", "/auth/logout", {}),
            ("POST", "/auth/login", login),
            ("POST", "/auth/two-factor/verify", {"data": {"code": recovery_code}}),
            ("GET", "/auth/sessions", {}),
        ],
    )
    page = client.get("/auth/sessions").get_data(as_text=True)
    here = re.search(r"This device.*?/auth/sessions/([0-9a-f]{64})/", page, re.DOTALL).group(1)
    other = next(key for key in re.findall(r"/auth/sessions/([0-9a-f]{64})/", page) if key != here)
    shapes += _visit(
        client,
        [
            ("POST", f"/auth/sessions/{other}/sign-out", {}),
            (
                "POST",
                "/api/v1/tokens/",
                {"headers": {**_basic(reader.email, DEMO_PASSWORD), "X-TOTP": totp.at(time.time() + 30)}},
            ),
        ],
    )
    collections = {collection for _m, _p, collection, *_rest in shapes}
    assert {"two_factor", "sessions"} <= collections
    unserved = _unserved(shapes, site.extensions["site_db"]["db"])
    assert not unserved, "queries without an index:\n" + "\n".join(unserved)


def test_subscribing_mailing_and_the_writers_list_are_served_by_indexes(site, client, outbox):
    """A reader subscribes and confirms, a follower switches email on, the
    writer publishes (one batch mailed), reads, exports and imports the
    list; a mail's one-click unsubscribe."""
    reader = User.objects(username="demo").first()
    writer = (
        User.objects(username=reader.following[0].username).first()
        if reader.following
        else User.objects(username__ne="demo").first()
    )
    site.config["SITE_URL"] = "https://blog.example"
    shapes = _visit(
        client, [("POST", f"/user/{writer.username}/subscribe", {"data": {"email": "reader@example.com"}})]
    )
    confirm = re.search(r"https://blog\.example(/subscriptions/confirm/\S+)", outbox[-1].body).group(1)
    shapes += _visit(client, [("GET", confirm, {}), ("POST", confirm, {})])
    client.post("/auth/login", data={"email": reader.email, "password": DEMO_PASSWORD})
    client.post(f"/follow/{writer.username}")
    shapes += _visit(
        client,
        [
            ("POST", f"/user/{writer.username}/email-on", {}),
            ("POST", f"/user/{writer.username}/email-off", {}),
        ],
    )
    client.post("/auth/logout")
    writer.password = DEMO_PASSWORD
    writer.save()
    client.post("/auth/login", data={"email": writer.email, "password": DEMO_PASSWORD})
    shapes += _visit(
        client,
        [
            ("POST", "/write", {"data": {"title": "Mailed", "body": "To subscribers.", "tags": ""}}),
            ("GET", "/subscribers", {}),
            ("GET", "/subscribers.csv", {}),
            ("POST", "/subscribers/settings", {"data": {"whole_post": "y"}}),
            (
                "POST",
                "/subscribers/import",
                {"data": {"file": (io.BytesIO(b"new@example.com\n"), "list.csv")}},
            ),
        ],
    )
    letter = next(m for m in outbox if m.subject == "Mailed")
    unsubscribe = re.search(r"https://blog\.example(/\S+)>", letter.extra_headers["List-Unsubscribe"])
    shapes += _visit(client, [("GET", unsubscribe.group(1), {}), ("POST", unsubscribe.group(1), {})])
    collections = {collection for _m, _p, collection, *_rest in shapes}
    assert {"subscriptions", "deliveries"} <= collections
    unserved = _unserved(shapes, site.extensions["site_db"]["db"])
    assert not unserved, "queries without an index:\n" + "\n".join(unserved)


def test_export_and_leaving_are_served_by_indexes(site, client):
    """A member's archive (streamed, and by a job), then their leaving:
    their posts, comments across posts, likes, follows both ways."""
    from site_app.models.exports import ExportJob

    commented = Post._get_collection().find_one({"comments.1": {"$exists": True}})
    author = User.objects(id=commented["comments"][0]["author"]).first()
    client.post("/auth/login", data={"email": author.email, "password": DEMO_PASSWORD})
    shapes = _visit(client, [("GET", "/account/export", {"buffered": True})])
    site.config["EXPORT_INLINE_MAX_BYTES"] = 0  # every account is large: the job
    shapes += _visit(client, [("GET", "/account/export", {})])
    job = ExportJob.latest_of(author.id)
    shapes += _visit(
        client,
        [
            ("GET", f"/account/export/{job.id}", {}),
            ("GET", f"/account/export/{job.id}/download", {"buffered": True}),
            ("GET", "/account/delete", {}),
            ("POST", "/account/delete", {"data": {"password": DEMO_PASSWORD}}),
        ],
    )
    assert User.objects(id=author.id).count() == 0
    assert {"posts", "likes", "users", "exports"} <= {c for _m, _p, c, *_rest in shapes}
    unserved = _unserved(shapes, site.extensions["site_db"]["db"])
    assert not unserved, "queries without an index:\n" + "\n".join(unserved)


# Routes no test above visits yet, so nothing checks their queries' indexes.
# A debt, listed so it cannot grow unseen: a new route is visited above or
# added here; a route visited above is taken off (the test says which).
def test_revisions_are_served_by_indexes(site, client):
    """A post's history: saving keeps a revision, the list, a diff, a
    restore, on the site and through the API."""
    from site_app.models.revisions import Revision

    post = Post.objects(draft__in=[False, None]).first()
    author = post.author
    client.post("/auth/login", data={"email": author.email, "password": DEMO_PASSWORD})
    shapes = _visit(
        client,
        [
            (
                "POST",
                f"/edit/{post.id}",
                {"data": {"title": post.title, "body": post.body + " (edited)", "tags": " ".join(post.tags)}},
            )
        ],
    )
    revision = Revision.objects(post=post.id).first()
    assert revision is not None
    api = {"headers": _basic(author.email, DEMO_PASSWORD)}
    base = f"/api/v1/posts/{post.id}/revisions"
    shapes += _visit(
        client,
        [
            ("GET", f"/post/{post.id}/revisions", {}),
            ("GET", f"/post/{post.id}/revisions?diff={revision.id}", {}),
            ("POST", f"/post/{post.id}/revisions/{revision.id}/restore", {}),
            ("GET", f"{base}/", api),
            ("GET", f"{base}/{revision.id}", api),
            ("POST", f"{base}/{revision.id}/restore", api),
        ],
    )
    assert "revisions" in {collection for _m, _p, collection, *_rest in shapes}
    unserved = _unserved(shapes, site.extensions["site_db"]["db"])
    assert not unserved, "queries without an index:\n" + "\n".join(unserved)


def test_an_import_and_its_progress_page_are_served_by_indexes(site, client):
    """An export zip imported (its job runs at once), run twice (the skip
    looks up source ids and canonical addresses), the run's page, the list."""
    import io

    from import_samples import inkwell_export, inkwell_post, png_bytes

    writer = Post.objects(draft__in=[False, None]).first().author
    client.post("/auth/login", data={"email": writer.email, "password": DEMO_PASSWORD})
    export = inkwell_export(
        {
            "2023-01-01-a": inkwell_post(
                "Imported",
                "![i](i.png)",
                "64a000000000000000000001",
                canonical_url="https://elsewhere.example/a",
            )
        },
        extra={"posts/2023-01-01-a/i.png": png_bytes()},
    )
    sent = {"data": {"file": (io.BytesIO(export), "export.zip")}, "content_type": "multipart/form-data"}
    again = {"data": {"file": (io.BytesIO(export), "export.zip")}, "content_type": "multipart/form-data"}
    shapes = _visit(client, [("POST", "/import", sent), ("POST", "/import", again)])
    from site_app.models.imports import ImportRun

    run = ImportRun.objects(owner=writer.id).first()
    shapes += _visit(client, [("GET", f"/import/{run.id}", {}), ("GET", "/import", {})])
    assert {"import_runs", "posts"} <= {collection for _m, _p, collection, *_rest in shapes}
    unserved = _unserved(shapes, site.extensions["site_db"]["db"])
    assert not unserved, "queries without an index:\n" + "\n".join(unserved)


# Not visited yet: the admin's job views (RQ's own registry, no MongoDB query)
# and /readyz (a ping of each store).
NOT_YET_VISITED = frozenset(
    """
    admin.static bootstrap.static static main.healthz api.openapi_json api_docs.docs_page
    admin_jobs.index admin_jobs.retry main.readyz
    admin_audit.action_view admin_audit.ajax_lookup admin_audit.ajax_update
    admin_audit.api_file_view admin_audit.create_view admin_audit.delete_view
    admin_audit.details_view admin_audit.edit_view admin_audit.export admin_audit.index_view
    admin_comments.delete admin_comments.hide admin_comments.show admin_files.delete
    admin_posts.action_view admin_posts.ajax_lookup admin_posts.ajax_update
    admin_posts.api_file_view admin_posts.create_view admin_posts.delete_view
    admin_posts.details_view admin_posts.export
    admin_roles.action_view admin_roles.ajax_lookup admin_roles.ajax_update
    admin_roles.api_file_view admin_roles.create_view admin_roles.delete_view
    admin_roles.details_view admin_roles.edit_view admin_roles.export
    admin_users.action_view admin_users.ajax_lookup admin_users.ajax_update
    admin_users.api_file_view admin_users.create_view admin_users.delete_view
    admin_users.details_view admin_users.edit_view admin_users.export
    api.create_post api.delete_comment api.delete_post api.edit_comment api.edit_post
    api.get_comment
    auth.change_email auth.change_email_request auth.change_password auth.confirm
    auth.logout_everywhere auth.password_reset auth.password_reset_request auth.register
    auth.resend_confirmation auth.two_factor_disable auth.two_factor_setup auth.unconfirmed
    blocks.block blocks.mute blocks.settings blocks.unblock blocks.unmute
    comments.delete_by_id comments.edit_by_id comments.enable_by_id
    follows.follow_tag follows.unfollow_tag main.show_all media.upload notifications.read_all
    posts.feeds posts.preview posts.publish posts.unpublish
    profiles.edit_profile profiles.edit_profile_admin reports.decide_reports reports.report
""".split()
)


def test_every_route_is_visited_above_or_listed_as_not_yet(site, request):
    """Last in the module: it reads what the tests above visited."""
    here = request.node.path
    ran = {item.originalname for item in request.session.items if item.path == here}
    above = {name for name, value in globals().items() if name.startswith("test_") and callable(value)} - {
        request.node.name
    }
    if not above <= ran:
        pytest.skip("the module's other tests did not all run")
    endpoints = {rule.endpoint for rule in site.url_map.iter_rules()}
    unchecked = sorted(endpoints - VISITED - NOT_YET_VISITED)
    assert not unchecked, f"visit these in a test above (or list them in NOT_YET_VISITED): {unchecked}"
    visited_now = sorted(NOT_YET_VISITED & VISITED)
    assert not visited_now, f"visited now: take these off NOT_YET_VISITED: {visited_now}"
