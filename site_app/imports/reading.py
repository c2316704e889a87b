"""What a file is, judged by its bytes (never its name), and its items
checked whole before any is stored.

Two steps, so the upload's request stays short however many posts a file
holds: :func:`kind_of` (the request) opens the file, which is where the
hostile ones are caught (zip bounds and paths, XML entities, the wrong
kind); :func:`checked_items` (the job, before it stores anything) reads
every post and checks its dates, sizes and fields.
"""

from functools import partial

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from mongoengine.errors import ValidationError

from ..markup import ContentTooLarge
from ..models import Post
from . import archive, documents, zips
from .refusals import WRONG_KIND, ImportRefused

KINDS = {
    "inkwell": _l("an Inkwell export"),
    "medium": _l("a Medium export"),
    "wordpress": _l("WordPress WXR"),
    "ghost": _l("a Ghost export"),
    "feed": _l("an Atom or RSS feed"),
}


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
        raise ImportRefused(_("This file is %(kind)s, but it holds no posts.", kind=KINDS[kind]))
    for item in items:
        try:
            post_from(item, author, item.body)
        except (ValidationError, ContentTooLarge) as exc:
            raise ImportRefused(_("“%(title)s”: %(why)s", title=item.title[:80], why=_why(exc))) from None
    return kind, items


def post_from(item, author, body, files=()):
    return Post.from_import(
        author,
        item.source,
        item.title,
        body,
        tags=item.tags,
        timestamp=item.timestamp,
        updated=item.updated,
        draft=item.draft,
        publish_at=item.publish_at,
        lang=item.lang,
        details=item.details,
        files=files,
    )


def _why(exc):
    if isinstance(exc, ValidationError) and exc.errors:
        return " ".join(_field_problem(name, error) for name, error in exc.errors.items())
    return str(exc)


# A post's fields as a sentence names them ("its title is over …").
_FIELD_NAMES = {
    "title": _l("title"),
    "subtitle": _l("subtitle"),
    "body": _l("body"),
    "tags": _l("tags"),
    "custom_excerpt": _l("custom excerpt"),
    "canonical_url": _l("canonical URL"),
    "lang": _l("language"),
}


def _field_problem(name, error):
    label = _FIELD_NAMES.get(name) or name.replace("_", " ")
    limit = getattr(Post._fields.get(name), "max_length", None)
    message = str(getattr(error, "message", error))
    if limit and "too long" in message:
        return _("its %(field)s is over %(limit)s characters.", field=label, limit=format_number(limit))
    return _("its %(field)s: %(message)s.", field=label, message=message)
