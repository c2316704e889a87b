"""Readers without a session are served whole pages from the shared cache
(site_app/page_cache.py), and every write makes stale exactly the pages that
show what it changed (site_app/content_cache.py), at once."""

import gzip
import io
import re

import brotli
import pytest
from flask import render_template_string
from helpers import assert_compressed_answer_revalidates, signed_in_client
from PIL import Image

from site_app import content_cache
from site_app.extensions import cache
from site_app.models import Post, User
from site_app.page_cache import cached_page

PASSWORD = "correct horse battery"


# The in-process page cache on (testing turns it off).
pytestmark = pytest.mark.app_config(CACHE_TYPE="SimpleCache")


@pytest.fixture
def writer(make_user):
    return make_user("writer")


@pytest.fixture
def reader(app):
    """An anonymous reader: no session cookie, ever."""
    return app.test_client()


def visit(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, path
    return response


def page(client, path):
    # Search results mark the matched words: read them as the text they are.
    return re.sub(r"</?mark>", "", visit(client, path).get_data(as_text=True))


def served(client, path):
    """``(hit or miss, database operations)`` of one request."""
    response = visit(client, path)
    return response.headers.get("X-Page-Cache"), int(response.headers["X-DB-Ops"])


def hit_cost(path):
    """Database operations of a cached page: none, but a post page counts
    its view (one upsert, site_app/view_counting.py)."""
    return 1 if path.startswith("/post/") else 0


def writer_client(app, user):
    return signed_in_client(app, user)


# -- what is cached -----------------------------------------------------------


@pytest.fixture
def site(writer, make_user):
    post = Post.publish(writer, "Lamp post", "About a **lamp**", "lamp")
    friend = make_user("friend")
    friend.follow(writer)
    post.add_comment(friend, "A fine lamp")
    return post


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?page=1",
        "/post/{post}",
        "/post/{post}?page=-1",
        "/user/writer",
        "/followers/writer",
        "/following/friend",
        "/tag/lamp",
        "/search?q=lamp",
        "/feed.atom",
    ],
)
def test_a_second_anonymous_reader_costs_no_database_work(reader, site, path):
    path = path.format(post=site.id)
    status, ops = served(reader, path)
    assert status == "miss" and ops > 0
    assert served(reader, path) == ("hit", hit_cost(path))


def test_signed_in_readers_get_their_own_page_every_time(app, reader, site, writer):
    served(reader, "/")
    own = writer_client(app, writer)
    response = visit(own, "/")
    assert "X-Page-Cache" not in response.headers and int(response.headers["X-DB-Ops"]) > 0
    assert "Write a post" in response.get_data(as_text=True)


# -- signed-in and anonymous readers never see each other's page --------------


def test_a_signed_in_reader_never_gets_the_anonymous_page(app, reader, site, writer):
    for path in ("/", f"/post/{site.id}", "/user/writer", "/tag/lamp"):
        anonymous = page(reader, path)
        assert "Log in" in anonymous and "Log out" not in anonymous
        mine = page(writer_client(app, writer), path)
        assert "Log out" in mine and "Your profile" in mine, path


def test_an_anonymous_reader_never_gets_a_signed_in_page(app, reader, site, writer):
    own = writer_client(app, writer)
    for path in ("/", f"/post/{site.id}", "/user/writer", "/followers/writer"):
        assert "Log out" in page(own, path)
        anonymous = visit(reader, path)
        text = anonymous.get_data(as_text=True)
        assert "Log out" not in text and "Your profile" not in text, path
        assert 'name="body"' not in text  # no comment form
        assert "public" in anonymous.headers["Cache-Control"]


def test_a_reader_with_a_session_gets_their_own_flash_not_the_shared_page(app, reader, site, writer):
    browser = app.test_client()
    browser.post("/auth/login", data={"email": writer.email, "password": PASSWORD})
    browser.post("/auth/logout")  # signed out: the session now holds only the flash
    served(reader, "/")
    mine = visit(browser, "/")
    assert "X-Page-Cache" not in mine.headers
    assert "logged out" in mine.get_data(as_text=True).lower()
    assert "logged out" not in page(reader, "/").lower()


# -- HTTP validators ------------------------------------------------------------


