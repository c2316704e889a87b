"""Views of a post counted where the page is answered, the page cache's
hits included, without cookies, scripts or third parties.

Why on the path and not a beacon: a beacon needs a script (readers without
one would go uncounted) and a second request per view, which costs the
server more than the one upsert counted here (BENCHMARKS.md, "View
counting"). ``@counts_views`` sits outside ``@cached_page``, so it runs for
every answer, rendered or served from the cache.

Counted: a ``GET`` answered 200 or 304 (a browser revalidating its copy is
a reader reading again) by a client that is not a crawler by its
User-Agent (crawlerdetect's list; an empty one is no browser) and not a
prefetch. Not counted: the writer's own views and drafts (only their
editors see those). A counting failure is logged, never the reader's
problem.

Views are tallied in the process and written together, one ``$inc``
upsert a post and day, at most every ``VIEW_COUNT_FLUSH_SECONDS`` (by the first
request after that long, and when the process ends): a write per view
would cost a cached page a fifth of its speed. A process killed outright
loses at most that many seconds of its views, and so does a flush the
database refuses (logged).
"""

import atexit
import logging
import threading
import time
from collections import Counter
from functools import wraps

from crawlerdetect import CrawlerDetect
from flask import current_app, g, make_response, request
from flask_login import current_user

from .models import Post, utcnow
from .models.post_days import PostDay, day_of
from .models.signals import comment_posted, comment_removed

log = logging.getLogger(__name__)

COUNTED_STATUSES = {200, 304}
# One detector for the process: it remembers its answers per User-Agent
# (its own bounded LRU), and agents repeat, while matching one it has not
# seen costs 0.2-0.5 ms (a regex of every known crawler).
_CRAWLERS = CrawlerDetect()


def counts_views(view):
    """Count each answer of a post page (``post_id`` among the view's
    arguments) as a view when a reader got it."""

    @wraps(view)
    def wrapper(**kwargs):
        response = make_response(view(**kwargs))
        if response.status_code in COUNTED_STATUSES and request.method == "GET" and is_reader():
            try:
                _count(kwargs["post_id"])
            except Exception:
                log.exception("a view of post %s was not counted", kwargs["post_id"])
        return response

    return wrapper


def post_shown(post):
    """Called by the view that renders the page: what the counter needs to
    know of it (a cached answer has no post; only anonymous readers get
    those, who are neither its writer nor shown drafts)."""
    g.post_shown = (post.author_id, bool(post.draft))
    _remember(post.id, post.author_id)


def is_reader():
    """A person's browser, as far as a request tells."""
    agent = request.user_agent.string
    if not agent or _CRAWLERS.is_crawler(agent):
        return False
    # Link prefetching (Chrome's Sec-Purpose, Firefox's X-Moz, older Purpose).
    purpose = (
        request.headers.get("Sec-Purpose")
        or request.headers.get("Purpose")
        or request.headers.get("X-Moz")
        or ""
    )
    return "prefetch" not in purpose.lower()


def _count(post_id):
    shown = g.get("post_shown")
    if shown is None:
        author = author_of(post_id)
    else:
        author, draft = shown
        if draft or (current_user.is_authenticated and current_user.id == author):
            return
    if author is not None:
        _tally().add((post_id, author, day_of(utcnow())))


class ViewTally:
    """Views counted in this process and not yet written."""

    def __init__(self, seconds):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._counts = Counter()
        self._since = time.monotonic()

    def add(self, key):
        with self._lock:
            self._counts[key] += 1
            due = time.monotonic() - self._since >= self.seconds
        if due:
            self.flush()

    def flush(self):
        """Write what is tallied (taken first, so two flushes never write a view twice)."""
        with self._lock:
            counts, self._counts = self._counts, Counter()
            self._since = time.monotonic()
        PostDay.count_views(counts)


def _tally():
    return current_app.extensions["view_tally"]


def flush_views():
    """Write this process's tallied views now (``/stats`` reads after it)."""
    _tally().flush()


def init_app(app):
    """The app's tally; with a flush interval, its views are written at exit
    too (not a test's app: its database is gone by then)."""
    tally = app.extensions["view_tally"] = ViewTally(app.config["VIEW_COUNT_FLUSH_SECONDS"])
    if tally.seconds > 0 and not app.testing:
        atexit.register(_flush_at_exit, app)


def _flush_at_exit(app):
    try:
        with app.app_context():
            app.extensions["view_tally"].flush()
    except Exception:
        log.exception("views tallied at exit were not written")


# post id -> its writer, per process. A post's writer never changes, so a
# cached page's count costs one write, not a read too. Bounded: the oldest
# entry goes first.
_AUTHORS = {}
AUTHORS_KEPT = 4096


def author_of(post_id):
    """The writer of a post (``None``: no such post)."""
    author = _AUTHORS.get(post_id)
    if author is None:
        found = Post._get_collection().find_one({"_id": post_id}, {"author": 1})
        author = None if found is None else found["author"]
        if author is not None:
            _remember(post_id, author)
    return author


def _remember(post_id, author):
    if len(_AUTHORS) >= AUTHORS_KEPT:
        try:
            _AUTHORS.pop(next(iter(_AUTHORS)), None)
        except (RuntimeError, StopIteration):  # another thread changed it meanwhile
            pass
    _AUTHORS[post_id] = author


def _on_comment_posted(sender, post, **_):
    author = author_of(post)
    if author is not None:
        PostDay.count(post, author, field="comments")


def _on_comment_removed(sender, post, comment, **_):
    PostDay.uncount_comment(post, comment)


def _on_post_deleted(sender, document, **_):
    PostDay.forget_post(document.id)


def connect_signals():
    """Comments counted per day as they are written and removed; a deleted
    post's days go with it."""
    from mongoengine import signals as document_signals

    comment_posted.connect(_on_comment_posted, weak=False)
    comment_removed.connect(_on_comment_removed, weak=False)
    document_signals.post_delete.connect(_on_post_deleted, sender=Post, weak=False)
