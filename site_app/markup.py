"""The one place that turns Markdown into safe HTML.

Bodies are rendered when they are written, never per view. Markdown's own
HTML passes through, then nh3 (the Ammonia sanitiser) keeps an allow-list of
tags and attributes: headings, lists, links, code, images and tables
survive; scripts, event handlers, ``javascript:`` URLs and inline styles do
not.
"""
import re
import threading

import markdown
import nh3
from bson import ObjectId
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString
from xml.etree import ElementTree

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul", "dl", "dt", "dd",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "abbr": {"title"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
_COMMENT_TAGS = {"a", "b", "br", "code", "em", "i", "p", "pre", "strong", "blockquote",
                 "ul", "ol", "li", "del", "s"}
_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]
_FILE_LINK = re.compile(r"/files/([0-9a-fA-F]{24})(?![0-9a-fA-F])")
_COMMENT_EXTENSIONS = ["fenced_code", "sane_lists", "nl2br"]
# "@name" not inside a word or an email address; a name ends on a letter,
# digit or underscore, so the full stop after "@ana." is not part of it.
MENTION = re.compile(r"(?<![\w@.\-])@([A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?)")
MENTIONS_PER_TEXT = 20


def _clean_class(tag, attribute, value):
    # Only the classes code highlighting uses; no arbitrary styling hooks.
    if attribute == "class":
        kept = [c for c in value.split() if re.fullmatch(r"language-[\w+-]+|codehilite", c)]
        return " ".join(kept) or None
    return value


# Bounds on what one text may cost. Rendered HTML is stored in the post's
# (or comment's) document, which MongoDB caps at 16 MiB with its comments.
POST_HTML_MAX = 2_000_000
COMMENT_HTML_MAX = 100_000
# Python-Markdown's link patterns scan from every "[" to its "]" (or the
# end of the block): characters scanned grow with the square of nested or
# unclosed brackets (8,000 "[" took 10 s). About 0.3 s of work at the bound.
BRACKET_SCAN_MAX = 1_000_000
_BLOCK_BREAK = re.compile(r"\n[ \t]*\n")
_FENCED_CODE = re.compile(r"^(```|~~~).*?^\1", re.M | re.S)  # code: never scanned for links
_BRACKET = re.compile(r"[\[\]]")
_REFERENCE_DEFINITION = re.compile(r"\[[^\[\]\n]*\]:[^\n]*")


class ContentTooLarge(ValueError):
    """Text that would render past its bound, or cost too much to render;
    the message says which, for the writer."""


_parsers = threading.local()


class _MentionLinks(InlineProcessor):
    """``@name`` as a link to the profile, for the names the caller found to
    be members (``parser.mention_links``: name -> path); other ``@words``
    stay text. Markdown leaves code spans and blocks alone by itself."""

    def handleMatch(self, m, data):
        href = self.md.mention_links.get(m.group(1))
        if href is None:
            return None, None, None
        link = ElementTree.Element("a", {"href": href})
        link.text = AtomicString(m.group(0))  # not scanned again for mentions
        return link, m.start(0), m.end(0)


def mentioned_names(text):
    """The ``@names`` of a text, each once, in order, at most ``MENTIONS_PER_TEXT``."""
    return list(dict.fromkeys(MENTION.findall(text or "")))[:MENTIONS_PER_TEXT]


def _to_html(text, kind, extensions, mention_links=None):
    """Markdown to (unsanitised) HTML with a parser reused per thread.

    Building a ``Markdown`` object costs more than converting a comment, and
    one instance is not safe to share between threads, hence one a thread.
    """
    parser = getattr(_parsers, kind, None)
    if parser is None:
        parser = markdown.Markdown(extensions=extensions, output_format="html")
        # Before emphasis (50), after code spans (190) and escapes (180).
        parser.inlinePatterns.register(_MentionLinks(MENTION.pattern, parser), "mention", 175)
        setattr(_parsers, kind, parser)
    parser.mention_links = mention_links or {}
    return parser.reset().convert(text or "")


def render_markdown(text, mention_links=None):
    """Sanitised HTML for a post body, ``@names`` in ``mention_links``
    (name -> path) linked; raises :class:`ContentTooLarge`."""
    check_render_cost(text, POST_HTML_MAX)
    html = _to_html(text, "post", _EXTENSIONS, mention_links)
    return _within(nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener nofollow ugc",
        attribute_filter=_clean_class,
    ), POST_HTML_MAX)


def render_comment(text, mention_links=None):
    """Sanitised HTML for a comment: inline formatting and code, no images
    or headings; mentions as for posts. Raises :class:`ContentTooLarge`."""
    check_render_cost(text, COMMENT_HTML_MAX)
    html = _to_html(text, "comment", _COMMENT_EXTENSIONS, mention_links)
    return _within(nh3.clean(html, tags=_COMMENT_TAGS, attributes={"a": {"href", "title"}},
                             url_schemes=_URL_SCHEMES, link_rel="noopener nofollow ugc"),
                   COMMENT_HTML_MAX)


def check_render_cost(text, html_max):
    """Refuse, before any rendering, Markdown whose work or output could
    pass the bounds: reference links repeat their URL at every use (one
    2 KB reference used 14,000 times is 29 MB of HTML), and brackets cost
    scanning (see ``BRACKET_SCAN_MAX``). Both estimates are upper bounds
    that legitimate writing stays far below."""
    text = text or ""
    definitions = _REFERENCE_DEFINITION.findall(text)
    if definitions:
        # Every use of a reference starts with a "[" of its own.
        expanded = text.count("[") * max(len(d) for d in definitions)
        if len(text) + expanded > html_max:
            raise ContentTooLarge(
                f"This text repeats its reference links so often that it would be over "
                f"{html_max // 1000:,} KB once rendered; use fewer or shorter reference links.")
    if _bracket_scan_cost(text) > BRACKET_SCAN_MAX:
        raise ContentTooLarge("This text has too many unclosed or deeply nested square "
                              "brackets to render; close them or put them in a code block.")


def _bracket_scan_cost(text):
    """Characters the link patterns would scan: from each "[" to its
    matching "]", or to the end of its block when it has none."""
    cost = 0
    for block in _BLOCK_BREAK.split(_FENCED_CODE.sub("", text)):
        opened = []
        for match in _BRACKET.finditer(block):
            if match.group() == "[":
                opened.append(match.start())
            elif opened:
                cost += match.start() - opened.pop()
        cost += sum(len(block) - start for start in opened)
    return cost


def _within(html, html_max):
    if len(html.encode("utf-8")) > html_max:
        raise ContentTooLarge(f"This text would be over {html_max // 1000:,} KB once rendered; "
                              "shorten it.")
    return html


def plain_text(html):
    """Text of sanitised HTML, whitespace collapsed (excerpts, feeds, search)."""
    text = nh3.clean(html or "", tags=set())
    text = re.sub(r"\s+", " ", text).strip()
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&#39;", "'").replace("&amp;", "&"))


def excerpt(html, length=240):
    text = plain_text(html)
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + "…"


def file_ids_in(markdown_text):
    """The stored files a body refers to (``/files/<id>`` links), as
    ObjectIds, each once, in order of appearance."""
    seen = []
    for match in _FILE_LINK.finditer(markdown_text or ""):
        file_id = ObjectId(match.group(1).lower())
        if file_id not in seen:
            seen.append(file_id)
    return seen
