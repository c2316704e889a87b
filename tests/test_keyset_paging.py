"""Lists that grow with the site page by key: every page, the last one
included, reads the same documents (one page and one more) with no skip,
whatever the depth; old ``?page=N`` links keep working (small ones in
place, deep ones on the last page) and a reader walking older and newer
pages sees each post once."""

import re
from datetime import datetime, timedelta

import pytest
from helpers import basic_auth

from site_app import dbstats
from site_app.models import Post

PER_PAGE = 3
START = datetime(2026, 1, 1, 12, 0, 0)


@pytest.fixture
def site(app, make_user):
    """Forty posts a minute apart, four of them at one instant (the id
    breaks the tie), all tagged "sea", by "wendy"."""
    app.config["POSTS_PER_PAGE"] = PER_PAGE
    app.config["DB_OPS_HEADER"] = False  # the test records around each request itself
    writer = make_user("wendy")
    for n in range(40):
        post = Post.publish(writer, f"Post {n:02d}", "Body", tags="sea")
        moment = START + timedelta(minutes=min(n, 20))  # posts 20..39: one instant
        Post.objects(id=post.id).update_one(set__timestamp=moment)
    return writer


def _titles(text):
    return re.findall(r"Post \d\d(?=<)", text)


def _link(text, label):
    found = re.search(rf'href="([^"]+)" aria-label="{label}"', text)
    return found and found.group(1).replace("&amp;", "&")


def _walk(client, path, label):
    """Every title, following the ``label`` link from ``path`` to the end."""
    seen = []
    while path:
        text = client.get(path).text
        seen.append(_titles(text))
        path = _link(text, label)
    return seen


@pytest.mark.parametrize("path", ["/", "/tag/sea", "/user/wendy"])
def test_walking_older_then_newer_shows_every_post_once_in_order(client, site, path):
    newest_first = [f"Post {n:02d}" for n in [*range(39, 19, -1), *range(19, -1, -1)]]
    # Posts 20..39 share a moment: the newest id comes first.
    older = _walk(client, path, "Older page")
    assert [t for page in older for t in page] == newest_first
    assert all(len(page) == PER_PAGE for page in older[:-1])
    newer = _walk(client, path + ("&" if "?" in path else "?") + "page=-1", "Newer page")
    assert [t for page in reversed(newer) for t in page] == newest_first
    assert newer[0] == newest_first[-PER_PAGE:]  # the last page is full: the oldest three


@pytest.mark.parametrize("path", ["/", "/tag/sea", "/user/wendy", "/api/v1/posts/"])
def test_the_first_a_deep_and_the_last_page_read_the_same_without_skipping(client, site, path):
    headers = basic_auth("wendy@example.com", "correct horse battery") if "api" in path else {}
    first = client.get(path, headers=headers)
    deep = first
    for _ in range(8):  # eight pages down, by the "older" links
        deep = client.get(_next_link(deep), headers=headers)
    costs = {}
    for name, address in (("first", path), ("deep", _address(deep)), ("last", path + "?page=-1")):
        with dbstats.recording() as ops:
            response = client.get(address, headers=headers)
        assert response.status_code == 200, address
        costs[name] = (ops.count, ops.largest_skip, ops.documents)
    assert costs["first"] == costs["deep"] == costs["last"], costs
    assert costs["last"][0] > 0 and costs["last"][1] == 0


def _next_link(response):
    if response.is_json:
        return response.get_json()["next"]
    return _link(response.text, "Older page")


def _address(response):
    return response.request.full_path.rstrip("?")


def test_old_page_numbers_keep_working(client, site):
    assert _titles(client.get("/?page=2").text) == ["Post 36", "Post 35", "Post 34"]
    # Deeper than numbers are served: the old pager's far links were its
    # last page, and that is where they go.
    response = client.get("/tag/sea?page=11")
    assert response.status_code == 302 and response.location == "/tag/sea?page=-1"
    assert _titles(client.get("/tag/sea?page=-1").text) == ["Post 02", "Post 01", "Post 00"]


def test_a_malformed_key_is_the_first_page(client, site):
    first = _titles(client.get("/").text)
    for junk in ("nonsense", "2026-zz", "20260101120000000000-xyz"):
        assert _titles(client.get(f"/?after={junk}").text) == first
        assert _titles(client.get(f"/?before={junk}").text) == first


def test_keys_past_either_end_land_on_the_last_or_first_page(client, site):
    oldest = Post.objects(title="Post 00").first()
    newest = Post.objects(title="Post 39").first()
    past = client.get(f"/?after={oldest.timestamp:%Y%m%d%H%M%S%f}-{oldest.id}")
    assert past.status_code == 302 and past.location == "/?page=-1"
    before = client.get(f"/?before={newest.timestamp:%Y%m%d%H%M%S%f}-{newest.id}")
    assert before.status_code == 302 and before.location == "/"


def test_the_comment_queues_last_page_unwinds_a_bounded_number_of_posts(app, client, make_user):
    """``GET /api/v1/comments/?page=-1``: the posts are limited by their
    ``last_comment_at`` before their comments are unwound, so a site ten
    times larger costs the last page the same."""
    app.config["COMMENTS_PER_PAGE"] = 2
    app.config["DB_OPS_HEADER"] = False
    reader = make_user("rita")
    headers = basic_auth(reader.email, "correct horse battery")

    def last_page(posts):
        for n in range(posts):
            post = Post.publish(reader, f"Post {n}", "Body")
            post.add_comment(reader, f"Comment on {n}")
        with dbstats.recording() as ops:
            answer = client.get("/api/v1/comments/?page=-1", headers=headers).get_json()
        aggregations = [filter_ for _c, op, filter_, _s in ops.operations if op == "aggregate"]
        # Every one is bounded: none sums or walks the whole collection.
        assert all(any("$limit" in stage for stage in p) for p in aggregations), aggregations
        (pipeline,) = [p for p in aggregations if "$unwind" in str(p)]
        stages = [next(iter(stage)) for stage in pipeline]
        limit = pipeline[stages.index("$limit")]["$limit"]
        return answer, stages, limit, ops.documents

    small, stages, small_limit, small_documents = last_page(30)
    large, _stages, large_limit, large_documents = last_page(300)
    assert stages.index("$limit") < stages.index("$unwind")
    assert small_limit == large_limit == 20 + 50  # ten pages of two, and ties
    assert small_documents == large_documents
    # The deepest page served: the 19th and 20th newest comments.
    assert [c["body"] for c in large["comments"]] == ["Comment on 281", "Comment on 280"]


def _counts_on_posts(client, path, headers=None):
    with dbstats.recording() as ops:
        assert client.get(path, headers=headers or {}).status_code == 200
    return [
        filter_
        for collection, op, filter_, _s in ops.operations
        if collection == "posts" and op == "count_documents"
    ]


def _covered(filter_):
    """True when some posts index begins with exactly the filter's fields:
    MongoDB then counts index keys (COUNT_SCAN) and reads no post."""
    fields = set()
    for part in filter_.get("$and", [filter_]):
        fields |= set(part)
    prefixes = [{name for name, _ in spec["fields"][: len(fields)]} for spec in Post._meta["index_specs"]]
    return fields in prefixes


def test_a_tags_and_a_writers_post_counts_read_the_index_alone(client, site):
    """The tag index holds ``draft``: a count of a tag's published posts
    needs no post document (it fetched every post of the tag)."""
    for path in ("/tag/sea", "/user/wendy"):
        counts = _counts_on_posts(client, path)
        assert counts and all(_covered(filter_) for filter_ in counts), (path, counts)
    assert "40 posts" in client.get("/tag/sea").text
