"""The database connection: real MongoDB through ``MONGODB_URI``, or the
embedded mongomock backend, one private database per app.

Each app owns its client and database (``app.extensions["site_db"]``), and
the documents use them through MongoEngine's default connection, bound when
the app is made: a server, a command or a script runs one app at a time.
MongoEngine keeps one process-wide registry of connections; the test suite,
which makes an app for each test and uses two at once, binds each app's
database on every app context itself (``tests/database_binding.py``).
"""

import itertools
import logging
import os
from urllib.parse import urlsplit

import gridfs
import mongoengine
import pymongo
from flask_mongoengine import MongoEngine
from mongoengine.connection import ConnectionFailure
from pymongo.operations import IndexModel
from pymongo.uri_parser import parse_uri

from . import dbstats

log = logging.getLogger(__name__)

_test_database_counter = itertools.count(1)
# In the name of every database a testing app makes on a real server.
TEST_DATABASE_MARK = "_test_"


class ConfigError(SystemExit):
    """A configuration problem the operator must fix; the message says how.

    A ``SystemExit``: the process stops with this one line on stderr, not a
    stack trace, whether it was started by ``flask``, gunicorn or a script.
    """

    def __init__(self, message):
        super().__init__(f"error: {message}")
        self.message = message


class SiteMongoEngine(MongoEngine):
    """flask-mongoengine's extension, with a connection per app.

    The stock ``init_app`` calls ``mongoengine.connect`` on the global
    default alias, which refuses a second app with other settings and shares
    one database between apps with the same ones.
    """

    def init_app(self, app, config=None):
        client, database, embedded = open_database(app.config)
        app.extensions.setdefault("mongoengine", {})[self] = {
            "app": app,
            "conn": {mongoengine.DEFAULT_CONNECTION_NAME: client},
        }
        app.extensions["site_db"] = {"client": client, "db": database, "embedded": embedded}
        connect_documents(client, database)


def open_database(config):
    """Return ``(client, database, embedded)`` for a config mapping."""
    uri = config.get("MONGODB_URI")
    if not uri:
        # Imported only here: production (which requires MONGODB_URI) never
        # loads mongomock or its patches.
        from .embedded import open_embedded

        return open_embedded(config)
    try:
        parsed = parse_uri(uri)
    except Exception as exc:  # pymongo raises InvalidURI / ConfigurationError
        if _is_dns_failure(exc):
            # The host only: the URI may hold a password.
            raise ConfigError(
                f"cannot resolve the MongoDB host {urlsplit(uri).hostname} in MONGODB_URI "
                f"(DNS: {_one_line(exc)}); check the name and this machine's DNS"
            ) from exc
        raise ConfigError(f"MONGODB_URI is malformed ({exc}); expected mongodb://host/dbname") from exc
    client = pymongo.MongoClient(
        uri,
        serverSelectionTimeoutMS=config.get("MONGODB_SERVER_SELECTION_TIMEOUT_MS", 5000),
        appname=config.get("MONGODB_APP_NAME", "site_app"),
        maxPoolSize=config.get("MONGODB_MAX_POOL_SIZE", 100),
        timeoutMS=config.get("MONGODB_TIMEOUT_MS", 5000),
        w=write_concern(config.get("MONGODB_WRITE_CONCERN", "majority")),
        uuidRepresentation="standard",
        tz_aware=False,
        event_listeners=[dbstats.CommandListener(config.get("SLOW_QUERY_MS", 100))],
    )
    name = parsed.get("database") or config.get("MONGODB_DB", "site")
    if config.get("TESTING"):
        # Every testing app gets its own empty database on a real server too,
        # as on the embedded backend; the suite drops it afterwards.
        name = f"{name}{TEST_DATABASE_MARK}{os.getpid()}_{next(_test_database_counter)}"
    return client, client[name], False


def write_concern(value):
    """``MONGODB_WRITE_CONCERN`` as pymongo's ``w``: ``majority`` (or a tag
    set's name) as written, a node count as a number."""
    value = str(value).strip()
    return int(value) if value.isdigit() else value


def _is_dns_failure(exc):
    """Whether pymongo's error is a failed SRV/TXT lookup of a
    ``mongodb+srv://`` name (it wraps dnspython's error as a
    ConfigurationError, the same type as a malformed URI)."""
    cause = exc.__cause__
    return cause is not None and type(cause).__module__.split(".")[0] == "dns"


def _one_line(exc):
    return " ".join(str(exc).split())


