"""What every format is read into: one :class:`Item` a post, with its
Markdown and the images (bytes) its links point to."""

import posixpath
import re
from dataclasses import dataclass, field
from datetime import datetime

from bs4 import BeautifulSoup
from markdownify import MarkdownConverter

# Markdown image and link targets: ``](target)`` or ``](target "title")``.
_LINK_TARGET = re.compile(r"(\]\()(<[^>\n]+>|[^)\s]+)")
# Never carried into Markdown (the render would drop them; their text too).
_DROPPED_TAGS = ("script", "style", "iframe", "object", "embed", "form", "noscript")
_CONVERTER = MarkdownConverter(heading_style="ATX", bullets="-")


@dataclass
class Item:
    source: str  # the source's own id for the post ("ghost:5f…")
    title: str
    body: str  # Markdown
    tags: list = field(default_factory=list)
    timestamp: datetime | None = None
    updated: datetime | None = None
    draft: bool = False
    details: dict = field(default_factory=dict)  # subtitle, custom_excerpt, canonical_url
    publish_at: datetime | None = None  # a draft's scheduled time (Inkwell's own export)
    lang: str | None = None  # the post's language (Inkwell's own export)
    images: dict = field(default_factory=dict)  # link target in the body -> bytes

    @property
    def canonical_url(self):
        return self.details.get("canonical_url")


def html_to_markdown(html):
    """Markdown for a source's HTML (markdownify); the site's own render
    sanitises it again when the post is stored, like any writer's text."""
    soup = BeautifulSoup(html or "", "html.parser")
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    markdown = _CONVERTER.convert_soup(soup)  # the soup parsed once, not again from text
    return re.sub(r"\n{3,}", "\n\n", markdown).strip()


def images_beside(body, folder, members):
    """The archive's files the body links to, by the target as written:
    relative to the post's ``folder`` or from the archive's root."""
    found = {}
    for _open, target in _LINK_TARGET.findall(body):
        path = target.strip("<>")
        if "://" in path or path.startswith(("/", "#", "mailto:")):
            continue
        for candidate in (posixpath.normpath(posixpath.join(folder, path)), posixpath.normpath(path)):
            if members.get(candidate):
                found[target] = members[candidate]
                break
    return found


def relink(body, urls):
    """The body with each target in ``urls`` (as written) replaced by its URL."""
    return _LINK_TARGET.sub(lambda m: m.group(1) + urls.get(m.group(2), m.group(2)), body)