def test_anonymous_pages_carry_validators_and_answer_304(reader, site, app):
    first = visit(reader, "/")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    cache_control = {d.strip() for d in first.headers["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=0", "must-revalidate", "s-maxage=0"}
    assert "Cookie" in first.vary and "Accept-Encoding" in first.vary

    again = reader.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and int(again.headers["X-DB-Ops"]) == 0

    Post.publish(site.author, "Brand new", "Body")
    changed = reader.get("/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_cdn_may_keep_an_anonymous_page_as_long_as_configured(site, app):
    app.config["PAGE_CACHE_S_MAXAGE"] = 30
    response = visit(app.test_client(), "/")
    assert "s-maxage=30" in response.headers["Cache-Control"]


def test_a_page_made_for_a_session_carries_no_shared_cache_header(app, site, writer):
    response = visit(writer_client(app, writer), "/")
    cache_control = {d.strip() for d in response.headers["Cache-Control"].split(",")}
    assert cache_control == {"private", "no-cache"}
    assert "ETag" not in response.headers and "Cookie" in response.vary


def test_a_compressed_page_answers_304_to_its_own_etag(reader, site):
    assert_compressed_answer_revalidates(reader, "/")


def test_a_kept_page_is_compressed_once_for_all_its_readers(reader, site):
    plain = visit(reader, "/").get_data()
    for encoding, decompress in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        response = reader.get("/", headers={"Accept-Encoding": encoding})
        assert response.headers["X-Page-Cache"] == "hit"
        assert response.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response.vary
        assert decompress(response.data) == plain


# -- per-response parts ---------------------------------------------------------


@pytest.fixture
def nonce_app(app):
    """A cached page with an inline script, as a later page may have."""

    @app.get("/with-script")
    @cached_page()
    def with_script():
        return render_template_string('<script nonce="{{ csp_nonce() }}">go()</script>')

    return app


@pytest.mark.fresh_app  # adds a route
def test_a_cached_page_gets_the_nonce_of_each_response(nonce_app):
    reader = nonce_app.test_client()
    seen = []
    for expected in ("miss", "hit", "hit"):
        response = visit(reader, "/with-script")
        assert response.headers["X-Page-Cache"] == expected
        header_nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])[1]
        assert f'nonce="{header_nonce}"' in response.get_data(as_text=True)
        seen.append(header_nonce)
        # The body differs per response: no shared cache may keep it.
        assert "private" in response.headers["Cache-Control"]
    assert len(set(seen)) == 3


