"""Static files under content-hashed names, compressed, served by WhiteNoise.

At start the app copies each static file it serves (the static folder, and
the two Bootstrap scripts it takes from Bootstrap-Flask) to ``build/`` under
a name carrying a hash of its bytes (``css/site.3f2a9c81d0e4.css``), with
gzip and brotli copies beside it. A name is a function of the bytes, so a
fresh clone needs no build command, a file already built is not built
again, and an edited file gets a new URL. ``url_for('static', ...)`` (and
``'bootstrap.static'``) yield the hashed name; WhiteNoise serves those with
an immutable cache of ten years and the old names with a short one.
"""

import hashlib
import os
import posixpath
import re
from pathlib import Path

import flask_bootstrap
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wsgi import get_host
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "assets"
# Old (unhashed) names: a page cached before a deploy may still ask for them.
SHORT_MAX_AGE = 300
# Bootstrap-Flask's files the pages load; its CSS is our purged copy in static/.
BOOTSTRAP_FILES = ("js/bootstrap.min.js", "umd/popper.min.js")
# Formats that are compressed already: another pass gains nothing.
_SKIP_COMPRESSION = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2", ".gz", ".br"}
_compressor = Compressor(quiet=True)


def init_app(app, security_headers):
    """Build the hashed copies, point ``url_for`` at them and put WhiteNoise
    in front of the app; ``security_headers`` are added to every file.

    Call it before anything else wraps ``app.wsgi_app`` (the proxy fix-up),
    so WhiteNoise sees each request as Flask does."""
    # Where Bootstrap-Flask serves its files (its blueprint ``bootstrap``).
    bootstrap_folder = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5"
    bootstrap_url = f"/bootstrap{app.static_url_path}"
    sources = {
        "static": (Path(app.static_folder), None),
        "bootstrap.static": (bootstrap_folder, BOOTSTRAP_FILES),
    }
    manifest = {endpoint: build(endpoint, folder, names) for endpoint, (folder, names) in sources.items()}

    @app.url_defaults
    def hashed_static_names(endpoint, values):
        names = manifest.get(endpoint)
        if names and values.get("filename") in names:
            values["filename"] = names[values["filename"]]

    def add_headers(headers, path, url):
        for name, value in security_headers.items():
            headers[name] = value

    server = _SiteWhiteNoise(
        app,
        max_age=SHORT_MAX_AGE,
        add_headers_function=add_headers,
        immutable_file_test=lambda path, url: path.startswith(str(BUILD)),
    )
    prefix = app.static_url_path
    server.add_files(str(BUILD / "static"), prefix=prefix)
    server.add_files(app.static_folder, prefix=prefix)
    # Only the hashed copies: the old names stay with Bootstrap-Flask's route.
    server.add_files(str(BUILD / "bootstrap.static"), prefix=bootstrap_url)
    app.wsgi_app = server


class _SiteWhiteNoise(WhiteNoise):
    """WhiteNoise answers before Flask does: a request for a host Flask
    refuses (``TRUSTED_HOSTS``, production) goes on to Flask, which answers 400."""

    def __init__(self, app, **options):
        super().__init__(app.wsgi_app, **options)
        self.config = app.config

    def __call__(self, environ, start_response):
        trusted = self.config.get("TRUSTED_HOSTS")
        if trusted and not host_is_trusted(get_host(environ), trusted):
            return self.application(environ, start_response)
        return super().__call__(environ, start_response)


def build(endpoint, folder, names=None):
    """``{name: hashed name}`` for the files of ``folder`` (all, or ``names``),
    writing what is missing under ``build/assets/<endpoint>/``."""
    if names is None:
        names = sorted(
            p.relative_to(folder).as_posix()
            for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )
    target = BUILD / endpoint
    manifest = {
        name: _hashed_copy((folder / name).read_bytes(), target, name)
        for name in names
        if not name.endswith(".css")
    }
    # Stylesheets last: their url(...)s then name the hashed copies (fonts,
    # images), which are cached for good like the stylesheet itself, and a
    # changed font gives the stylesheet a new name too.
    for name in names:
        if name.endswith(".css"):
            css = _with_hashed_urls((folder / name).read_text(encoding="utf-8"), name, manifest)
            manifest[name] = _hashed_copy(css.encode("utf-8"), target, name)
    return manifest


_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def _with_hashed_urls(css, name, manifest):
    """``css`` (the file ``name``) with each relative ``url(...)`` of a file
    in ``manifest`` pointing at its hashed copy (data: URIs, absolute URLs
    and files we do not serve are left alone)."""
    here = posixpath.dirname(name)

    def hashed(match):
        quote, ref = match.groups()
        path = ref.split("#")[0].split("?")[0]
        if not path or ref.startswith(("data:", "/", "#")) or "://" in ref:
            return match.group(0)
        found = manifest.get(posixpath.normpath(posixpath.join(here, path)))
        if found is None:
            return match.group(0)
        return f"url({quote}{posixpath.relpath(found, here or '.')}{ref[len(path) :]}{quote})"

    return _CSS_URL.sub(hashed, css)


def _hashed_copy(data, target_root, name):
    digest = hashlib.sha256(data).hexdigest()[:12]
    stem, dot, suffix = name.rpartition(".")
    hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
    target = target_root / hashed
    if not target.exists():
        # Compressed copies first: the file itself, written last, says the
        # set is complete to any other process that builds at the same time.
        if target.suffix not in _SKIP_COMPRESSION:
            _write_compressed(target, data)
        _write_atomically(target, data)
    return hashed


def _write_compressed(target, data):
    for suffix, compress in ((".br", Compressor.compress_brotli), (".gz", Compressor.compress_gzip)):
        packed = compress(data)
        if _compressor.is_compressed_effectively(suffix, str(target), len(data), packed):
            _write_atomically(target.with_name(target.name + suffix), packed)


def _write_atomically(path, data):
    """Several processes (the tests, a browser-test server) may build at once:
    each writes its own temporary file and renames it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
