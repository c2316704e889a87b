"""The one pagination helper for pages and the API.

Lists that grow with the site (posts, bookmarks, comments across posts)
page by a key: ``?after=<key>`` is the page after an item, ``?before=<key>``
the page before one, ``?page=-1`` the last page (the same query in reverse
order). Every page costs the same: an index range and ``per_page + 1``
documents (the extra one says whether there is a next page), never a
``skip`` over the pages before it and never a count of the whole list (on
a sharded cluster every shard would send mongos skip + limit documents).

Old ``?page=N`` links keep working: the first few pages
(``MAX_NUMBERED_PAGE``) are served with a skip bounded by that many pages;
a deeper number was, on the numbered pager, the last page's link (or near
it), so it redirects to ``?page=-1``.

Lists bounded by their document (a post's comments, an in-memory search)
keep numbered pages: ``paginate_list`` and ``Page``. Page numbers come from
users and links, so they are forgiving: a missing or non-numeric page is
page 1, ``-1`` means the last page, and a page past the end is the last
page: a web page redirects there, so its address names the page it shows
(the API answers the last page, its clients follow links). A malformed key
is the first page, as a malformed number is.
"""

from datetime import datetime
from math import ceil

from bson import ObjectId
from bson.errors import InvalidId
from flask import abort, has_request_context, redirect, request, url_for
from mongoengine.queryset.visitor import Q

# Old ``?page=N`` links served by a skip: at most this many pages deep.
MAX_NUMBERED_PAGE = 10


def page_arg(name="page", default=1):
    """The requested page number: an int >= 1, or -1 for the last page."""
    raw = request.args.get(name, "")
    try:
        page = int(raw)
    except (TypeError, ValueError):
        return default
    if page == -1:
        return -1
    return page if page >= 1 else default


class Page:
    """One page of a query: ``items``, ``page``, ``pages``, ``total``."""

    def __init__(self, items, page, per_page, total):
        self.items = items
        self.page = page
        self.per_page = per_page
        self.total = total
        self.pages = page_count(total, per_page) if per_page else 1

    @property
    def has_prev(self):
        return self.page > 1

    @property
    def has_next(self):
        return self.page < self.pages

    @property
    def prev_num(self):
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self):
        return self.page + 1 if self.has_next else None

    def iter_pages(self, left_edge=1, left_current=2, right_current=2, right_edge=1):
        """Page numbers for a pager, with ``None`` where numbers are skipped."""
        last = 0
        for num in range(1, self.pages + 1):
            if (
                num <= left_edge
                or self.page - left_current <= num <= self.page + right_current
                or num > self.pages - right_edge
            ):
                if last + 1 != num:
                    yield None
                yield num
                last = num


def page_count(total, per_page):
    """How many pages ``total`` items fill (at least one, even when empty)."""
    return max(1, ceil(total / per_page))


def clamp_page(page, total, per_page):
    """The page to show for a requested one: ``-1`` or past the end is the
    last page, anything below 1 is the first."""
    pages = page_count(total, per_page)
    if page > pages:
        _redirect_past_the_end(page, pages)
    if page == -1 or page > pages:
        return pages
    return max(1, page)


def _redirect_past_the_end(page, last):
    """Send a browser that asked for ``?page=<past the end>`` to the last
    page's own URL (other query arguments kept)."""
    if has_request_context() and page_arg() == page:
        _redirect_to_page(last)


def paginate(queryset, page, per_page):
    """One page of a MongoEngine queryset: a count and one ranged find."""
    total = queryset.count()
    page = clamp_page(page, total, per_page)
    items = list(queryset.skip((page - 1) * per_page).limit(per_page))
    return Page(items, page, per_page, total)


def paginate_list(values, page, per_page):
    """The same for a list already in memory (e.g. ids on a document)."""
    total = len(values)
    page = clamp_page(page, total, per_page)
    start = (page - 1) * per_page
    return Page(values[start : start + per_page], page, per_page, total)


# -- pages by key ---------------------------------------------------------------


def encode_key(value, oid):
    """The key of an item: its time (microseconds, as the embedded backend
    keeps them; MongoDB's milliseconds encode the same), or its text (a
    list by name), and its id."""
    if isinstance(value, datetime):
        return f"{value:%Y%m%d%H%M%S%f}-{oid}"
    return f"{value}-{oid}"


