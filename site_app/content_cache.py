"""When a cached page goes stale: *generations* of what pages show.

A page depends on *scopes*, each with a generation number kept in the
shared cache (Redis in production, so every worker sees the same numbers):

- ``site``            every page (a bulk reseed, a deleted account);
- ``newest``          which posts are the newest (home, the site feed);
- ``search``          which posts match which words (search results);
- ``tag:<tag>``       which posts carry a tag (its page and feed);
- ``post:<id>``       one post: its page and every card that shows it
                      (title, excerpt, comment count, likes ...);
- ``author:<id>``     one account: everything that shows it (name, avatar
                      on cards and comments), its profile and the lists of
                      its posts, followers and following.

``post:`` and ``author:`` scopes are recorded while a page is rendered:
every ``Post`` and ``User`` document loaded then is something the page
shows (``record_loaded_documents``). The others are named by the view
(``page_cache.cached_page``). A write bumps the scopes it touched
(``invalidate``): the models announce atomic updates with
``models.signals.content_changed``, MongoEngine announces saves and
deletions, and every listener is here. A comment on one post bumps only
that post's scope, so the other posts' pages stay cached.

Generations are numbers from one shared counter (``pc:seq``, started from
the clock in microseconds, so a counter lost with the cache restarts above
every number issued before). A page rendered after reading the counter as
``s`` is stored only when none of its scopes is above ``s``: a write that
landed while it was being rendered makes it uncacheable instead of
silently stale. ``CACHE_TYPE=NullCache`` (testing) stores nothing.
"""

import logging
import time

from flask import current_app, g, has_app_context

from .extensions import cache

log = logging.getLogger(__name__)

SEQUENCE_KEY = "pc:seq"
# Generations and the counter are kept without a timeout, pages and parts
# with one: the bounded in-process store and Redis under `volatile-lru`
# evict only entries that expire, so the numbers that say whether a page is
# fresh are never evicted (README, "Redis in production").
GENERATION_TIMEOUT = 0
SITE, NEWEST, SEARCH = "site", "newest", "search"


def post_scope(post_id):
    return f"post:{post_id}"


def author_scope(user_id):
    return f"author:{user_id}"


def tag_scope(tag):
    return f"tag:{tag}"


def _key(scope):
    return f"pc:gen:{scope}"


def _caching():
    return has_app_context() and "cache" in current_app.extensions


