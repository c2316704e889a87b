"""What a file is, judged by its bytes (never its name), read into items
and checked whole: a file refused here changes nothing."""
from mongoengine.errors import ValidationError

from ..markup import ContentTooLarge
from ..models import Post
from . import archive, documents, zips
from .refusals import WRONG_KIND, ImportRefused

KINDS = {"inkwell": "an Inkwell export", "medium": "a Medium export", "wordpress": "WordPress WXR",
         "ghost": "a Ghost export", "feed": "an Atom or RSS feed"}


def read_file(data):
    """``(kind, items)`` of an uploaded file; raises :class:`ImportRefused`."""
    if archive.is_zip(data):
        members = archive.read_members(data)
        if zips.is_inkwell_export(members):
            return "inkwell", zips.inkwell_items(members)
        if zips.is_medium_export(members):
            return "medium", zips.medium_items(members)
        raise ImportRefused(WRONG_KIND)
    start = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"{"):
        ghost = documents.ghost_document(data)
        if ghost is not None:
            return "ghost", documents.ghost_items(ghost)
    elif start.startswith(b"<"):
        root = documents.parse_xml(data)
        if documents.is_wxr(root):
            return "wordpress", documents.wxr_items(root)
        if documents.is_feed(root):
            return "feed", documents.feed_items(data)
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
            raise ImportRefused(f"“{item.title[:80]}”: {_why(exc)} Nothing was imported.") from None
    return kind, items


def post_from(item, author, body, files=()):
    return Post.from_import(author, item.source, item.title, body, tags=item.tags,
                            timestamp=item.timestamp, updated=item.updated, draft=item.draft,
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