def decode_key(text, text_key=False):
    """``(datetime, ObjectId)`` of a key (``(str, ObjectId)`` with
    ``text_key``), or ``None`` when malformed."""
    if text_key:  # the text may hold "-"; the id never does
        value, _, oid = (text or "").rpartition("-")
    else:
        moment, _, oid = (text or "").partition("-")
    try:
        return (value if text_key else datetime.strptime(moment, "%Y%m%d%H%M%S%f")), ObjectId(oid)
    except (ValueError, InvalidId, TypeError):
        return None


class KeyedPage:
    """One page of a list paged by key: ``items`` (in list order),
    ``has_prev``, ``has_next``; ``prev_args`` / ``next_args`` / ``last_args``
    are the query arguments of the neighbouring pages (``None`` when there
    is none)."""

    def __init__(self, items, has_prev, has_next, field):
        self.items = items
        self.has_prev = has_prev
        self.has_next = has_next
        self.field = field

    def _key(self, item):
        return encode_key(getattr(item, self.field), item.id)

    @property
    def prev_args(self):
        return {"before": self._key(self.items[0])} if self.has_prev and self.items else None

    @property
    def next_args(self):
        return {"after": self._key(self.items[-1])} if self.has_next and self.items else None

    @property
    def first_args(self):
        return {} if self.has_prev else None

    @property
    def last_args(self):
        return {"page": -1} if self.has_next else None

    @property
    def is_empty(self):
        return not self.items


def page_by_key(queryset, per_page, field="timestamp", by_name=False):
    """The requested page of ``queryset``, a list ordered newest first by
    ``(-field, -id)`` and served by an index ending in those two keys; with
    ``by_name``, a list in ``(field, id)`` order whose ``field`` is text
    (people by username)."""
    after = decode_key(request.args.get("after"), text_key=by_name)
    before = decode_key(request.args.get("before"), text_key=by_name)
    onward, back = ("gt", "lt") if by_name else ("lt", "gt")
    _backward = _reading_back(by_name)
    number = page_arg()
    if after:
        page = _forward(queryset.filter(_beyond(field, after, onward)), per_page, field, True)
        if page.is_empty:  # the key was the last item (since deleted, or a hand-made key)
            _redirect_to_page(-1)
            return _backward(queryset, per_page, field, has_next=False)
        return page
    if before:
        page = _backward(queryset.filter(_beyond(field, before, back)), per_page, field, has_next=True)
        if page.is_empty:  # nothing newer than the key: the first page
            _redirect_to_page(None)
            return _forward(queryset, per_page, field, has_prev=False)
        return page
    if number == -1:
        return _backward(queryset, per_page, field, has_next=False)
    if number > MAX_NUMBERED_PAGE:
        _redirect_to_page(-1)
        return _backward(queryset, per_page, field, has_next=False)
    page = _forward(queryset.skip((number - 1) * per_page), per_page, field, number > 1)
    if number > 1 and page.is_empty:  # past the end: the last page
        _redirect_to_page(-1)
        return _backward(queryset, per_page, field, has_next=False)
    return page


def _beyond(field, key, direction):
    """Items strictly past ``key`` in ``direction`` (``lt``: older). The
    range on ``field`` bounds the index scan; the ``$or`` only sorts out
    the items of the key's very moment by id."""
    moment, oid = key
    return Q(**{f"{field}__{direction}e": moment}) & (
        Q(**{f"{field}__{direction}": moment}) | Q(**{f"id__{direction}": oid})
    )


def _forward(queryset, per_page, field, has_prev):
    items = list(queryset.limit(per_page + 1))
    return KeyedPage(items[:per_page], has_prev, len(items) > per_page, field)


def _reading_back(by_name):
    """How to read the ``per_page`` items before a point (or the list's
    end): in reverse order through the same index, turned back."""
    reverse = "-" if by_name else "+"

    def backward(queryset, per_page, field, has_next):
        items = list(queryset.order_by(f"{reverse}{field}", f"{reverse}id").limit(per_page + 1))
        return KeyedPage(items[:per_page][::-1], len(items) > per_page, has_next, field)

    return backward


def _redirect_to_page(number):
    """A browser's deep or past-the-end ``?page=N`` goes to ``page=number``
    (``None``: the first page; other query arguments kept); the API answers
    that page in place."""
    if (
        not has_request_context()
        or request.method != "GET"
        or request.endpoint is None
        or request.blueprint == "api"
    ):
        return
    arguments = {
        name: value
        for name, value in request.args.to_dict().items()
        if name not in ("after", "before", "page")
    }
    if number is not None:
        arguments["page"] = number
    abort(redirect(url_for(request.endpoint, **(request.view_args or {}), **arguments)))
