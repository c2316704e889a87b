"""What readers see before they read: reading time, the cover image and
excerpts that read as text; the post page's share tags and follow button."""

import io
import re
from html.parser import HTMLParser

import pytest
from PIL import Image

from site_app.markup import excerpt, render_markdown
from site_app.models import Post
from site_app.models.reading import WORDS_PER_MINUTE, cover_of, reading_minutes


def _upload_image(client):
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(buffer, "JPEG")
    response = client.post(
        "/upload", data={"file": (io.BytesIO(buffer.getvalue()), "c.jpg")}, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.text
    return response.get_json()


class _Meta(HTMLParser):
    """``<meta>`` and ``<link>`` tags of a page's head, by name."""

    def __init__(self):
        super().__init__()
        self.meta, self.links = {}, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.meta.setdefault(attrs.get("property") or attrs.get("name"), attrs.get("content"))
        elif tag == "link" and attrs.get("rel"):
            self.links.setdefault((attrs["rel"], attrs.get("type")), attrs.get("href"))


def head_of(response):
    parser = _Meta()
    parser.feed(response.text)
    return parser


# -- units -------------------------------------------------------------------
def test_reading_time_counts_words_and_is_at_least_a_minute():
    assert reading_minutes("<p>Short.</p>") == 1
    assert reading_minutes("<p>" + "word " * (WORDS_PER_MINUTE * 7) + "</p>") == 7


def test_the_cover_is_the_first_stored_image():
    first, second = "a" * 24, "b" * 24
    html = (
        f'<p><img src="https://elsewhere.example/x.png" alt="">'
        f'<img alt="one" src="/files/{first}"><img src="/files/{second}"></p>'
    )
    assert str(cover_of(html)) == first
    assert cover_of("<p>No pictures</p>") is None


def test_excerpts_end_blocks_as_sentences():
    html = render_markdown("# The decade\n\nDuring section mean\n\n- one\n- two!\n\nDone.")
    assert excerpt(html) == "The decade. During section mean. one. two! Done."


# -- cards and the post page -------------------------------------------------
@pytest.fixture
def writer(make_user):
    return make_user("wendy")


def test_cards_and_post_show_minutes_and_the_cover_thumbnail(client, auth, writer):
    auth.login_as(writer)
    image = _upload_image(client)
    body = "Intro words. " * 300 + f"\n\n![A harbour]({image['url']})\n\nMore."
    response = client.post("/write", data={"title": "Harbour", "body": body, "tags": "sea"})
    post_url = response.headers["Location"]
    post = Post.objects.get(title="Harbour")
    assert post.reading.minutes == 3 and str(post.reading.cover) == image["id"]
    thumb = f"/files/{image['id']}?size=thumb"
    for page in ("/", "/tag/sea", "/user/wendy", "/search?q=harbour"):
        listed = client.get(page).text
        assert "3 min read" in listed, page
        assert thumb in listed, page
    assert "3 min read" in client.get(post_url).text


def test_an_edit_recomputes_minutes_and_cover(client, auth, writer):
    post = Post.publish(writer, "Short", "A few words.")
    assert post.reading.minutes == 1 and post.reading.cover is None
    auth.login_as(writer)
    image = _upload_image(client)
    client.post(
        f"/edit/{post.id}",
        data={"title": "Long", "tags": "", "body": "word " * 1000 + f"\n\n![x]({image['url']})"},
    )
    post.reload()
    assert post.reading.minutes == 4 and str(post.reading.cover) == image["id"]


def test_a_post_page_tells_machines_what_it_is(app, client, auth, writer):
    auth.login_as(writer)
    image = _upload_image(client)
    Post.publish(writer, "Tides & <moons>", f"![cover]({image['url']})\n\nHow tides turn.", "sea")
    post = Post.objects.get(tags="sea")
    auth.logout()
    response = client.get(f"/post/{post.id}", headers={"Host": "evil.example"})
    head = head_of(response)
    site = app.config["SITE_URL"]
    url = f"{site}/post/{post.id}"
    assert head.links[("canonical", None)] == url
    assert head.meta["description"] == "How tides turn."
    assert head.meta["og:title"] == head.meta["twitter:title"] == "Tides & <moons>"
    assert head.meta["og:description"] == "How tides turn."
    assert head.meta["og:url"] == url
    assert head.meta["og:image"] == head.meta["twitter:image"] == f"{site}/files/{image['id']}"
    assert head.meta["twitter:card"] == "summary_large_image"
    assert "Tides &amp; &lt;moons&gt;" in response.text  # escaped in the attributes too
    assert "Set-Cookie" not in response.headers


def test_a_post_without_an_image_has_no_share_image(client, writer):
    post = Post.publish(writer, "Words only", "Nothing to see.")
    head = head_of(client.get(f"/post/{post.id}"))
    assert "og:image" not in head.meta and head.meta["twitter:card"] == "summary"


def test_a_reader_follows_the_author_from_the_post_page(client, auth, writer, make_user):
    post = Post.publish(writer, "Follow me", "Please.")
    reader = make_user("rita")
    assert "/follow/wendy" not in client.get(f"/post/{post.id}").text  # anonymous: no button
    auth.login_as(reader)
    page = client.get(f"/post/{post.id}").text
    assert re.search(r'action="/follow/wendy"[^>]*>\s*<input[^>]*csrf_token', page)
    response = client.post("/follow/wendy", data={"next": f"/post/{post.id}"})
    assert response.headers["Location"] == f"/post/{post.id}"
    reader.reload()
    assert reader.is_following(writer)
    page = client.get(f"/post/{post.id}").text
    assert 'action="/unfollow/wendy"' in page
    # The author sees no button beside their own name.
    auth.logout()
    auth.login_as(writer)
    assert "/follow/wendy" not in client.get(f"/post/{post.id}").text


def test_a_follow_button_elsewhere_still_lands_on_the_profile(client, auth, writer, make_user):
    auth.login_as(make_user("rita"))
    assert client.post("/follow/wendy").headers["Location"] == "/user/wendy"
    # An address on another site is never followed.
    response = client.post("/unfollow/wendy", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/user/wendy"


def test_deploy_gives_older_posts_reading_time_cover_and_excerpt(client, auth, writer, runner):
    auth.login_as(writer)
    image = _upload_image(client)
    post = Post.publish(writer, "Old", f"# Heading\n\nText\n\n![x]({image['url']})")
    Post._get_collection().update_one(
        {"_id": post.id}, {"$unset": {"reading": ""}, "$set": {"excerpt": "Heading Text"}}
    )
    assert "1 min read" not in client.get("/").text
    deployed = runner.invoke(args=["deploy"])
    assert "posts given reading times and covers: 1" in deployed.output
    post.reload()
    assert post.reading.minutes == 1 and str(post.reading.cover) == image["id"]
    assert post.excerpt == "Heading. Text."
    assert "1 min read" in client.get("/").text
    assert "post reading times and covers: up to date" in runner.invoke(args=["deploy"]).output


def test_a_line_break_inside_a_paragraph_is_no_sentence_end():
    html = render_markdown("An opening with a\n[link to the feed](/feed.atom) in it.")
    assert excerpt(html) == "An opening with a link to the feed in it."


def test_reading_time_takes_each_languages_plural_forms(client, auth, writer):
    """Arabic words one, two, three to ten and eleven or more minutes each
    their own way (it once showed "1 دقائق قراءة": "1 minutes")."""
    auth.login_as(writer)
    for title, words in (("One", 50), ("Two", 400), ("Three", 600), ("Twelve", 2800)):
        client.post("/write", data={"title": title, "body": "word " * words, "tags": ""})
    minutes = {post.title: post.reading.minutes for post in Post.objects}
    assert minutes == {"One": 1, "Two": 2, "Three": 3, "Twelve": 12}
    arabic = client.get("/?lang=ar").text
    for phrase in ("دقيقة قراءة واحدة", "دقيقتا قراءة", "3 دقائق قراءة", "12 دقيقة قراءة"):
        assert f'<span class="reading-time">{phrase}</span>' in arabic, phrase
    assert "1 دقائق" not in arabic
    spanish = client.get("/?lang=es").text
    assert '<span class="reading-time">1 min de lectura</span>' in spanish
    assert '<span class="reading-time">3 min read</span>' in client.get("/?lang=en").text


def test_a_card_of_a_post_in_an_unsaid_language_takes_its_words_direction(client, auth, writer):
    """``dir="auto"`` on the writer's words (title, excerpt) when the post
    names no language; a named one says its own (tests/browser checks what
    Chromium makes of it on an Arabic page)."""
    auth.login_as(writer)
    client.post("/write", data={"title": "Tides", "body": "Water, mostly.", "tags": ""})
    client.post("/write", data={"title": "مد", "body": "ماء.", "tags": "", "lang": "ar"})
    arabic = client.get("/?lang=ar").text
    assert '<h2 class="h5 mb-1 post-card-title" dir="auto"><a' in arabic
    assert '<p class="mb-1 post-card-excerpt" dir="auto">' in arabic
    assert '<h2 class="h5 mb-1 post-card-title" lang="ar" dir="rtl"><a' in arabic
