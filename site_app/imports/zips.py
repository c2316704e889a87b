"""The two zip formats: Inkwell's own export, and Medium's."""

import json
import posixpath
from datetime import date, datetime

import frontmatter
import yaml
from bs4 import BeautifulSoup
from flask_babel import gettext as _

from .items import Item, html_to_markdown, images_beside
from .refusals import ImportRefused, as_utc


def is_inkwell_export(members):
    return "account.json" in members and any(_is_inkwell_post(name) for name in members)


def is_medium_export(members):
    return any(_is_medium_post(name) for name in members)


def inkwell_items(members):
    """Each ``posts/<dir>/index.md`` (front matter + Markdown), images beside it."""
    try:
        json.loads(members["account.json"])
    except ValueError:
        raise ImportRefused(_("account.json in the zip is not JSON.")) from None
    return [_inkwell_item(name, members) for name in sorted(members) if _is_inkwell_post(name)]


def medium_items(members):
    """Each ``posts/*.html`` of a Medium export (published ones carry
    their time; drafts have none)."""
    return [_medium_item(name, members[name]) for name in sorted(members) if _is_medium_post(name)]


def _is_inkwell_post(name):
    parts = name.split("/")
    return len(parts) == 3 and parts[0] == "posts" and parts[2] == "index.md"


def _is_medium_post(name):
    parts = name.split("/")
    return len(parts) == 2 and parts[0] == "posts" and parts[1].endswith(".html")


def _inkwell_item(name, members):
    try:
        page = frontmatter.loads(_text(members[name], name))
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise ImportRefused(
            _("%(name)s: its front matter cannot be read (%(error)s).", name=name, error=exc)
        ) from None
    meta = page.metadata
    post_id, title = _scalar(meta, "id", name), _scalar(meta, "title", name)
    if not post_id or not title:
        raise ImportRefused(_("%(name)s: its front matter has no id or no title.", name=name))
    tags = meta.get("tags") or []
    # Only plain strings: YAML aliases can make a small file into a
    # structure that would take forever to turn into text.
    if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
        raise ImportRefused(_("%(name)s: tags must be a list of words.", name=name))
    details = {
        "subtitle": _scalar(meta, "subtitle", name),
        "custom_excerpt": _scalar(meta, "excerpt", name),
        "canonical_url": _scalar(meta, "canonical_url", name),
    }
    return Item(
        source=f"inkwell:{post_id}",
        title=title,
        body=page.content,
        tags=tags,
        timestamp=as_utc(_dated(meta, "date", name), name),
        updated=as_utc(_dated(meta, "updated", name), name),
        draft=meta.get("draft") is True,
        publish_at=as_utc(_dated(meta, "publish_at", name), name),
        lang=_scalar(meta, "lang", name),
        details={k: v for k, v in details.items() if v},
        images=images_beside(page.content, posixpath.dirname(name), members),
    )


def _scalar(meta, key, where):
    """A front matter value as text, or ``None``; lists and maps refused."""
    value = meta.get(key)
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, (str, int, float)):
        raise ImportRefused(_("%(where)s: %(key)s must be a single value.", where=where, key=key))
    return str(value)


def _dated(meta, key, where):
    value = meta.get(key)
    return value if isinstance(value, (datetime, date)) else _scalar(meta, key, where)


def _medium_item(name, data):
    soup = BeautifulSoup(_text(data, name), "html.parser")
    title = soup.find(class_="p-name") or soup.find("title")
    body = soup.find(attrs={"data-field": "body"}) or soup.find(class_="e-content") or soup.body
    published = soup.find("time", class_="dt-published")
    canonical = soup.find("a", class_="p-canonical")
    subtitle = soup.find(attrs={"data-field": "subtitle"})
    if body is None or title is None:
        raise ImportRefused(_("%(name)s: not a Medium post (no title or body).", name=name))
    url = canonical.get("href") if canonical else None
    return Item(
        source=f"medium:{url or posixpath.basename(name)}",
        title=title.get_text(" ", strip=True),
        body=html_to_markdown(body.decode_contents()),
        timestamp=as_utc(published.get("datetime") if published else None, name),
        draft=published is None,
        details={
            k: v
            for k, v in {
                "canonical_url": url,
                "subtitle": (subtitle.get_text(" ", strip=True) if subtitle else None),
            }.items()
            if v
        },
    )


def _text(data, name):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(_("%(name)s is not UTF-8 text.", name=name)) from None
