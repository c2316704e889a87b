"""site_app: a MongoDB-backed social blog.

``create_app`` is the only entry point: ``flask --app site_app ...``, the
tests, gunicorn (``site_app:create_app()``) and the scripts all use it.
"""

import logging
import os
from pathlib import Path

from flask import Flask

from config import DEFAULT_SECRET_KEY
from config import config as config_classes

from .database import ConfigError

ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger(__name__)
MIN_SECRET_KEY_BYTES = 32


def create_app(config_name=None, overrides=None):
    """Build the app for ``development`` (default), ``testing`` or
    ``production``; ``overrides`` is applied before any extension starts."""
    config_name = config_name or os.environ.get("SITE_CONFIG") or "development"
    if config_name not in config_classes:
        raise ConfigError(
            f"SITE_CONFIG={config_name!r} is unknown; use one of: " + ", ".join(sorted(config_classes))
        )
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    app.config.from_object(config_classes[config_name])
    app.config["CONFIG_NAME"] = config_name
    if overrides:
        app.config.update(overrides)
    _check_production_settings(app)
    from . import assets, web

    # Static files first: the proxy fix-up below must wrap WhiteNoise too.
    assets.init_app(app, web.static_file_headers(app))
    from . import public_address

    public_address.configure(app)
    _configure_logging(app)

    from . import timestamps
    from .extensions import bootstrap, cache, compress, csrf, db, limiter, login_manager, mail

    db.init_app(app)
    if config_name == "production" and not app.config.get("SKIP_DB_CHECK"):
        from .database import require_reachable

        require_reachable(app)
    if app.extensions["site_db"]["embedded"]:
        app.logger.warning(
            "MONGODB_URI is not set: using the embedded in-memory database (mongomock). "
            "`flask demo` and `flask run` keep it in EMBEDDED_DATA_DIR; otherwise it "
            "lives only in this process."
        )
    login_manager.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    timestamps.register(app)
    from . import i18n

    i18n.init_app(app)  # Flask-Babel: the reader's language (i18n.select_locale)
    bootstrap.init_app(app)
    from .cache_stores import configure_rate_limit_storage, init_cache
    from .content_cache import mark_all_stale

    init_cache(app, cache, on_recovery=mark_all_stale)
    compress.init_app(app)
    from .web import retry_after_only_when_limited

    app.after_request(retry_after_only_when_limited)  # before the limiter: see there
    configure_rate_limit_storage(app.config)
    limiter.init_app(app)

    from . import models  # noqa: F401  (registers the documents and the user loader)
    from .indexes import build_at_start

    build_at_start(app)
    _keep_embedded_data_when_served(app)
    from . import sessions

    sessions.init_app(app)  # server-side sessions in the site's database
    _connect_signals()
    from . import view_counting

    view_counting.init_app(app)  # the process's tally of views
    _register_blueprints(app)
    from . import subscriptions

    subscriptions.init_app(app)  # the newsletter's routes

    from . import errors

    errors.register(app)
    web.register(app)

    from . import cli, scheduler

    cli.register(app)
    scheduler.init_app(app)  # the timetable's thread, where no worker runs it
    return app


def _connect_signals():
    """Every signal receiver of the site, connected here and nowhere else
    (importing a module connects nothing): who listens to which write is
    the table in ARCHITECTURE.md ("Who listens"), which
    tests/test_wiring.py compares with what is connected. Connecting the
    same receiver again (another app in the process) changes nothing."""
    from . import content_cache, media, models, notifications, sessions, view_counting
    from .subscriptions import sending

    models.connect_signals()  # what goes with a deleted post or account
    sessions.connect_signals()  # new session ids, sessions ended
    content_cache.connect_signals()  # cached pages go stale
    media.connect_signals()  # a deleted post's files released
    notifications.connect_signals()  # readers told; what a deletion leaves forgotten
    view_counting.connect_signals()  # comments counted per day; a deleted post's days go
    sending.connect_signals()  # a published post mailed to its writer's subscribers


def _register_blueprints(app):
    from . import converters

    converters.register(app)  # before the routes that use <objectid:...>
    from .account import account as account_blueprint
    from .admin import init_admin
    from .api import api as api_blueprint
    from .api import api_docs as api_docs_blueprint
    from .auth import auth as auth_blueprint
    from .blocks import blocks as blocks_blueprint
    from .comments import comments as comments_blueprint
    from .explore import explore as explore_blueprint
    from .follows import follows as follows_blueprint
    from .imports import imports as imports_blueprint
    from .main import main as main_blueprint
    from .media import media as media_blueprint
    from .notifications import notifications as notifications_blueprint
    from .posts import posts as posts_blueprint
    from .profiles import profiles as profiles_blueprint
    from .reactions import reactions as reactions_blueprint
    from .reports import reports as reports_blueprint
    from .stats import stats as stats_blueprint

    app.register_blueprint(main_blueprint)
    app.register_blueprint(account_blueprint)
    app.register_blueprint(auth_blueprint, url_prefix="/auth")
    app.register_blueprint(posts_blueprint)
    app.register_blueprint(comments_blueprint)
    app.register_blueprint(follows_blueprint)
    app.register_blueprint(profiles_blueprint)
    app.register_blueprint(reactions_blueprint)
    app.register_blueprint(reports_blueprint)
    app.register_blueprint(blocks_blueprint)
    app.register_blueprint(explore_blueprint)
    app.register_blueprint(media_blueprint)
    app.register_blueprint(imports_blueprint)
    app.register_blueprint(notifications_blueprint)
    app.register_blueprint(stats_blueprint)
    app.register_blueprint(api_blueprint, url_prefix="/api/v1")
    app.register_blueprint(api_docs_blueprint)
    init_admin(app)


def _keep_embedded_data_when_served(app):
    """``flask run`` on the embedded backend: load it from, and keep it in,
    ``EMBEDDED_DATA_DIR`` (``flask demo`` does the same itself). Not in the
    reloader's watcher, which serves nothing and would hold a stale copy."""
    from .serving import flask_run_options, is_reloader_watcher

    options = flask_run_options()
    if app.extensions["site_db"]["embedded"] and options and not is_reloader_watcher(options):
        from .embedded_files import keep  # never imported by production

        keep(app)


def _check_production_settings(app):
    if app.config["CONFIG_NAME"] != "production":
        return
    missing = []
    if not app.config.get("MONGODB_URI"):
        missing.append("MONGODB_URI (the mongodb:// URI of your MongoDB server)")
    secret = app.config.get("SECRET_KEY") or ""
    if secret == DEFAULT_SECRET_KEY or len(str(secret).encode()) < MIN_SECRET_KEY_BYTES:
        # Sessions, tokens and remember-me all rest on this key: a short one
        # can be guessed offline from any signed cookie.
        missing.append(
            f"SECRET_KEY (at least {MIN_SECRET_KEY_BYTES} bytes of random, e.g. "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`)"
        )
    if not app.config.get("SITE_URL"):
        missing.append("SITE_URL (the public address, e.g. https://blog.example.com)")
    if missing:
        raise ConfigError("production needs " + " and ".join(missing))


def _configure_logging(app):
    from .logging_setup import configure_logging

    configure_logging(app)  # stdout, before the first warning is logged
