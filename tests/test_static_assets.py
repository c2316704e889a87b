"""Static files: content-hashed names with an immutable cache, compressed
copies (brotli, gzip), deferred scripts, no date library and a purged
Bootstrap that still holds every class the templates use; dynamic answers
compressed by the app unless a proxy is said to do it."""

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import publish_a_post_linking

from site_app.database import gridfs_for
from site_app.models import Role

ROOT = Path(__file__).resolve().parent.parent
ASSET = re.compile(r'(?:href|src)="(/(?:static|bootstrap/static)/[^"]+)"')
YEAR = 365 * 24 * 3600


def asset_urls(client, path="/"):
    return ASSET.findall(client.get(path).get_data(as_text=True))


def test_pages_name_static_files_by_a_hash_of_their_bytes(client):
    urls = asset_urls(client)
    assert len(urls) >= 6  # icon, two stylesheets, five scripts
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        digest = re.search(r"\.([0-9a-f]{12})\.\w+$", url).group(1)
        assert digest == hashlib.sha256(response.data).hexdigest()[:12], url
        cache = response.headers["Cache-Control"]
        assert "immutable" in cache and "public" in cache, url
        assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= YEAR, url


def test_files_a_stylesheet_names_are_hashed_too(client):
    """The fonts site.css loads come under their hashed names (cached for
    good), and the page preloads the very URL the stylesheet asks for: one
    download, not two."""
    page = client.get("/").get_data(as_text=True)
    css_url = next(url for url in asset_urls(client) if "site." in url and url.endswith(".css"))
    fonts = re.findall(r'url\("?\.\./(fonts/[^")]+)"?\)', client.get(css_url).get_data(as_text=True))
    assert fonts
    for font in fonts:
        assert re.search(r"\.[0-9a-f]{12}\.woff2$", font), font
        response = client.get(f"/static/{font}")
        assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    preloaded = re.search(r'<link rel="preload" href="/static/(fonts/[^"]+)" as="font"', page).group(1)
    assert preloaded in fonts


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_files_come_compressed(client, encoding):
    css = next(url for url in asset_urls(client) if "site." in url and url.endswith(".css"))
    response = client.get(css, headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.vary
    plain = client.get(css)
    assert "Content-Encoding" not in plain.headers
    assert len(response.data) < len(plain.data) / 2


def test_old_unhashed_names_still_work_with_a_short_cache(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response.data == (ROOT / "static/css/site.css").read_bytes()
    cache = response.headers["Cache-Control"]
    assert "immutable" not in cache and int(re.search(r"max-age=(\d+)", cache).group(1)) <= 3600


def test_scripts_but_the_theme_are_deferred_and_no_date_library_is_sent(client, auth, make_user):
    auth.login_as(make_user("ann"))
    for path in ("/", "/write", "/auth/change-password"):
        page = client.get(path).get_data(as_text=True)
        scripts = re.findall(r"<script\b[^>]*\bsrc=[^>]*>", page)
        assert scripts, path
        # All but the tiny theme script, which must set the colours before
        # the first paint (a deferred one would flash the wrong theme).
        blocking = [tag for tag in scripts if " defer" not in tag]
        assert len(blocking) == 1 and "/js/theme." in blocking[0], (path, scripts)
        assert page.index(blocking[0]) < page.index('rel="stylesheet"')
        # Dates are the browser's Intl, a few lines in local-time.js.
        assert "moment" not in page and "/js/local-time." in page


# -- the purged Bootstrap -----------------------------------------------------


def _classes_in_css(css):
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", re.sub(r"url\([^)]*\)", "", css)))


def _classes_in_templates():
    """Every class a template writes: the literal words of each class
    attribute, and the quoted words inside its Jinja expressions."""
    found = set()
    for template in (ROOT / "templates").rglob("*.html"):
        if "admin" in template.parts:
            continue  # Flask-Admin brings its own Bootstrap
        for value in re.findall(r'class="([^"]*)"', template.read_text()):
            found.update(re.findall(r"'([\w -]+)'", " ".join(re.findall(r"{{(.*?)}}", value))))
            literal = re.sub(r"{{.*?}}|{%.*?%}", " ", value)
            found.update(word for word in literal.split() if not word.endswith("-"))
    return found


def test_every_bootstrap_class_the_templates_use_survives_the_purge():
    import flask_bootstrap

    full_css = (Path(flask_bootstrap.__file__).parent / "static/bootstrap5/css/bootstrap.min.css").read_text()
    purged = (ROOT / "static/vendor/bootstrap/bootstrap.min.css").read_text()
    bootstrap_classes, kept = _classes_in_css(full_css), _classes_in_css(purged)
    flash_alerts = {f"alert-{c}" for c in ("success", "info", "danger", "warning")}
    used = (_classes_in_templates() | flash_alerts) & bootstrap_classes
    assert len(used) > 100
    assert used <= kept, sorted(used - kept)
    assert len(purged) < len(full_css) / 3


def test_the_right_to_left_stylesheet_is_purged_to_the_same_classes():
    # Arabic pages load it instead of the left-to-right one (base.html):
    # scripts/build_css.sh purges both from the same markup.
    ltr = (ROOT / "static/vendor/bootstrap/bootstrap.min.css").read_text()
    rtl = (ROOT / "static/vendor/bootstrap/bootstrap.rtl.min.css").read_text()
    ours = _classes_in_css((ROOT / "static/css/site.css").read_text())
    # Bootstrap's RTL build lacks a rule or two (.text-break): site.css has those.
    assert _classes_in_css(ltr) - _classes_in_css(rtl) <= ours
    assert _classes_in_css(rtl) <= _classes_in_css(ltr)
    assert ".me-1{margin-left:.25rem!important}" in rtl  # mirrored: "end" is the left
    assert ".me-1{margin-right:.25rem!important}" in ltr


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


def _type_selectors(css):
    """The element names selectors start with (``textarea`` in ``textarea.x``)."""
    groups = re.findall(r"([^{}]+)\{", re.sub(r"@[^{]+\{", "", css))
    return {
        m.group(0)
        for group in groups
        for selector in group.split(",")
        if (m := re.match(r"[a-z][a-z0-9]*(?![\w-])", selector.strip()))
    }


def test_every_element_the_pages_render_keeps_its_bootstrap_rules(client, auth, make_user):
    # Form fields are written by WTForms, not by a template: a purge that
    # reads only templates would drop the rules for <textarea> and <select>.
    import flask_bootstrap

    full_css = (Path(flask_bootstrap.__file__).parent / "static/bootstrap5/css/bootstrap.min.css").read_text()
    purged = (ROOT / "static/vendor/bootstrap/bootstrap.min.css").read_text()
    ann = make_user("ann", role="Administrator")
    auth.login_as(ann)
    parser = _Tags()
    for path in ("/write", f"/edit-profile/{ann.id}", "/", "/user/ann", "/auth/change-password"):
        parser.feed(client.get(path).get_data(as_text=True))
    assert {"textarea", "select", "input", "button"} <= parser.tags
    styled = parser.tags & _type_selectors(full_css)
    assert styled <= _type_selectors(purged), sorted(styled - _type_selectors(purged))
    for tag in ("textarea", "select"):
        rules = re.findall(r"([^{}]+)\{[^}]*font-family:inherit", purged)
        assert any(tag in rule.split(",") for rule in rules), tag


# -- dynamic answers -----------------------------------------------------------


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_pages_and_json_are_compressed(client, encoding):
    for path in ("/", "/api/v1/openapi.json"):
        response = client.get(path, headers={"Accept-Encoding": encoding})
        assert response.headers["Content-Encoding"] == encoding, path
        assert "Accept-Encoding" in response.vary


def test_compression_can_be_left_to_a_proxy(make_app):
    app = make_app(COMPRESS_REGISTER=False)
    response = app.test_client().get("/", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers


def test_stored_files_and_ranges_are_never_recompressed(client, app, make_user):
    text = b"plain words " * 500
    file_id = gridfs_for(app).put(
        text, filename="a.txt", metadata={"content_type": "text/plain", "kind": "attachment"}
    )
    publish_a_post_linking(app, make_user, file_id)  # a published post's file: everyone's
    whole = client.get(f"/files/{file_id}", headers={"Accept-Encoding": "br, gzip"})
    assert whole.status_code == 200 and "Content-Encoding" not in whole.headers
    assert whole.data == text
    part = client.get(f"/files/{file_id}", headers={"Accept-Encoding": "br, gzip", "Range": "bytes=0-99"})
    assert part.status_code == 206 and "Content-Encoding" not in part.headers
    assert part.data == text[:100]


@pytest.fixture(autouse=True)
def _roles(app):
    Role.insert_roles()
