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


def _clean_class(tag, attribute, value):
    # Only the classes code highlighting uses; no arbitrary styling hooks.
    if attribute == "class":
        kept = [c for c in value.split() if re.fullmatch(r"language-[\w+-]+|codehilite", c)]
        return " ".join(kept) or None
    return value


_parsers = threading.local()


def _to_html(text, kind, extensions):
    """Markdown to (unsanitised) HTML with a parser reused per thread.

    Building a ``Markdown`` object costs more than converting a comment, and
    one instance is not safe to share between threads, hence one a thread.
    """
    parser = getattr(_parsers, kind, None)
    if parser is None:
        parser = markdown.Markdown(extensions=extensions, output_format="html")
        setattr(_parsers, kind, parser)
    return parser.reset().convert(text or "")


def render_markdown(text):
    """Sanitised HTML for a post body."""
    html = _to_html(text, "post", _EXTENSIONS)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener nofollow ugc",
        attribute_filter=_clean_class,
    )


def render_comment(text):
    """Sanitised HTML for a comment: inline formatting and code, no images
    or headings."""
    html = _to_html(text, "comment", _COMMENT_EXTENSIONS)
    return nh3.clean(html, tags=_COMMENT_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes=_URL_SCHEMES, link_rel="noopener nofollow ugc")


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
