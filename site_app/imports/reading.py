"""What a file is, judged by its bytes (never its name), and its items
checked whole before any is stored.

Two steps, so the upload's request stays short however many posts a file
holds: :func:`kind_of` (the request) opens the file, which is where the
hostile ones are caught (zip bounds and paths, XML entities, the wrong
kind); :func:`checked_items` (the job, before it stores anything) reads
every post and checks its dates, sizes and fields.
"""
from functools import partial

from mongoengine.errors import ValidationError

from ..markup import ContentTooLarge
from ..models import Post
from . import archive, documents, zips
from .refusals import WRONG_KIND, ImportRefused

KINDS = {"inkwell": "an Inkwell export", "medium": "a Medium export", "wordpress": "WordPress WXR",
         "ghost": "a Ghost export", "feed": "an Atom or RSS feed"}


def kind_of(data):
    """Which format the file is; raises :class:`ImportRefused`."""
    return _opened(data)[0]


def read_file(data):
    """``(kind, items)`` of an uploaded file; raises :class:`ImportRefused`."""
    kind, items_of = _opened(data)
    return kind, items_of()


def _opened(data):
    """``(kind, a function reading its items)``."""
    if archive.is_zip(data):
        members = archive.read_members(data)
        if zips.is_inkwell_export(members):
            return "inkwell", partial(zips.inkwell_items, members)
        if zips.is_medium_export(members):
            return "medium", partial(zips.medium_items, members)
        raise ImportRefused(WRONG_KIND)
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"{"):
        ghost = documents.ghost_document(data)
        if ghost is not None:
            return "ghost", partial(documents.ghost_items, ghost)
    elif start.startswith(b"<"):
        root = documents.parse_xml(data)
        if documents.is_wxr(root):
            return "wordpress", partial(documents.wxr_items, root)
        if documents.is_feed(root):
            return "feed", partial(documents.feed_items, data)
    raise ImportRefused(WRONG_KIND)


def checked_items(data, author):
    """``(kind, items)`` once every item would make a valid post of
    ``author`` (dates, sizes, fields), else :class:`ImportRefused` naming
    the first that would not."""
    kind, items = read_file(data)
    if not items:
        raise ImportRefused(f"This file is {KINDS[kind]}, but it holds no posts.")
    for item in items:
        try:
            post_from(item, author, item.body)
        except (ValidationError, ContentTooLarge) as exc:
            raise ImportRefused(f"“{item.title[:80]}”: {_why(exc)}") from None
    return kind, items


def post_from(item, author, body, files=()):
    return Post.from_import(author, item.source, item.title, body, tags=item.tags,
                            timestamp=item.timestamp, updated=item.updated, draft=item.draft,
                            publish_at=item.publish_at, lang=item.lang,
                            details=item.details, files=files)


def _why(exc):
    if isinstance(exc, ValidationError) and exc.errors:
        return " ".join(_field_problem(name, error) for name, error in exc.errors.items())
    return str(exc)


def _field_problem(name, error):
    label = name.replace("_", " ")
    limit = getattr(Post._fields.get(name), "max_length", None)
    message = str(getattr(error, "message", error))
    if limit and "too long" in message:
        return f"its {label} is over {limit:,} characters."
    return f"its {label}: {message}."
