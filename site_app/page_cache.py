"""Whole pages served from the shared cache to readers who have no session.

A view opts in with one line::

    @cached_page("tag:{tag}")          # scopes beyond what it loads; view args fill them
    def tag(tag): ...

Readers whose request carries no session cookie all see the same page, so
it is rendered once and kept (with the generations of every scope it
depends on, see ``content_cache``) until one of those scopes changes. A
request that carries the session cookie (a signed-in reader, or anyone the
site wrote a CSRF token or a flash message for) always gets its own
rendering, marked ``private``; a rendering that set a cookie, or that is not
a 200, is never kept.

Per-response parts are never shared: a page whose HTML uses the CSP nonce is
stored with the nonce of the rendering, swapped for each response's own; a
page that uses none is sent with a policy that has none, which a CDN may
then share. Shared answers carry a weak ``ETag`` (``304`` on
``If-None-Match``), ``Cache-Control: public, max-age=0, must-revalidate,
s-maxage=PAGE_CACHE_S_MAXAGE`` and ``Vary: Cookie, Accept-Language`` (pages
are kept per language, see ``request_key``).
"""

import gzip
import hashlib
import logging
from functools import wraps
from urllib.parse import urlencode

import brotli
from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from werkzeug.datastructures import ImmutableMultiDict

from . import content_cache
from .content_cache import SITE
from .extensions import cache
from .web import content_security_policy, csp_nonce

log = logging.getLogger(__name__)

# Headers of the view's own answer that are not kept with the page.
_NOT_KEPT = {"content-length", "set-cookie", "etag", "cache-control", "vary"}


def cached_page(*scopes, everyone=False, timeout=None):
    """Serve the decorated view's 200 answers from the page cache to readers
    without a session. ``scopes`` name what the page lists besides the posts
    and accounts it loads (``"newest"``, ``"search"``, ``"tag:{tag}"``,
    formatted with the view's arguments). ``everyone=True``: the answer never
    depends on who asks (feeds, sitemap), so signed-in readers share it too.
    ``timeout``: seconds a page may be kept at most (default
    ``PAGE_CACHE_TIMEOUT``), for a page showing something no write
    announces (a profile's "last seen"); a callable gets the app's config."""

    def decorate(view):
        @wraps(view)
        def wrapper(**kwargs):
            if not (everyone or _without_session()):
                return _private(make_response(view(**kwargs)))
            named = [scope.format(**kwargs) for scope in scopes]
            return _serve(lambda: view(**kwargs), named, timeout)

        return wrapper

    return decorate


def not_worth_keeping():
    """Serve this answer but keep nothing: a view calls it when its list is
    empty (an unknown tag, a search that finds nothing), addresses anyone
    can invent without end, which would otherwise fill the shared cache."""
    g.page_cache_skip = True


def _without_session():
    return current_app.config["SESSION_COOKIE_NAME"] not in request.cookies


# Endpoint -> names of the query arguments its view has read (in this
# process): the only ones a page is kept under, so ?utm_source=1..20000
# share one entry. Learned while rendering (_RecordedArgs), never declared:
# a view that starts reading a new argument is keyed by it from then on.
_ARGS_READ = {}
_ALL_ARGS = object()


def request_key(names):
    """One entry per address and language: scheme, host, path, the values of
    the query arguments ``names`` (those the view reads; pages print their
    own URL), and the locale i18n.select_locale chose (from ``?lang=`` or
    ``Accept-Language``): one entry per language the site has, however
    many ways browsers write the header."""
    query = urlencode([(name, value) for name in sorted(names) for value in request.args.getlist(name)])
    address = f"{request.host_url}{request.path.lstrip('/')}?{query}#{','.join(sorted(names))}@{get_locale()}"
    return "pc:page:" + hashlib.sha256(address.encode()).hexdigest()


class _RecordedArgs(ImmutableMultiDict):
    """``request.args`` while a cached view renders: notes each name read
    (``_ALL_ARGS`` when the view walks them all)."""

    def __init__(self, args):
        super().__init__(args)
        self.read = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        self.read.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        self.read.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


def _walking(name):
    def walk(self, *args, **kwargs):
        self.read.add(_ALL_ARGS)
        return getattr(ImmutableMultiDict, name)(self, *args, **kwargs)

    return walk


for _name in ("items", "keys", "values", "lists", "listvalues", "to_dict", "__iter__", "__len__", "copy"):
    setattr(_RecordedArgs, _name, _walking(_name))


def _render_recording_args(render):
    """``(response, names of the query arguments the view read)``."""
    original = request.args
    recorded = request.args = _RecordedArgs(original)
    try:
        return make_response(render()), recorded.read
    finally:
        request.args = original


def _quietly(action, *args):
    """``action(*args)``, or ``None`` when the cache fails: a cache outage
    costs a rendering, never the page."""
    try:
        return action(*args)
    except Exception:
        log.exception("page cache unavailable")
        return None


def _serve(render, scopes, timeout):
    entry = _quietly(_fresh_entry, request_key(_ARGS_READ.get(request.endpoint, ())))
    if entry is None:
        entry, response = _render_and_keep(render, scopes, timeout)
        if entry is None:
            return response
    else:
        g.page_cache = "hit"
    return _answer(entry)