def sequence():
    """The counter now, started if need be; ``None`` when nothing is stored
    (``NullCache``)."""
    value = cache.get(SEQUENCE_KEY)
    if value is None:
        cache.add(SEQUENCE_KEY, time.time_ns() // 1000, timeout=GENERATION_TIMEOUT)
        value = cache.get(SEQUENCE_KEY)
    return value


def generations(keys):
    """``{generation key: number or None}`` for ``keys``, in one read."""
    keys = list(keys)
    return dict(zip(keys, cache.get_many(*keys))) if keys else {}


def generation_keys(scopes):
    return [_key(scope) for scope in scopes]


def current_generations(keys, number=None):
    """``generations(keys)``, the scopes never bumped (or evicted) started at
    ``number`` (by default the counter now; ``None`` for those when nothing
    is stored, ``NullCache``)."""
    current = generations(keys)
    missing = [key for key, value in current.items() if value is None]
    if missing:
        number = sequence() if number is None else number
        if number is not None:
            current.update(start_missing(missing, number))
    return current


def start_missing(keys, number):
    """Give scopes never bumped (or evicted) the generation ``number`` and
    return them as they now are. A number evicted the moment after a bump is
    the one case this cannot tell from "never bumped"; both backends evict
    the entries written last, last (SimpleCache the soonest-expiring first,
    Redis the least recently used)."""
    for key in keys:
        cache.add(key, number, timeout=GENERATION_TIMEOUT)
    return generations(keys)


def invalidate(*scopes):
    """Bump ``scopes``: every page that depends on one of them is stale."""
    if not scopes or not _caching():
        return
    try:
        cache.add(SEQUENCE_KEY, time.time_ns() // 1000, timeout=GENERATION_TIMEOUT)
        # The backend's own inc: atomic (Redis INCR, SimpleCache under its lock).
        number = cache.cache.inc(SEQUENCE_KEY)
        if number is not None:
            cache.set_many({_key(scope): number for scope in set(scopes)}, timeout=GENERATION_TIMEOUT)
    except Exception:  # a cache outage must not fail the write that changed content
        # (the store's breaker logs the outage; on recovery every page is stale)
        log.debug("could not invalidate cached pages %s", sorted(set(scopes)))


def mark_all_stale(backend):
    """After the cache was unreachable: an invalidation may have been lost
    meanwhile (a post deleted while Redis was paused comes back with its
    data), so bump the site's generation, which every page and part
    depends on, straight on ``backend`` before it is trusted again. Raises
    when the store is still away."""
    backend.add(SEQUENCE_KEY, time.time_ns() // 1000, timeout=GENERATION_TIMEOUT)
    number = backend.inc(SEQUENCE_KEY)
    if number is None or not backend.set(_key(SITE), number, timeout=GENERATION_TIMEOUT):
        raise RuntimeError("the site's generation could not be bumped")


def content_changed():
    """Every cached page is stale (a bulk change: seeding)."""
    invalidate(SITE)


def cached(name, build, scopes=(NEWEST,)):
    """``build()``'s value, shared by every reader until one of ``scopes``
    (or the site) changes: a part of pages computed from many posts (writers
    who posted lately, popular tags). It is stored under the generations
    read *before* building, so a write landing meanwhile leaves it under
    numbers no later reader asks for."""
    if not _caching():
        return build()
    try:
        keys = generation_keys([SITE, *scopes])
        numbers = current_generations(keys)
    except Exception:  # a cache outage costs a computation, never the page
        log.debug("could not read the generations of %s", name)
        numbers = None
    if not numbers or None in numbers.values():
        return build()
    key = "pc:part:" + name + ":" + ".".join(str(numbers[k]) for k in keys)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=current_app.config["PAGE_CACHE_TIMEOUT"])
    return value


# -- what a page shows, recorded while it renders ------------------------------


def start_recording(scopes):
    g.page_scopes = set(scopes)


def stop_recording():
    return g.pop("page_scopes", set())


def _record(scope):
    if has_app_context():
        recorded = g.get("page_scopes")
        if recorded is not None:
            recorded.add(scope)


def record_lists(*scopes):
    """The page being rendered shows these lists too: scopes known only
    while it renders (the related posts of a post's tags)."""
    for scope in scopes:
        _record(scope)


def _on_post_loaded(sender, document, **kwargs):
    if document.pk is not None:
        _record(post_scope(document.pk))


def _on_user_loaded(sender, document, **kwargs):
    if document.pk is not None:
        _record(author_scope(document.pk))


# -- what a write changed ------------------------------------------------------


def _ids(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple, set)) else [value]


def _on_content_change(
    sender, post=None, author=None, tags=None, site=False, newest=False, people=False, **extra
):
    """``models.signals.content_changed``: the keywords name what changed."""
    scopes = [SITE] if site else []
    scopes += [NEWEST] if newest else []
    scopes += [SEARCH] if people else []  # whom a search finds by name
    scopes += [post_scope(p) for p in _ids(post)]
    scopes += [author_scope(a) for a in _ids(author)]
    if tags is not None:
        # Sent when a post's words change (publish, edit, delete): its tags'
        # pages, and which posts a search finds.
        scopes += [tag_scope(t) for t in tags] + [SEARCH]
    invalidate(*(scopes or [SITE]))  # a sender that names nothing: everything


def _post_scopes(post):
    return [
        post_scope(post.pk),
        author_scope(post.author_id),
        SEARCH,
        *(tag_scope(t) for t in post.tags or []),
    ]


def _on_post_saved(sender, document, created=False, **kwargs):
    # A new post joins the newest, its author's and its tags' lists.
    invalidate(*_post_scopes(document), *([NEWEST] if created else []))


def _on_post_deleted(sender, document, **kwargs):
    invalidate(*_post_scopes(document), NEWEST)


def _on_user_saved(sender, document, created=False, **kwargs):
    # A new account is on no page yet, but a search may find it.
    invalidate(SEARCH if created else author_scope(document.pk))


def _on_user_deleted(sender, document, **kwargs):
    invalidate(SITE)  # their posts and comments now show no author


def connect_signals():
    """Listen to the models (atomic updates they announce, MongoEngine's
    saves and deletions) and record the documents a cached page loads."""
    from mongoengine import signals

    from .models import Post, User
    from .models.signals import content_changed as announced

    announced.connect(_on_content_change, weak=False)
    signals.post_save.connect(_on_post_saved, sender=Post, weak=False)
    signals.post_delete.connect(_on_post_deleted, sender=Post, weak=False)
    signals.post_save.connect(_on_user_saved, sender=User, weak=False)
    signals.post_delete.connect(_on_user_deleted, sender=User, weak=False)
    signals.post_init.connect(_on_post_loaded, sender=Post, weak=False)
    signals.post_init.connect(_on_user_loaded, sender=User, weak=False)
