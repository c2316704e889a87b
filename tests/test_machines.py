"""What crawlers and feed readers ask for: the sitemap, robots.txt, the
favicon and the Atom feeds per writer and per tag. None of them sets a
cookie, and every address in them is on SITE_URL."""

from xml.etree import ElementTree as ET

import pytest

from site_app.models import Post

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "http://127.0.0.1:5000"


@pytest.fixture
def writing(make_user):
    wendy, omar = make_user("wendy"), make_user("omar")
    make_user("gone").disable()
    return {
        "sea": Post.publish(wendy, "Tides", "How tides turn.", "sea, moon"),
        "moon": Post.publish(omar, "Phases", "The moon's phases.", "moon"),
        "wendy": wendy,
        "omar": omar,
    }


def _no_cookie(response):
    assert "Set-Cookie" not in response.headers, response.headers


def test_the_sitemap_lists_every_post_and_active_profile(client, writing):
    response = client.get("/sitemap.xml", headers={"Host": "evil.example"})
    assert response.status_code == 200 and response.mimetype == "application/xml"
    _no_cookie(response)
    root = ET.fromstring(response.data)
    entries = {
        url.find(f"{SITEMAP}loc").text: url.find(f"{SITEMAP}lastmod").text
        for url in root.findall(f"{SITEMAP}url")
    }
    sea = writing["sea"]
    assert entries[f"{SITE}/post/{sea.id}"] == sea.timestamp.strftime("%Y-%m-%d")
    assert f"{SITE}/post/{writing['moon'].id}" in entries
    # A profile changes when its writer posts.
    assert entries[f"{SITE}/user/wendy"] == sea.timestamp.strftime("%Y-%m-%d")
    assert f"{SITE}/user/omar" in entries
    assert f"{SITE}/user/gone" not in entries  # disabled accounts are not listed
    assert len(entries) == 4


def test_the_sitemap_shows_an_edit_as_a_change(client, writing):
    sea = writing["sea"]
    sea.edit("Tides, revised", "How tides turn, again.", "sea")
    root = ET.fromstring(client.get("/sitemap.xml").data)
    lastmod = {
        url.find(f"{SITEMAP}loc").text: url.find(f"{SITEMAP}lastmod").text
        for url in root.findall(f"{SITEMAP}url")
    }
    assert lastmod[f"{SITE}/post/{sea.id}"] == sea.updated.strftime("%Y-%m-%d")


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    _no_cookie(response)
    lines = response.get_data(as_text=True).splitlines()
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    assert "User-agent: *" in lines and "Disallow: /admin/" in lines


def test_the_favicon_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert "max-age=604800" in response.headers["Cache-Control"]
    _no_cookie(response)


def _feed_entries(response):
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    _no_cookie(response)
    root = ET.fromstring(response.data)
    return root, [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]


def test_a_writers_feed_holds_only_their_posts(client, writing):
    root, titles = _feed_entries(client.get("/user/wendy/feed.atom"))
    assert titles == ["Tides"]
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"self": f"{SITE}/user/wendy/feed.atom", "alternate": f"{SITE}/user/wendy"}
    assert root.find(f"{ATOM}subtitle").text == "Posts by wendy"
    assert client.get("/user/nobody/feed.atom").status_code == 404


def test_a_tags_feed_holds_only_posts_with_that_tag(client, writing):
    root, titles = _feed_entries(client.get("/tag/moon/feed.atom"))
    assert titles == ["Phases", "Tides"]
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["alternate"] == f"{SITE}/tag/moon"
    assert _feed_entries(client.get("/tag/sea/feed.atom"))[1] == ["Tides"]
    moved = client.get("/tag/Not%20Clean!/feed.atom")  # to the tag as stored
    assert moved.status_code == 301 and moved.headers["Location"] == "/tag/not-clean/feed.atom"
    assert client.get("/tag/!!!/feed.atom").status_code == 404


def test_feeds_answer_304_until_something_changes(client, writing):
    first = client.get("/tag/moon/feed.atom")
    again = client.get("/tag/moon/feed.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    Post.publish(writing["omar"], "Eclipse", "Dark.", "moon")
    changed = client.get("/tag/moon/feed.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and b"Eclipse" in changed.data


def test_profile_and_tag_pages_link_their_feeds(client, writing):
    profile = client.get("/user/wendy").get_data(as_text=True)
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Posts by wendy" '
        'href="/user/wendy/feed.atom">'
    ) in profile
    tag = client.get("/tag/moon").get_data(as_text=True)
    assert 'type="application/atom+xml" title="Posts tagged #moon" href="/tag/moon/feed.atom"' in tag


def test_every_page_has_one_description_and_a_post_its_own(client, writing):
    home = client.get("/").get_data(as_text=True)
    assert home.count('<meta name="description"') == 1
    post = Post.objects.first()
    page = client.get(f"/post/{post.id}").get_data(as_text=True)
    assert page.count('<meta name="description"') == 1
    assert 'content="Inkwell: writing worth following' not in page


def test_the_feed_link_is_not_built_from_the_host_header(client):
    page = client.get("/", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert 'type="application/atom+xml" title="Inkwell: newest posts" href="/feed.atom"' in page
    assert "evil.example" not in page


def test_the_code_stylesheet_loads_only_where_code_shows(client, writing):
    post = Post.objects.first()
    assert "css/code." not in client.get("/").get_data(as_text=True)
    assert "css/code." in client.get(f"/post/{post.id}").get_data(as_text=True)


def test_the_feed_keeps_its_namespace_after_a_sitemap(client, writing):
    """ElementTree's default namespace is one table for the whole process:
    the sitemap must not make every later feed ``<ns0:feed>``."""
    before = client.get("/feed.atom").get_data(as_text=True)
    client.get("/sitemap.xml")
    after = client.get("/user/wendy/feed.atom").get_data(as_text=True)
    for feed in (before, after):
        assert "<feed " in feed and "ns0:" not in feed
