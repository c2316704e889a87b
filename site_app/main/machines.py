"""What crawlers and browsers ask every site for: ``/sitemap.xml``,
``/robots.txt`` and ``/favicon.ico``. Like every anonymous page they set no
cookie (nothing here touches the session), so a cache may keep them."""

from pathlib import Path
from xml.etree import ElementTree as ET

from flask import current_app, send_file

from ..content_cache import NEWEST
from ..models import Post, User
from ..page_cache import cached_page
from ..public_address import site_url_for
from . import main

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
# The protocol's limit for one file; a bigger site would need a sitemap index.
SITEMAP_MAX_URLS = 50_000
FAVICON_MAX_AGE = 7 * 24 * 3600


@main.route("/sitemap.xml")
@cached_page(NEWEST, everyone=True)  # and every post and account it loads
def sitemap():
    return current_app.response_class(_sitemap_document(), mimetype="application/xml")


def _sitemap_document():
    """Every published post (its last edit) and every active profile (its
    newest post, else when it joined), all on SITE_URL."""
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    newest_by_author = {}
    posts = Post.listing().only("id", "timestamp", "updated", "author").limit(SITEMAP_MAX_URLS)
    for post in posts.no_dereference():
        changed = post.updated or post.timestamp
        _url(root, site_url_for("posts.post", post_id=post.id), changed)
        author = post.author_id
        newest_by_author[author] = max(changed, newest_by_author.get(author, changed))
    room = SITEMAP_MAX_URLS - len(root)
    people = (
        User.objects(disabled__ne=True)
        .only("id", "username", "member_since")
        .order_by("username")
        .limit(room)
        if room > 0
        else []
    )
    for user in people:
        _url(
            root,
            site_url_for("profiles.user", username=user.username),
            newest_by_author.get(user.id, user.member_since),
        )
    # default_namespace, not register_namespace: that one is a table of the
    # whole process, where the feeds keep Atom as the default namespace.
    return ET.tostring(root, encoding="utf-8", xml_declaration=True, default_namespace=SITEMAP)


def _url(root, location, changed):
    entry = ET.SubElement(root, f"{{{SITEMAP}}}url")
    ET.SubElement(entry, f"{{{SITEMAP}}}loc").text = location
    if changed is not None:
        ET.SubElement(entry, f"{{{SITEMAP}}}lastmod").text = changed.strftime("%Y-%m-%d")


@main.route("/robots.txt")
@cached_page(everyone=True)
def robots():
    # Pages that are private or change state are no use in an index.
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /auth/",
        "Disallow: /api/",
        "Disallow: /moderate",
        "Disallow: /edit",
        "Disallow: /write",
        "",
        f"Sitemap: {site_url_for('main.sitemap')}",
        "",
    ]
    return current_app.response_class("\n".join(lines), mimetype="text/plain")


@main.route("/favicon.ico")
def favicon():
    icon = Path(current_app.static_folder) / "img" / "favicon.ico"
    return send_file(icon, mimetype="image/vnd.microsoft.icon", max_age=FAVICON_MAX_AGE)
