"""One database per app, for a test suite that builds many apps in one
process.

MongoEngine keeps one process-wide registry of connections, and the site
binds its documents to its app's database once, when the app is made
(``site_app.database.connect_documents``): a server runs one app per
process. The suite makes an app (with its own empty database) for each test
and sometimes two at once, so on every app context pushed this points
MongoEngine's default alias at that app's client and database again, and
drops the collections the document classes cached.

MongoEngine has no public way to swap a live connection: ``disconnect``
closes the client, and a pymongo client once closed cannot be used again
(the other app of a test may still need it). So this writes MongoEngine's
registries directly, and keeps the client bound last under an alias of its
own, so that the site making a new app (``disconnect`` of the default
alias, ``site_app.database.connect_documents``) leaves it open.
``test_private_reaches.py`` fails, naming the attribute, when a MongoEngine
release renames one.
"""

import threading

import mongoengine
from flask import appcontext_pushed
from mongoengine import connection as me_connection
from mongoengine.base.common import _document_registry

_bind_lock = threading.Lock()
# Holds the client bound last, so MongoEngine's disconnect never closes it.
KEEP_OPEN_ALIAS = "tests-keep-open"


def bind_every_app_on_push():
    """From now on, every app context pushed binds its app's database."""
    appcontext_pushed.connect(_bind_on_push, weak=False)


def _bind_on_push(app, **_extra):
    state = app.extensions.get("site_db")
    # A closed app binds nothing: a timer or job thread it left behind (a
    # mail retried minutes later) must not take the database from under the
    # test running then.
    if state is not None and not state.get("closed"):
        bind_app_database(state)


def bind_app_database(state):
    """Point MongoEngine's default alias at the client and database of
    ``state`` (an app's ``extensions["site_db"]``); a no-op when bound."""
    alias = mongoengine.DEFAULT_CONNECTION_NAME
    me_connection._connections[KEEP_OPEN_ALIAS] = state["client"]
    if me_connection._dbs.get(alias) is state["db"]:
        return
    with _bind_lock:
        me_connection._connections[alias] = state["client"]
        me_connection._dbs[alias] = state["db"]
        me_connection._connection_settings[alias] = {"name": state["db"].name}
        for document in _document_registry.values():
            if not document._meta.get("abstract") and hasattr(document, "_collection"):
                document._collection = None
