"""The single-file formats: WordPress WXR, a Ghost JSON export, Atom/RSS.

XML is parsed by defusedxml first, which refuses entity declarations
(billion laughs) and external entities, so feedparser only ever sees a
document without them.
"""

import json
from datetime import datetime

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from flask_babel import gettext as _

from .items import Item, html_to_markdown
from .refusals import WRONG_KIND, ImportRefused, as_utc

WP = "{http://wordpress.org/export/1.2/}"
_WP_NAMESPACES = tuple(f"{{http://wordpress.org/export/1.{n}/}}" for n in (0, 1, 2))
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
EXCERPT = "{http://wordpress.org/export/1.2/excerpt/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}feed"
_WP_DRAFTS = {"draft", "pending", "private", "future"}


def parse_xml(data):
    """The root element, refusing what defusedxml refuses."""
    try:
        return fromstring(data)
    except DefusedXmlException:
        raise ImportRefused(
            _(
                "The XML declares entities (entity expansion and external "
                "entities are refused); nothing was imported."
            )
        ) from None
    except ParseError as exc:
        raise ImportRefused(
            _("%(refusal)s (It is not well-formed XML: %(error)s.)", refusal=WRONG_KIND, error=exc)
        ) from None


def is_wxr(root):
    return root.tag == "rss" and any(
        child.tag.startswith(_WP_NAMESPACES) for child in root.iter() if isinstance(child.tag, str)
    )


def is_feed(root):
    return root.tag in ("rss", ATOM, "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF")


def wxr_items(root):
    """WordPress posts (pages, attachments and the trash left out)."""
    items = []
    for node in root.iter("item"):
        wp = _wp_namespace(node)
        if node.findtext(f"{wp}post_type") != "post" or node.findtext(f"{wp}status") in (
            "trash",
            "auto-draft",
        ):
            continue
        title = node.findtext("title") or _("(untitled)")
        where = _("WordPress post “%(title)s”", title=title[:60])
        link, status = node.findtext("link"), node.findtext(f"{wp}status")
        gmt = node.findtext(f"{wp}post_date_gmt")
        date = None if gmt in (None, "", "0000-00-00 00:00:00") else gmt
        items.append(
            Item(
                source="wordpress:" + (node.findtext("guid") or link or node.findtext(f"{wp}post_id")),
                title=title,
                body=html_to_markdown(node.findtext(CONTENT)),
                tags=[
                    c.text
                    for c in node.findall("category")
                    if c.get("domain") in ("post_tag", "category") and c.text
                ],
                timestamp=as_utc(date, where),  # naive: UTC, as "_gmt" says
                updated=as_utc(_wp_modified(node, wp), where),
                draft=status in _WP_DRAFTS,
                details={
                    k: v
                    for k, v in {
                        "canonical_url": link if status == "publish" else None,
                        "custom_excerpt": node.findtext(EXCERPT),
                    }.items()
                    if v
                },
            )
        )
    return items


def _wp_namespace(node):
    for child in node:
        if isinstance(child.tag, str) and child.tag.startswith(_WP_NAMESPACES):
            return child.tag.split("}")[0] + "}"
    return WP


def _wp_modified(node, wp):
    modified = node.findtext(f"{wp}post_modified_gmt")
    return None if modified in (None, "", "0000-00-00 00:00:00") else modified


def ghost_document(data):
    """The ``data`` of a Ghost export, or ``None`` when the JSON is not one."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    except RecursionError:  # nested past Python's stack: no export is
        raise ImportRefused(_("The JSON is nested too deeply to be an export.")) from None
    if isinstance(document, dict) and isinstance(document.get("db"), list) and document["db"]:
        document = document["db"][0]
    data = document.get("data") if isinstance(document, dict) else None
    return data if isinstance(data, dict) and isinstance(data.get("posts"), list) else None


def ghost_items(data):
    """Ghost's posts (its pages left out), with their tags."""
    tag_names = {
        tag["id"]: tag["name"]
        for tag in _dicts(data, "tags")
        if isinstance(tag.get("id"), str) and isinstance(tag.get("name"), str)
    }
    tags_of = {}
    for link in _dicts(data, "posts_tags"):
        if isinstance(link.get("post_id"), str) and link.get("tag_id") in tag_names:
            tags_of.setdefault(link["post_id"], []).append(tag_names[link["tag_id"]])
    items = []
    for post in _dicts(data, "posts"):
        if post.get("type", "post") != "post":
            continue
        text = {key: value for key, value in post.items() if isinstance(value, str)}
        title = text.get("title") or _("(untitled)")
        where = _("Ghost post “%(title)s”", title=title[:60])
        body = html_to_markdown(text["html"]) if text.get("html") else text.get("plaintext", "")
        items.append(
            Item(
                source=f"ghost:{text.get('uuid') or text.get('id')}",
                title=title,
                body=body,
                tags=tags_of.get(text.get("id"), []),
                timestamp=as_utc(text.get("published_at") or text.get("created_at"), where),
                updated=as_utc(text.get("updated_at"), where),
                draft=text.get("status") != "published",
                details={k: text[k] for k in ("canonical_url", "custom_excerpt") if text.get(k)},
            )
        )
    return items


def _dicts(data, key):
    """The objects of a list in Ghost's ``data`` (anything else: none)."""
    value = data.get(key)
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def feed_items(data):
    """The entries of an Atom or RSS feed (feedparser), each published."""
    feed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    items = []
    for entry in feed.entries:
        title = entry.get("title") or _("(untitled)")
        where = _("Feed entry “%(title)s”", title=title[:60])
        content = entry.get("content") or []
        html = content[0].get("value") if content else entry.get("summary", "")
        link = entry.get("link")
        source = entry.get("id") or link
        if not source:
            raise ImportRefused(_("%(where)s has neither an id nor a link.", where=where))
        items.append(
            Item(
                source=f"feed:{source}",
                title=title,
                body=html_to_markdown(html),
                tags=[tag.get("term") for tag in entry.get("tags") or [] if tag.get("term")],
                timestamp=_feed_date(entry, "published", where) or _feed_date(entry, "updated", where),
                updated=_feed_date(entry, "updated", where),
                details={"canonical_url": link} if link else {},
            )
        )
    return items


def _feed_date(entry, name, where):
    """feedparser reads many date styles; text it could not read is refused.
    (``dict.get``: feedparser's own maps a missing ``updated`` to ``published``.)"""
    text, parsed = dict.get(entry, name), dict.get(entry, f"{name}_parsed")
    if not text:
        return None
    if parsed is None:
        raise ImportRefused(_("%(where)s: “%(text)s” is not a date.", where=where, text=text[:60]))
    return datetime(*parsed[:6])  # feedparser gives UTC
