"""Testing apps kept for the next test that asks for the same settings.

About 1,150 tests a lane ask the ``app`` fixture for a new app with an empty
database. Building one costs ~35 ms, and its database with every index and
the roles another ~15 ms on mongomock and ~70 ms through the driver (50
commands, then a ``dropDatabase`` when the test ends): a fifth of a lane's
time. So the fixture takes an app from here, and gives it back when the test
ends. Given back, an app is checked, and only if its test left nothing that
emptying its database cannot undo is it kept:

- its settings are as they were built (a test that changed one changed what
  its app does, and perhaps what an extension made of it);
- its routes, hooks, handlers, template globals and extensions are the same
  (a test that added one added it for good);
- no thread of its own runs (the in-process timetable, the embedded store;
  jobs run at once, not queued in the process), and its database is not
  closed;
- its indexes are as built (the embedded lane compares them, the driver
  lane watches for index commands).

A kept app gets every collection its test wrote emptied (indexes kept), its
roles written again, its cache cleared and its views tally renewed; when
taken, the rate limiter is bound to it again, as building it would have done.
Anything else is closed as ``make_app`` closes an app, and the next test
gets a new one. ``make_app`` always builds a new app.

``TEST_APP_POOL=0`` turns this off (each test builds its app, as before):
the way to check that a failure is not one test's leftovers reaching another.
"""

import copy
import os
from collections import defaultdict

from pymongo import monitoring

from site_app import view_counting
from site_app.cache_stores import configure_rate_limit_storage
from site_app.extensions import cache, limiter
from site_app.logging_setup import configure_logging
from site_app.models import Role

ENABLED = os.environ.get("TEST_APP_POOL", "1") != "0"
# Different settings kept at once, the least recently used closed first.
KEPT = 8
# Commands that write documents, and commands that change a collection's
# indexes or the collection itself (the app is then not kept). GridFS builds
# its own two indexes on its first upload: that changes nothing a test sees.
WRITE_COMMANDS = {"insert", "update", "delete", "findAndModify"}
SHAPE_COMMANDS = {"create", "createIndexes", "dropIndexes", "drop", "renameCollection", "collMod"}
GRIDFS_COLLECTIONS = ("fs.files", "fs.chunks")
# Extensions that mean a thread or store of the app's own still runs.
THREADED_EXTENSIONS = ("timetable_thread", "embedded_store")


class _WriteWatch(monitoring.CommandListener):
    """On the driver lane: which collections each database had written, and
    which databases had their collections or indexes changed."""

    def __init__(self):
        self.written = defaultdict(set)
        self.reshaped = set()

    def started(self, event):
        name = event.command_name
        target = event.command.get(name)
        if not isinstance(target, str):
            return
        if name in WRITE_COMMANDS:
            self.written[event.database_name].add(target)
        elif name in SHAPE_COMMANDS and target not in GRIDFS_COLLECTIONS:
            self.reshaped.add(event.database_name)

    def forget(self, database_name):
        self.written.pop(database_name, None)
        self.reshaped.discard(database_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


class AppPool:
    def __init__(self, build, close):
        self._build, self._close = build, close
        self._idle = {}  # settings key -> (app, snapshot), oldest first
        self._watch = None

    def watch_the_driver(self):
        """Before any client exists: every client made later reports its
        commands, so a kept app's database is emptied collection by
        collection written, not by asking the server for all of them."""
        self._watch = _WriteWatch()
        monitoring.register(self._watch)

    def take(self, settings):
        if not ENABLED:
            return self._build(settings)
        key = repr(sorted(settings.items()))
        kept = self._idle.pop(key, None)
        if kept is None:
            app = self._build(settings)
            snapshot = _Snapshot.of(app)
            if self._watch is not None:  # what building it wrote is as built
                self._watch.forget(app.extensions["site_db"]["db"].name)
        else:
            app, snapshot = kept
            _bind_shared_extensions(app)
        app.extensions["app_pool"] = (key, snapshot)
        return app

    def give_back(self, app):
        key, snapshot = app.extensions.get("app_pool", (None, None))
        if not ENABLED or snapshot is None or not self._reusable(app, snapshot):
            self._close(app)
            return
        self._empty(app)
        self._idle[key] = (app, snapshot)
        while len(self._idle) > KEPT:
            oldest = next(iter(self._idle))
            self._close(self._idle.pop(oldest)[0])

    def close_all(self):
        while self._idle:
            self._close(self._idle.popitem()[1][0])

    def _reusable(self, app, snapshot):
        state = app.extensions["site_db"]
        if state.get("closed") or any(name in app.extensions for name in THREADED_EXTENSIONS):
            return False
        # Jobs queued in the process (or on timers) may still run: not kept.
        if not app.config.get("JOBS_RUN_AT_ONCE") or not snapshot.same_app(app):
            return False
        if self._watch is not None:
            return state["db"].name not in self._watch.reshaped
        return state["embedded"] and snapshot.same_indexes(state["db"])

    def _empty(self, app):
        database = app.extensions["site_db"]["db"]
        if self._watch is not None:
            written = self._watch.written.pop(database.name, set())
        else:
            written = set(database.list_collection_names())
        for name in written:
            database[name].delete_many({})
        app.extensions.pop("rate_counters", None)  # counted in the process, per app
        view_counting.init_app(app)
        with app.app_context():
            cache.clear()
            if "roles" in written:
                Role.insert_roles()


class _Snapshot:
    """What an app was when built: its settings, the shape of its wiring and
    (embedded) its indexes."""

    def __init__(self, settings, shape, indexes):
        self.settings, self.shape, self.indexes = settings, shape, indexes

    @classmethod
    def of(cls, app):
        state = app.extensions["site_db"]
        try:
            settings = copy.deepcopy(dict(app.config))
        except Exception:  # a setting that cannot be copied: never kept
            settings = None
        indexes = _indexes(state["db"]) if state["embedded"] else None
        return cls(settings, _shape(app), indexes)

    def same_app(self, app):
        return self.settings is not None and dict(app.config) == self.settings and _shape(app) == self.shape

    def same_indexes(self, database):
        now = _indexes(database)
        return all(now.get(name) == indexes for name, indexes in self.indexes.items())


def _indexes(database):
    return {name: database[name].index_information() for name in database.list_collection_names()}


def _shape(app):
    """What a test can add to an app and nothing here takes away."""
    hooks = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.template_context_processors,
        app.url_value_preprocessors,
        app.url_default_functions,
    )
    return (
        tuple(tuple(sorted((str(k), len(v)) for k, v in registry.items())) for registry in hooks),
        len(app.teardown_appcontext_funcs),
        sum(1 for _rule in app.url_map.iter_rules()),
        tuple(sorted(app.view_functions)),
        tuple(sorted(app.blueprints)),
        _error_handlers(app),
        tuple(sorted(app.jinja_env.globals)),
        tuple(sorted(app.jinja_env.filters)),
        tuple(sorted(name for name in app.extensions if name not in ("app_pool", "rate_counters"))),
        id(app.wsgi_app),
        id(app.session_interface),
    )


def _error_handlers(app):
    # Flask's lookup adds an empty entry for each status it is asked about.
    spec = app.error_handler_spec
    return sorted(
        (str(scope), str(code), handled.__name__)
        for scope, codes in spec.items()
        for code, handlers in codes.items()
        for handled in handlers
    )


def _bind_shared_extensions(app):
    """What building the app did to objects every app shares: the rate
    limiter keeps one storage for the process (the last app it was bound to
    wins), and the site's logger one level."""
    configure_rate_limit_storage(app.config)
    limiter.init_app(app)
    configure_logging(app)
