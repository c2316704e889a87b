"""The page-weight budget: what a phone downloads for a page, compressed.

First view: the HTML and every stylesheet, script, font and image it names,
fetched as a browser would (``Accept-Encoding: br, gzip``). Repeat view:
what a second visit costs once the first has filled the cache: the HTML
(never stored) and whatever is not fresh for at least a day; a file with a
validator costs a 304, counted as nothing. Budgets from issue 17.
"""

import io
import posixpath
import re
from html.parser import HTMLParser

import pytest
from PIL import Image

from site_app.models import Post

FIRST_VIEW_BUDGET = 150 * 1024
REPEAT_VIEW_BUDGET = 20 * 1024
DAY = 24 * 3600
BROWSER = {"Accept-Encoding": "br, gzip", "Accept": "text/html,*/*;q=0.8"}


class _Resources(HTMLParser):
    """The URLs a page makes the browser fetch."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon", "preload"):
            self.urls.append(attrs["href"])
        elif tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])


def _referenced(css_url, css):
    """Fonts and images a stylesheet names (data: URIs cost nothing more)."""
    base = css_url.rsplit("/", 1)[0]
    for target in re.findall(r"url\(['\"]?([^'\")]+)", css):
        if not target.startswith("data:"):
            # "../fonts/x.woff2" resolved as a browser resolves it
            yield target if target.startswith("/") else posixpath.normpath(f"{base}/{target}")


def _fresh_for_a_day(response):
    match = re.search(r"max-age=(\d+)", response.headers.get("Cache-Control", ""))
    return bool(match) and int(match.group(1)) >= DAY


def _has_validator(response):
    return "ETag" in response.headers or "Last-Modified" in response.headers


def page_weight(client, path):
    """(first view, repeat view) in bytes, and each file's size."""
    page = client.get(path, headers=BROWSER)
    assert page.status_code == 200, path
    assert page.headers.get("Content-Encoding") in ("br", "gzip"), path
    parser = _Resources()
    parser.feed(_text(client, path))  # the same page, uncompressed, to read
    sizes, first, repeat = {path: len(page.data)}, len(page.data), len(page.data)
    queue = list(dict.fromkeys(parser.urls))
    while queue:
        url = queue.pop(0)
        response = client.get(url, headers=BROWSER)
        assert response.status_code == 200, url
        sizes[url] = len(response.data)
        first += len(response.data)
        if not _fresh_for_a_day(response) and not _has_validator(response):
            repeat += len(response.data)
        if response.mimetype == "text/css":
            queue += [u for u in _referenced(url, _text(client, url)) if u not in sizes]
    return first, repeat, sizes


def _text(client, path):
    return client.get(path).get_data(as_text=True)


def _photo(client, seed):
    """Upload a photograph-like picture (smooth shading with grain) and
    return its address."""
    shade = Image.linear_gradient("L").resize((1600, 1000)).rotate(15 * seed)
    grain = Image.effect_noise((1600, 1000), 24).resize((1600, 1000))
    picture = Image.merge("RGB", (shade, Image.blend(shade, grain, 0.3), grain))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    response = client.post(
        "/upload", data={"file": (io.BytesIO(buffer.getvalue()), "p.jpg")}, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.text
    return response.get_json()["url"]


@pytest.fixture
def site(client, auth, make_user):
    """A writer with a few posts (one with a long body), comments, and
    photographs: covers on the cards, as a first visit downloads them."""
    writer = make_user("marguerite", name="Marguerite", about_me="Harbour notes.")
    reader = make_user("ravi")
    auth.login_as(writer)
    photos = {n: f"\n\n![A harbour]({_photo(client, n)})\n" for n in (1, 2, 3)}
    auth.logout()
    posts = [
        Post.publish(
            writer, f"Notes {n}", "A paragraph of harbour notes. " * 40 + photos.get(n, ""), "harbours"
        )
        for n in range(12)
    ]
    for n in range(5):
        posts[0].add_comment(reader, f"Comment {n} with `code` in it.")
    return {"post": posts[0], "writer": writer, "auth": auth}


@pytest.mark.parametrize("path", ["home", "post", "profile", "login"])
def test_anonymous_pages_stay_within_the_budget(client, site, path):
    url = {
        "home": "/",
        "post": f"/post/{site['post'].id}",
        "profile": "/user/marguerite",
        "login": "/auth/login",
    }[path]
    first, repeat, sizes = page_weight(client, url)
    detail = "\n".join(f"{size:>8} {name}" for name, size in sizes.items())
    assert first <= FIRST_VIEW_BUDGET, f"first view {first} B:\n{detail}"
    assert repeat <= REPEAT_VIEW_BUDGET, f"repeat view {repeat} B:\n{detail}"


def test_the_write_page_stays_within_the_budget(client, site):
    site["auth"].login_as(site["writer"])
    first, repeat, sizes = page_weight(client, "/write")
    detail = "\n".join(f"{size:>8} {name}" for name, size in sizes.items())
    assert first <= FIRST_VIEW_BUDGET, f"first view {first} B:\n{detail}"
    assert repeat <= REPEAT_VIEW_BUDGET, f"repeat view {repeat} B:\n{detail}"
