"""The one pagination helper for pages and the API.

Page numbers come from users and links, so they are forgiving: a missing or
non-numeric page is page 1, ``-1`` means the last page, and a page past the
end is the last page: a web page redirects there, so its address names the
page it shows (the API answers the last page, its clients follow links).
"""
from math import ceil

from flask import abort, has_request_context, redirect, request, url_for


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
            if (num <= left_edge
                    or self.page - left_current <= num <= self.page + right_current
                    or num > self.pages - right_edge):
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
    if (not has_request_context() or request.method != "GET" or request.endpoint is None
            or request.blueprint == "api" or page_arg() != page):
        return
    arguments = {**(request.view_args or {}), **request.args.to_dict(), "page": last}
    abort(redirect(url_for(request.endpoint, **arguments)))


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
    return Page(values[start:start + per_page], page, per_page, total)