def connect_documents(client, database):
    """Give MongoEngine's default connection this app's client and database.

    Through MongoEngine's public ``connect``: its ``mongo_client_class`` is
    called to make the client, and here hands over the one the app opened
    (with the app's settings and command listener, or the embedded server).
    A process runs one app at a time: a later app (a script measuring one
    database after another) takes the connection over, and MongoEngine's
    ``disconnect`` closes the earlier app's client unless something else
    still holds it (the test suite, which makes many apps, rebinds on every
    app context itself: ``tests/database_binding.py``).
    """
    alias = mongoengine.DEFAULT_CONNECTION_NAME
    try:
        if mongoengine.get_db(alias) is database:
            return
        mongoengine.disconnect(alias)
    except ConnectionFailure:
        pass  # the first app of this process
    # uuidRepresentation: the client's own (MongoEngine warns when unsaid).
    mongoengine.connect(
        db=database.name,
        alias=alias,
        uuidRepresentation="standard",
        mongo_client_class=lambda **_settings: client,
    )


def get_db(app):
    return app.extensions["site_db"]["db"]


def is_embedded(app):
    return app.extensions["site_db"]["embedded"]


def gridfs_for(app):
    """The GridFS store of an app (uploads, avatars)."""
    return gridfs.GridFS(get_db(app))


def create_missing_indexes(collection, specs):
    """Create the ``(keys, options)`` indexes ``collection`` has no index of
    that name for; returns the names of those new. (One already there is
    left alone: GridFS makes its own at the first upload, and mongomock then
    describes it so that a second ``create_index`` conflicts.)"""
    before = collection.index_information()
    missing = [IndexModel(keys, **options) for keys, options in specs if options["name"] not in before]
    return create_indexes(collection, missing, before)


def create_indexes(collection, models, before):
    """Create the indexes ``models`` (``IndexModel``) on ``collection``,
    which had the indexes ``before`` (``index_information()``); returns the
    names of those new, ``_id_`` included when the collection is new.

    On a server, one ``createIndexes`` command for them all (a fresh
    database, every test's, takes about 20 commands, not 120). mongomock's
    ``create_indexes`` would drop every option but unique, sparse and TTL (a
    partial filter, a text index's weights), so there one ``create_index``
    each, as MongoEngine does."""
    if not models:
        return []
    if isinstance(collection, pymongo.collection.Collection):
        collection.create_indexes(models)
    else:
        for model in models:
            options = dict(model.document)
            collection.create_index(list(options.pop("key").items()), **options)
    new = {model.document["name"] for model in models} - set(before)
    return sorted(new | ({"_id_"} if not before else set()))


def _selection_budget(app):
    """A ping's deadline: ``MONGODB_SERVER_SELECTION_TIMEOUT_MS`` (with
    ``timeoutMS`` set, pymongo waits that long for a server otherwise)."""
    return pymongo.timeout(app.config.get("MONGODB_SERVER_SELECTION_TIMEOUT_MS", 5000) / 1000)


def ping(app):
    """True when the database answers a ping."""
    try:
        with _selection_budget(app):
            get_db(app).command("ping")
        return True
    except pymongo.errors.PyMongoError:
        return False
    except Exception:  # mongomock raises plain exceptions for unsupported commands
        return False


def require_reachable(app):
    """Stop with a one-line :class:`ConfigError` when the configured server
    does not answer a ping within the server-selection timeout."""
    try:
        with _selection_budget(app):
            get_db(app).command("ping")
    except pymongo.errors.PyMongoError as exc:
        hosts = _hosts(app.config["MONGODB_URI"])
        timeout = app.config.get("MONGODB_SERVER_SELECTION_TIMEOUT_MS", 5000)
        # The hosts only: the URI may hold a password.
        raise ConfigError(
            f"cannot reach MongoDB at {hosts} within {timeout} ms "
            f"({type(exc).__name__}); check MONGODB_URI and that the server is "
            "running, or set SKIP_DB_CHECK=1 to start anyway"
        ) from None


def _hosts(uri):
    try:
        return ", ".join(f"{host}:{port}" for host, port in parse_uri(uri)["nodelist"])
    except Exception:  # a mongodb+srv:// name that does not resolve
        return "the MONGODB_URI server"


# MongoDB refusing a document over 16 MiB: on insert (BSONObjectTooLarge)
# and when an update's result would be (17419).
_TOO_LARGE_CODES = {10334, 17419}

# The database not answering: unreachable, or MONGODB_TIMEOUT_MS (pymongo's
# timeoutMS) spent on the server or waiting for a connection while every
# one is stuck. Pages answer these with a 503 (errors.py).
DATABASE_DOWN = (
    pymongo.errors.AutoReconnect,
    pymongo.errors.ServerSelectionTimeoutError,
    pymongo.errors.ExecutionTimeout,
    pymongo.errors.WaitQueueTimeoutError,
)


def is_document_too_large(exc):
    """Whether ``exc`` (or what it wraps: MongoEngine turns the driver's
    errors into its own) is the server or driver refusing a document over
    MongoDB's 16 MiB limit."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, pymongo.errors.DocumentTooLarge):
            return True
        if isinstance(exc, pymongo.errors.OperationFailure) and exc.code in _TOO_LARGE_CODES:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def supports_text_search(app):
    """Whether ``$text`` queries work (real MongoDB yes, mongomock no)."""
    return not is_embedded(app)
