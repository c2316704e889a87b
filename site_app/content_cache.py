"""Cached renderings of what every anonymous reader sees alike: the home
page's list of posts and the Atom feed.

Entries are keyed by a *content generation*, a token kept in the cache
itself. Anything that changes what those pages show (a post published,
edited or deleted, a comment added, hidden or removed, an account saved)
calls :func:`content_changed`, which draws a new token: every older entry is
then unreachable and expires on its own. With a shared backend
(``CACHE_TYPE=RedisCache``) all processes see the same generation.
``CACHE_TYPE=NullCache`` (testing) turns it off.
"""
import logging
import secrets

from flask import current_app, has_app_context

from .extensions import cache

log = logging.getLogger(__name__)

GENERATION_KEY = "content-generation"


def generation():
    token = cache.get(GENERATION_KEY)
    if token is None:
        token = secrets.token_hex(8)
        # add: two processes starting at once agree on the first token
        if not cache.add(GENERATION_KEY, token, timeout=0):
            token = cache.get(GENERATION_KEY) or token
    return token


def content_changed():
    """Forget every cached rendering (a new generation)."""
    if not has_app_context() or "cache" not in current_app.extensions:
        return
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=0)
    except Exception:  # a cache outage must not fail the write that changed content
        log.exception("could not invalidate the page cache")


def cached(name, build, *parts):
    """``build()``'s value under ``name`` and ``parts`` for the current
    content generation, built and stored on a miss."""
    key = ":".join(["page", name, generation(), *map(str, parts)])
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value)
    return value


def _on_document_change(sender, document, **kwargs):
    content_changed()


def _on_content_change(sender, **kwargs):
    content_changed()


def connect_signals():
    """Saving or deleting a post or a user through MongoEngine (pages, API,
    admin) invalidates, and so does an atomic update the models announce."""
    from mongoengine import signals

    from .models import Post, User
    from .models.signals import content_changed as announced
    announced.connect(_on_content_change, weak=False)
    for document in (Post, User):
        signals.post_save.connect(_on_document_change, sender=document, weak=False)
        signals.post_delete.connect(_on_document_change, sender=document, weak=False)
