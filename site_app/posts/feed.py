"""Atom feeds (RFC 4287) of the newest posts: the site's, a writer's, a tag's.

Built with ElementTree rather than a template so every title, name and
HTML body is escaped by the serialiser, never by hand.
"""

from urllib.parse import quote
from xml.etree import ElementTree as ET

from flask import current_app, request

from ..models import Post, utcnow
from ..page_cache import not_worth_keeping
from ..public_address import site_url_for
from ..text import strip_unsafe

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"  # written xml:lang
# Atom without a prefix. The table is the whole process's: nothing else may
# register "" (the sitemap serialises with default_namespace instead, which
# ElementTree allows only where no attribute is unqualified, unlike here).
ET.register_namespace("", ATOM)


def _iso(moment):
    # Stored dates are naive UTC.
    return moment.replace(microsecond=0).isoformat() + "Z"


def _add(parent, tag, text=None, **attributes):
    # ElementTree escapes markup but writes control characters raw, which
    # no XML parser accepts: strip them (text stored before they were refused).
    attributes = {name: strip_unsafe(value) for name, value in attributes.items()}
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = strip_unsafe(text)
    return element


def atom_feed(posts, subtitle="Newest posts", page=None):
    """The feed document (bytes) for ``posts``, newest first, authors loaded.
    ``page``: the HTML page the feed follows (a profile, a tag), on SITE_URL;
    the home page when ``None``.

    Every link is on SITE_URL: the document is cached and read later by
    others, so the Host of the request that built it must not leak in."""
    root = site_url_for("main.index")
    home = page or root
    self_url = site_url_for(request.endpoint, **request.view_args)
    # The site's language; an entry whose writer said another says its own.
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: current_app.config["DEFAULT_LOCALE"]})
    _add(feed, "id", self_url if page else home)
    _add(feed, "title", current_app.config["SITE_NAME"])
    _add(feed, "subtitle", subtitle)
    _add(feed, "updated", _iso(feed_updated(posts)))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=home)
    for post in posts:
        url = site_url_for("posts.post", post_id=post.id)
        entry = _add(feed, "entry", **({XML_LANG: post.lang} if post.lang else {}))
        _add(entry, "id", url)
        _add(entry, "title", post.title)
        _add(entry, "published", _iso(post.timestamp))
        _add(entry, "updated", _iso(post.updated or post.timestamp))
        author = _add(entry, "author")
        name = post.author.username if post.author else "unknown"
        _add(author, "name", name)
        _add(author, "uri", f"{root}user/{quote(name)}")
        _add(entry, "link", rel="alternate", type="text/html", href=url)
        for tag in post.tags:
            _add(entry, "category", term=tag)
        _add(entry, "summary", post.excerpt or "")
        _add(entry, "content", _absolute_links(post.body_html or "", root), type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def feed_updated(posts):
    """When the feed last changed: its newest post or edit (naive UTC)."""
    return max((p.updated or p.timestamp for p in posts), default=utcnow())


def _absolute_links(html, root):
    """Feed readers resolve relative links badly: make site links absolute."""
    root = root.rstrip("/")
    return html.replace('src="/', f'src="{root}/').replace('href="/', f'href="{root}/')


def feed_response(queryset, subtitle="Newest posts", page=None, **page_args):
    """An Atom feed of the newest 20 posts of ``queryset``, following the
    HTML ``page`` (an endpoint). The same document for every reader (its
    links are on SITE_URL, not the Host): the views keep it in the page
    cache (``cached_page(..., everyone=True)``), whose ETag, with the
    ``Last-Modified`` set here, lets a polling reader get a 304."""
    posts = Post.with_authors(list(queryset.limit(20)))
    if not posts:  # e.g. an unknown tag's feed: not kept in the page cache
        not_worth_keeping()
    alternate = site_url_for(page, **page_args) if page else None
    response = current_app.response_class(
        atom_feed(posts, subtitle, alternate), mimetype="application/atom+xml"
    )
    response.last_modified = feed_updated(posts)
    return response
