"""Nobody can grow the page cache by inventing addresses: pages are kept
only under the query arguments their view reads, empty lists (unknown tags,
searches that find nothing) are never kept, and the in-process store holds
at most CACHE_MAX_BYTES."""

import pytest

from site_app.cache_stores import BoundedMemoryCache
from site_app.extensions import cache
from site_app.models import Post, User

MB = 1024 * 1024


@pytest.fixture
def app(make_app):
    app = make_app(CACHE_TYPE="SimpleCache")
    with app.app_context():
        writer = User(email="writer@example.com", username="writer", confirmed=True)
        writer.save()
        for number in range(25):  # two pages of the home page and the tag
            Post.publish(writer, f"Lamp post {number}", "A long enough body. " * 40, "lamp")
    return app


def stored_bytes(app):
    return app.extensions["cache"][cache].backend.size_bytes


# 10,000 requests (16 s): in `make test`, out of plain `pytest`'s fast tier;
# on one lane, as the store's bound does not depend on the database's driver;
# untraced by coverage (pytest-cov's no_cover: 38 s traced), as its code is
# the page cache's tests' again, ten thousand times.
@pytest.mark.slow
@pytest.mark.no_cover
@pytest.mark.embedded_only("the page cache's memory bound: one lane is enough")
def test_ten_thousand_junk_requests_add_less_than_5_mb(app):
    reader = app.test_client()
    for path in ("/", "/?page=2", "/tag/lamp", "/search?q=lamp"):  # the real pages, kept
        assert reader.get(path).status_code == 200
    before = stored_bytes(app)
    junk = [
        "/?utm_source=n{n}",
        "/tag/lamp?fbclid={n}",
        "/tag/junk{n}",
        "/search?q=nothing{n}",
        "/tag/junk{n}/feed.atom",
    ]
    for number in range(2000):
        for path in junk:
            response = reader.get(path.format(n=number))
            assert response.status_code == 200, path
    assert stored_bytes(app) - before < 5 * MB
    # The real pages are still served from the cache.
    assert reader.get("/?utm_campaign=x").headers["X-Page-Cache"] == "hit"
    assert reader.get("/?page=2&ref=y").headers["X-Page-Cache"] == "hit"


def test_a_page_is_kept_per_value_of_the_arguments_its_view_reads(app):
    reader = app.test_client()
    first, second = reader.get("/?page=1"), reader.get("/?page=2")
    assert "Lamp post 24" in first.text and "Lamp post 24" not in second.text
    assert reader.get("/?page=2&utm_source=x").headers["X-Page-Cache"] == "hit"
    assert "Lamp post 24" not in reader.get("/?page=2&utm_source=x").text
    found = reader.get("/search?q=lamp&ref=mail")
    assert "post 24" in found.text  # the matched word is marked: <mark>Lamp</mark>
    assert "post 24" not in reader.get("/search?q=nothing&ref=mail").text


def test_an_unknown_tag_is_answered_but_not_kept(app):
    reader = app.test_client()
    answers = [reader.get("/tag/never-used") for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert [a.headers["X-Page-Cache"] for a in answers] == ["miss", "miss"]
    assert int(answers[1].headers["X-DB-Ops"]) > 0


def test_the_store_holds_at_most_its_bytes_and_never_evicts_generations():
    store = BoundedMemoryCache(default_timeout=300, max_bytes=100_000)
    store.set("pc:gen:site", 7, timeout=0)
    for number in range(500):
        store.set(f"pc:page:{number}", b"x" * 1000)
        store.get("pc:page:0")  # read often: the least recently used go first
    assert store.size_bytes <= 100_000
    assert store.get("pc:gen:site") == 7
    assert store.get("pc:page:0") == b"x" * 1000
    assert store.get("pc:page:1") is None and store.get("pc:page:499") == b"x" * 1000