@pytest.mark.fresh_app  # adds a route
def test_a_304_never_sends_a_policy_that_the_kept_body_does_not_match(nonce_app):
    reader = nonce_app.test_client()
    first = visit(reader, "/with-script")
    again = reader.get("/with-script", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and "Content-Security-Policy" not in again.headers


@pytest.mark.fresh_app  # adds a route
def test_a_page_that_writes_to_the_session_is_never_kept(app, site):
    @app.get("/with-token")
    @cached_page()
    def with_token():
        return render_template_string("{{ csrf_token() }}")

    app.config["WTF_CSRF_ENABLED"] = True
    first, second = app.test_client(), app.test_client()
    tokens = [visit(client, "/with-token") for client in (first, second)]
    assert tokens[0].get_data() != tokens[1].get_data()
    assert all("private" in t.headers["Cache-Control"] for t in tokens)


# -- every write shows at once, and only where it shows -------------------------


def test_a_comment_on_one_post_keeps_the_other_posts_cached(app, reader, writer, make_user):
    one = Post.publish(writer, "First topic", "Body", "lamp")
    other_writer = make_user("other")
    other = Post.publish(other_writer, "Second topic", "Body", "desk")
    for path in (f"/post/{one.id}", f"/post/{other.id}", "/user/other", "/tag/desk"):
        served(reader, path)
    commenter = writer_client(app, make_user("commenter"))
    assert commenter.post(f"/post/{one.id}", data={"body": "Hello there"}).status_code == 302

    assert "Hello there" in page(reader, f"/post/{one.id}")
    for path in (f"/post/{other.id}", "/user/other", "/tag/desk"):
        assert served(reader, path) == ("hit", hit_cost(path)), path


def test_a_new_post_shows_on_every_list_at_once(reader, site, writer):
    paths = ["/", "/user/writer", "/tag/lamp", "/search?q=lantern", "/feed.atom"]
    for path in paths:
        page(reader, path)
    Post.publish(writer, "The lantern", "A lantern", "lamp")
    for path in paths:
        assert "The lantern" in page(reader, path), path


def test_a_new_post_moves_the_older_pages_of_the_list(app, reader, writer):
    app.config["POSTS_PER_PAGE"] = 2
    for n in range(3):
        Post.publish(writer, f"Post number {n}", "Body")
    assert "Post number 0" in page(reader, "/?page=2")
    Post.publish(writer, "Post number 3", "Body")
    assert "Post number 1" in page(reader, "/?page=2")


def test_an_edit_shows_on_the_post_its_cards_its_tags_and_search(app, reader, site, writer):
    paths = [f"/post/{site.id}", "/", "/user/writer", "/tag/lamp", "/tag/desk", "/search?q=candle"]
    for path in paths:
        page(reader, path)
    response = writer_client(app, writer).post(
        f"/edit/{site.id}", data={"title": "Candle post", "body": "About a candle", "tags": "desk"}
    )
    assert response.status_code == 302
    for path in (f"/post/{site.id}", "/", "/user/writer", "/tag/desk", "/search?q=candle"):
        text = page(reader, path)
        assert "Candle post" in text and "Lamp post" not in text, path
    assert "Candle post" not in page(reader, "/tag/lamp")


def test_a_deleted_post_leaves_every_page_at_once(app, reader, site, writer):
    for path in (f"/post/{site.id}", "/", "/user/writer", "/tag/lamp", "/feed.atom"):
        page(reader, path)
    assert writer_client(app, writer).post(f"/delete/{site.id}").status_code == 302
    visit(reader, f"/post/{site.id}", status=404)
    for path in ("/", "/user/writer", "/tag/lamp", "/feed.atom"):
        assert "Lamp post" not in page(reader, path), path


def test_comment_counts_follow_comments_on_every_card(app, reader, site, make_user):
    lists = ["/", "/user/writer", "/tag/lamp", "/search?q=lamp"]
    for path in lists:
        assert "1 comment<" in page(reader, path)
    comment = site.add_comment(make_user("second"), "Me too")
    for path in lists:
        assert "2 comments" in page(reader, path), path
    Post.delete_comment(comment.id)
    assert "Me too" not in page(reader, f"/post/{site.id}")
    for path in lists:
        assert "1 comment<" in page(reader, path), path


def test_a_hidden_comment_is_hidden_at_once(app, reader, site, make_user):
    assert "A fine lamp" in page(reader, f"/post/{site.id}")
    moderator = writer_client(app, make_user("mod", role="Moderator"))
    comment_id = Post.objects(id=site.id).first().comments[0].id
    assert moderator.post(f"/moderate/disable/{comment_id}").status_code == 302
    text = page(reader, f"/post/{site.id}")
    assert "A fine lamp" not in text and "hidden by a moderator" in text
    assert moderator.post(f"/moderate/enable/{comment_id}").status_code == 302
    assert "A fine lamp" in page(reader, f"/post/{site.id}")


def _count(text, label):
    return int(re.search(rf"<strong>(\d+)</strong> {label}", text)[1])


def test_a_follow_shows_on_both_profiles_and_their_lists(app, reader, site, make_user):
    fan = make_user("fan")
    assert _count(page(reader, "/user/writer"), "follower") == 1
    assert _count(page(reader, "/user/fan"), "following") == 0
    page(reader, "/followers/writer")
    page(reader, "/following/fan")
    assert writer_client(app, fan).post("/follow/writer").status_code == 302
    assert _count(page(reader, "/user/writer"), "follower") == 2
    assert _count(page(reader, "/user/fan"), "following") == 1
    assert "/user/fan" in page(reader, "/followers/writer")
    assert "/user/writer" in page(reader, "/following/fan")
    assert writer_client(app, fan).post("/unfollow/writer").status_code == 302
    assert _count(page(reader, "/user/writer"), "follower") == 1
    assert "/user/fan" not in page(reader, "/followers/writer")


def test_a_profile_edit_shows_on_the_profile_and_in_lists_of_people(app, reader, site, writer):
    page(reader, "/user/writer")
    page(reader, "/following/friend")
    response = writer_client(app, writer).post(
        "/edit-profile", data={"name": "Wanda Writer", "location": "Porto", "about_me": "I write about lamps"}
    )
    assert response.status_code == 302
    profile = page(reader, "/user/writer")
    assert "Wanda Writer" in profile and "I write about lamps" in profile
    assert "Wanda Writer" in page(reader, "/following/friend")


def test_a_renamed_author_shows_everywhere_at_once(app, reader, site, writer, make_user):
    commenter = User.by_username("friend")
    paths = ["/", f"/post/{site.id}", "/tag/lamp", "/followers/writer", "/feed.atom"]
    for path in paths:
        page(reader, path)
    admin = writer_client(app, make_user("boss", role="Administrator"))
    for user, new_name in ((writer, "lampwright"), (commenter, "fan_of_lamps")):
        response = admin.post(
            f"/edit-profile/{user.id}",
            data={
                "email": user.email,
                "username": new_name,
                "confirmed": "y",
                "role": "User",
                "name": "",
                "location": "",
                "about_me": "",
            },
        )
        assert response.status_code == 302
    assert "lampwright" in page(reader, "/")
    post_page = page(reader, f"/post/{site.id}")
    assert "lampwright" in post_page and "fan_of_lamps" in post_page
    assert "lampwright" in page(reader, "/tag/lamp") and "lampwright" in page(reader, "/feed.atom")
    assert "fan_of_lamps" in page(reader, "/followers/lampwright")
    visit(reader, "/user/writer", status=404)


def _png():
    data = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(data, "PNG")
    return data.getvalue()


def test_a_new_avatar_shows_on_every_card_at_once(app, reader, site, writer):
    def avatar_urls():
        return set(re.findall(r'src="(/avatar/writer\?[^"]+)"', page(reader, "/")))

    before = avatar_urls()
    response = writer_client(app, writer).post(
        "/edit-profile",
        data={"name": "", "avatar": (io.BytesIO(_png()), "me.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert avatar_urls() and avatar_urls() != before


# -- the generations themselves -------------------------------------------------


@pytest.mark.fresh_app  # adds a route
def test_a_write_that_lands_while_a_page_renders_keeps_that_rendering_out(app, site):
    landed = []

    @app.get("/racing/<objectid:post_id>")
    @cached_page()
    def racing(post_id):
        title = Post.by_id(post_id).title
        if not landed:  # a comment lands after the read, before the page is kept
            landed.append(site.add_comment(site.author, "Meanwhile"))
        return title

    reader = app.test_client()
    statuses = [visit(reader, f"/racing/{site.id}").headers["X-Page-Cache"] for _ in range(3)]
    assert statuses == ["miss", "miss", "hit"]


def test_a_lost_generation_means_a_new_rendering_not_a_stale_page(reader, site):
    served(reader, "/")
    assert served(reader, "/")[0] == "hit"
    cache.delete("pc:gen:site")
    assert served(reader, "/")[0] == "miss"


def test_pages_are_kept_per_address(reader, app, writer):
    for n in range(3):
        Post.publish(writer, f"Number {n}", "Body")
    app.config["POSTS_PER_PAGE"] = 1
    assert "Number 2" in page(reader, "/") and "Number 1" in page(reader, "/?page=2")
    other_host = reader.get("/", base_url="http://other.example")
    assert other_host.headers["X-Page-Cache"] == "miss"


def test_content_changed_with_no_keywords_renews_every_page(reader, site):
    from site_app.models.signals import content_changed

    served(reader, "/")
    content_changed.send(Post)
    assert served(reader, "/")[0] == "miss"


def test_seeding_renews_every_page(app, reader, site):
    served(reader, "/")
    content_cache.content_changed()
    assert served(reader, "/")[0] == "miss"


def test_a_cache_outage_costs_a_rendering_never_the_page(reader, site, monkeypatch):
    served(reader, "/")

    def down(*args, **kwargs):
        raise ConnectionError("the cache is away")

    for method in ("get", "get_many", "set", "add", "inc"):
        monkeypatch.setattr(cache.cache, method, down)
    response = visit(reader, "/")
    assert "Lamp post" in response.get_data(as_text=True)
    assert int(response.headers["X-DB-Ops"]) > 0


# -- this round's pages and writes ----------------------------------------------


@pytest.mark.parametrize(
    "path", ["/sitemap.xml", "/robots.txt", "/user/writer/feed.atom", "/tag/lamp/feed.atom", "/explore"]
)
def test_the_machines_pages_and_explore_are_kept_too(reader, site, path):
    assert served(reader, path)[0] == "miss"
    assert served(reader, path) == ("hit", 0)


def test_a_published_draft_joins_every_list_at_once(app, reader, writer):
    draft = Post.publish(writer, "Unsent lantern", "Body", "lamp", draft=True)
    paths = [
        "/",
        "/user/writer",
        "/tag/lamp",
        "/feed.atom",
        "/tag/lamp/feed.atom",
        "/user/writer/feed.atom",
        "/sitemap.xml",
    ]
    for path in paths:
        assert "Unsent lantern" not in page(reader, path) and str(draft.id) not in page(reader, path)
    response = writer_client(app, writer).post(
        f"/edit/{draft.id}", data={"title": "Unsent lantern", "body": "Body", "tags": "lamp"}
    )
    assert response.status_code == 302
    for path in paths[:-1]:
        assert "Unsent lantern" in page(reader, path), path
    assert str(draft.id) in page(reader, "/sitemap.xml")


def test_a_like_and_a_reply_show_at_once(app, reader, site, make_user):
    fan = make_user("fan")
    for path in ("/", f"/post/{site.id}"):
        assert "0 likes" in page(reader, path), path
    client = writer_client(app, fan)
    assert client.post(f"/post/{site.id}/like").status_code == 302
    for path in ("/", f"/post/{site.id}"):
        assert "1 like" in page(reader, path), path
    parent = Post.objects(id=site.id).first().comments[0]
    assert (
        client.post(
            f"/post/{site.id}", data={"body": "A reply to the lamp", "parent_id": str(parent.id)}
        ).status_code
        == 302
    )
    assert "A reply to the lamp" in page(reader, f"/post/{site.id}")


@pytest.mark.parametrize(
    "path", ["/robots.txt", "/sitemap.xml", "/feed.atom", "/user/writer/feed.atom", "/tag/lamp/feed.atom"]
)
def test_an_answer_that_refreshes_a_session_cookie_is_never_public(app, site, writer, path):
    """Pages shared with signed-in readers (everyone=True) must not hand a
    CDN the reader's session id when the session is refreshed."""
    from datetime import datetime, timedelta

    from site_app.database import get_db
    from site_app.sessions import COLLECTION

    browser = writer_client(app, writer)
    due = datetime.utcnow() + timedelta(days=1)  # an old session: its expiry is pushed back
    get_db(app)[COLLECTION].update_many({}, {"$set": {"expires_at": due}})
    visit(app.test_client(), path)  # kept by an anonymous reader first
    response = visit(browser, path)
    assert response.headers["X-Page-Cache"] == "hit"
    assert response.headers["Set-Cookie"].startswith("session=")
    cache_control = {d.strip() for d in response.headers["Cache-Control"].split(",")}
    assert "public" not in cache_control and "private" in cache_control
    assert not any(d.startswith("s-maxage") for d in cache_control)


def test_a_disabled_account_leaves_the_sitemap_and_explore_at_once(app, reader, site, writer, make_user):
    for path in ("/sitemap.xml", "/explore"):
        assert "/user/writer" in page(reader, path)
        assert served(reader, path)[0] == "hit"
    administrator = writer_client(app, make_user("root", role="Administrator"))
    disabled = administrator.post(
        "/admin/admin_users/action/", data={"action": "disable", "rowid": str(writer.id)}
    )
    assert disabled.status_code == 302
    for path in ("/sitemap.xml", "/explore"):
        assert "/user/writer" not in page(reader, path), path
    administrator.post("/admin/admin_users/action/", data={"action": "enable", "rowid": str(writer.id)})
    assert "/user/writer" in page(reader, "/sitemap.xml")


@pytest.mark.parametrize(
    "accept, encoding",
    [
        ("gzip;q=0", None),
        ("br;q=0, gzip;q=0", None),
        ("br;q=0", None),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.5, br", "br"),
    ],
)
def test_an_encoding_the_client_refuses_is_never_used(app, site, writer, accept, encoding):
    """``;q=0`` means "not acceptable" (RFC 9110 12.5.3), on a page rendered
    for this reader, a page rendered and kept, and a kept page served."""
    signed_in = writer_client(app, writer)
    for browser in (signed_in, app.test_client(), app.test_client()):
        response = browser.get("/", headers={"Accept-Encoding": accept})
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == encoding, response.headers
        assert "Accept-Encoding" in response.vary


def test_a_cached_search_finds_a_new_member_and_a_new_name(app, reader, site, make_user):
    # A search that finds something is kept (one that finds nothing is not).
    assert "lampwright" not in page(reader, "/search?q=lamp")
    assert served(reader, "/search?q=lamp")[0] == "hit"
    make_user("lampwright")
    assert 'href="/user/lampwright"' in page(reader, "/search?q=lamp")
    zelda = make_user("zelda_x")
    assert "zelda_x" not in page(reader, "/search?q=lamp")
    assert served(reader, "/search?q=lamp")[0] == "hit"
    zelda.edit_profile(name="Zelda Lamp")
    assert 'href="/user/zelda_x"' in page(reader, "/search?q=lamp")


def test_comments_sorted_newest_first_are_a_page_of_their_own(app, reader, site, make_user):
    site.add_comment(make_user("later"), "A later remark")
    oldest = page(reader, f"/post/{site.id}")
    newest = page(reader, f"/post/{site.id}?sort=newest")
    assert oldest.index("A fine lamp") < oldest.index("A later remark")
    assert newest.index("A later remark") < newest.index("A fine lamp")
    assert served(reader, f"/post/{site.id}?sort=newest")[0] == "hit"
    again = page(reader, f"/post/{site.id}")
    assert again.index("A fine lamp") < again.index("A later remark")