def _fresh_entry(key):
    """The kept page when every scope it depends on is as it was rendered."""
    entry = cache.get(key)
    if entry is None:
        return None
    now = content_cache.generations(entry["generations"])
    return entry if now == entry["generations"] else None


def _render_and_keep(render, scopes, timeout):
    """Render; keep the answer if it may be shared. ``(entry or None, response)``."""
    started = _quietly(content_cache.sequence)
    content_cache.start_recording([SITE, *scopes])
    try:
        response, names = _render_recording_args(render)
    finally:
        recorded = content_cache.stop_recording()
    if not _shareable(response):
        return None, _private(response)
    body = response.get_data()
    nonce = csp_nonce()
    entry = {
        "body": body,
        "status": 200,
        "etag": hashlib.sha1(body).hexdigest(),
        "nonce": nonce if nonce.encode() in body else None,
        "headers": [(k, v) for k, v in response.headers if k.lower() not in _NOT_KEPT],
        "generations": {},
    }
    g.page_cache = "off" if started is None else "miss"
    skip = g.pop("page_cache_skip", False)
    if _ALL_ARGS in names:  # its key would have to hold every argument: not kept
        return entry, response
    names = _ARGS_READ[request.endpoint] = frozenset(names | _ARGS_READ.get(request.endpoint, frozenset()))
    if started is not None and not skip:  # else NullCache, or an empty list
        _quietly(_keep, request_key(names), entry, recorded, started, timeout, response.mimetype)
    return entry, response


def _keep(key, entry, recorded, started, timeout, mimetype):
    """Store the entry with its scopes' generations, unless a write to one of
    them landed after ``started`` (the rendering may have missed it)."""
    keys = content_cache.generation_keys(recorded)
    current = content_cache.current_generations(keys, started)
    if all(number is not None and number <= started for number in current.values()):
        entry["generations"] = current
        entry["encoded"] = _encodings(entry, mimetype)
        cache.set(key, entry, timeout=_seconds(timeout))


def _encodings(entry, mimetype):
    """The body compressed once for all its readers (brotli, gzip), as
    Flask-Compress would compress it on every response; none for a body
    that differs per response (its nonce) or that the app does not compress."""
    config, body = current_app.config, entry["body"]
    if (
        entry["nonce"]
        or not config["COMPRESS_REGISTER"]
        or len(body) < config["COMPRESS_MIN_SIZE"]
        or mimetype not in config["COMPRESS_MIMETYPES"]
    ):
        return {}
    return {
        name: _COMPRESSORS[name](body, config)
        for name in config["COMPRESS_ALGORITHM"]
        if name in _COMPRESSORS
    }


# As Flask-Compress compresses, at the levels its documented settings give
# (it sets their defaults in ``init_app``).
_COMPRESSORS = {
    "br": lambda body, config: brotli.compress(
        body,
        mode=config["COMPRESS_BR_MODE"],
        quality=config["COMPRESS_BR_LEVEL"],
        lgwin=config["COMPRESS_BR_WINDOW"],
        lgblock=config["COMPRESS_BR_BLOCK"],
    ),
    "gzip": lambda body, config: gzip.compress(body, config["COMPRESS_LEVEL"]),
}


def _seconds(timeout):
    config = current_app.config
    if timeout is None:
        return config["PAGE_CACHE_TIMEOUT"]
    return timeout(config) if callable(timeout) else timeout


def _shareable(response):
    if response.status_code != 200 or response.is_streamed:
        return False
    if response.headers.get("Set-Cookie") or session.modified:
        # e.g. a template that printed a CSRF token for an anonymous reader
        log.warning("%s wrote to the session or set a cookie: not cached", request.path)
        return False
    return True


def _answer(entry):
    """The kept page as this response: its own nonce, validators, headers."""
    body, encoded = entry["body"], entry.get("encoded") or {}
    if entry["nonce"]:
        body = body.replace(entry["nonce"].encode(), csp_nonce().encode())
    response = current_app.response_class(body, status=entry["status"], headers=entry["headers"])
    encoding = request.accept_encodings.best_match(list(encoded)) if encoded else None
    if encoding:  # Flask-Compress leaves an answer that says its encoding alone
        response.set_data(encoded[encoding])
        response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
    response.set_etag(entry["etag"], weak=True)
    if entry["nonce"]:
        # The nonce differs per response: shared caches must ask every time.
        response.cache_control.private = True
    else:
        response.headers["Content-Security-Policy"] = content_security_policy(None)
        response.cache_control.public = True
        response.cache_control.s_maxage = current_app.config["PAGE_CACHE_S_MAXAGE"]
    response.cache_control.max_age = 0
    response.cache_control.must_revalidate = True
    response.vary.add("Cookie")
    # The language follows Accept-Language unless the address says ?lang=.
    response.vary.add("Accept-Language")
    if current_app.config.get("DB_OPS_HEADER"):  # tests and the benchmark: hit or miss
        response.headers["X-Page-Cache"] = g.get("page_cache", "off")
    return response.make_conditional(request)


def _private(response):
    """An answer made for one reader: no shared cache may keep it."""
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.vary.add("Cookie")
    return response
