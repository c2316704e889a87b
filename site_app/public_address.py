"""Where readers find the site, and who stands between them and it.

- ``SITE_URL`` is the public address. Links written for later (emails, the
  Atom feed, a sitemap) are built on it by :func:`site_url_for`, never on
  the ``Host`` header of the request that happened to trigger them: a forged
  Host would otherwise put another site's address into a reset email.
- In development and testing, an unset ``SITE_URL`` is the address the
  server was told to serve: ``flask run --host/--port`` or ``flask demo
  --host/--port`` (``http://127.0.0.1:5000`` when nothing serves, as in the
  tests or ``flask seed``). Still chosen at start, never from a request.
- In production only that host is answered: Flask's ``TRUSTED_HOSTS``
  turns any other ``Host`` into a 400.
- ``PROXY_COUNT`` proxies in front are believed about the client's address,
  scheme and host (werkzeug's ``ProxyFix``), so rate limits, the request log
  and ``request.is_secure`` see the reader, not the proxy.
"""

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from config import LOCAL_SITE_URL

from .database import ConfigError
from .serving import flask_run_options


def configure(app):
    """Check ``SITE_URL``, restrict production to its host, trust the proxies."""
    if not app.config.get("SITE_URL") and app.config["CONFIG_NAME"] != "production":
        app.extensions["site_url_follows_server"] = True
        app.config["SITE_URL"] = _address_run_serves() or LOCAL_SITE_URL
    site = _parse_site_url(app.config.get("SITE_URL"))
    # (Production without SITE_URL was refused already.)
    if (
        site is not None
        and app.config["CONFIG_NAME"] == "production"
        and app.config.get("TRUSTED_HOSTS") is None
    ):
        app.config["TRUSTED_HOSTS"] = [site.hostname]
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def serve_at(app, host, port, secure=False):
    """The app is about to be served at ``host:port``: that is its public
    address, unless the operator named one (``SITE_URL``)."""
    if app.extensions.get("site_url_follows_server"):
        app.config["SITE_URL"] = served_address(host, port, secure)


def served_address(host, port, secure=False):
    """The URL a browser on this machine opens for a server bound to
    ``host:port`` (all interfaces: the loopback one)."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    return f"{'https' if secure else 'http'}://{host}:{port}"


def _address_run_serves():
    """Inside ``flask run``: the address its options name."""
    options = flask_run_options()
    if options is None:
        return None
    return served_address(options["host"], options["port"], secure=bool(options.get("cert")))


def _parse_site_url(value):
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"SITE_URL={value!r} is not an address; expected e.g. https://blog.example.com")
    return parts


def site_url_for(endpoint, **values):
    """The absolute URL of ``endpoint`` at the public address (``SITE_URL``),
    the same inside a request or outside one, whatever its Host header."""
    app = current_app
    site = urlsplit(app.config["SITE_URL"])
    adapter = app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme)
    app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)
