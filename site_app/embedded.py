"""The embedded backend: mongomock in this process, made safe for threads
and counted like the real driver's commands.

Every mongomock-only piece lives here: the serialising lock, the wrappers
that feed ``dbstats`` and count writes, ``embedded_index.py``'s index-like
lookups that keep mongomock's work proportional to the answer, and (in
``embedded_files.py``) keeping the store in a folder between runs.
``database.open_database`` imports this module only
when ``MONGODB_URI`` is unset (development and testing), so production,
which refuses to start without a server, never loads mongomock or patches it.
"""

import collections
import functools
import itertools
import threading
import time

from . import dbstats, embedded_index

_embedded_counter = itertools.count(1)
# The nesting flag of the counting wrappers, per thread.
_local = threading.local()


# mongomock Collection methods that are one round trip on a real server.
MONGOMOCK_OPERATIONS = (
    "find",
    "find_one",
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "count_documents",
    "aggregate",
    "find_one_and_update",
    "find_one_and_delete",
    "find_one_and_replace",
    "distinct",
    "bulk_write",
    "estimated_document_count",
)


def open_embedded(config):
    """Return ``(client, database, True)``: a fresh in-memory server."""
    import mongomock
    import mongomock.gridfs

    # GridFS on mongomock: patch once, before any GridFS object is created.
    mongomock.gridfs.enable_gridfs_integration()
    embedded_index.answer_like_an_index()
    _serialise_mongomock()
    _instrument_mongomock()
    client = mongomock.MongoClient()
    # A fresh client is a fresh in-memory server; the name only helps logs.
    name = f"{config.get('MONGODB_DB', 'site')}_embedded_{next(_embedded_counter)}"
    return client, client[name], True


store_lock = threading.RLock()
_mongomock_serialised = False
# Everything that reads or writes mongomock's in-memory store: the counted
# operations, plus index upkeep.
_MONGOMOCK_STORE_METHODS = MONGOMOCK_OPERATIONS + (
    "create_index",
    "create_indexes",
    "drop_index",
    "drop_indexes",
    "index_information",
    "drop",
)


# Document writes per embedded database (by name), so a store kept in a
# folder (embedded_files.py) is saved only when something changed.
# Index upkeep is left out: the indexes are rebuilt at every start.
writes = collections.Counter()
_WRITES = {
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "find_one_and_update",
    "find_one_and_delete",
    "find_one_and_replace",
    "bulk_write",
    "drop",
}


def _serialise_mongomock():
    """Let one thread at a time into mongomock.

    mongomock is not safe for concurrent writers: an update deep-copies the
    stored document while another thread may be changing it ("dictionary
    changed size during iteration", found by tests/test_reliability.py), and
    a lazy cursor reads the store later. A threaded server (the Flask
    development server, gunicorn's gthread worker) would then answer 500 to
    two comments at once. Real MongoDB serialises writes to a document
    itself, so this lock exists only for the embedded backend.
    """
    global _mongomock_serialised
    if _mongomock_serialised:
        return
    from mongomock.collection import Cursor

    _wrap_collection_methods(
        _MONGOMOCK_STORE_METHODS, lambda name, method: _locked(method, counted=name in _WRITES)
    )
    Cursor._compute_results = _locked(Cursor._compute_results)
    Cursor.distinct = _locked(Cursor.distinct)
    _mongomock_serialised = True


def _wrap_collection_methods(names, wrap):
    """Replace each of mongomock's ``Collection`` methods ``names`` (those
    this version has) by ``wrap(name, method)``."""
    from mongomock.collection import Collection

    for name in names:
        original = getattr(Collection, name, None)
        if original is not None:
            setattr(Collection, name, wrap(name, original))


def _locked(method, counted=False):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with store_lock:
            if counted:  # args[0]: the collection
                writes[args[0].database.name] += 1
            return method(*args, **kwargs)

    return wrapper


_WRAPPED = False
_FILTER_FIRST = {
    "find",
    "find_one",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "count_documents",
    "find_one_and_update",
    "find_one_and_delete",
    "find_one_and_replace",
}


def _instrument_mongomock():
    """Wrap mongomock's collection methods once so they are counted and timed.

    ``find_one`` calls ``find`` inside mongomock, so a nesting flag keeps one
    user-visible operation to one count. ``find`` returns a lazy cursor: the
    work happens when it is first read (``Cursor._compute_results``), so that
    is timed too, and a sort applied later (``Cursor.sort``, as MongoEngine
    does) is written back into the recorded operation.
    """
    global _WRAPPED
    if _WRAPPED:
        return
    from mongomock.collection import Cursor

    _wrap_collection_methods(MONGOMOCK_OPERATIONS, _counted)
    Cursor._compute_results = _timed(Cursor._compute_results)
    Cursor.sort = _sort_recorded(Cursor.sort)
    _WRAPPED = True


def _counted(name, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if getattr(_local, "inside", False):
            return method(self, *args, **kwargs)
        _local.inside = True
        started = time.perf_counter()
        result = None
        try:
            result = method(self, *args, **kwargs)
            return result
        finally:
            _local.inside = False
            filter_ = None
            if name in _FILTER_FIRST:
                filter_ = args[0] if args else kwargs.get("filter")
            elif name == "aggregate":
                filter_ = args[0] if args else kwargs.get("pipeline")
            elif name == "distinct":  # distinct(key, filter)
                filter_ = args[1] if len(args) > 1 else kwargs.get("filter")
            seconds = time.perf_counter() - started
            if name == "find" and result is not None:
                # A real server sees a find when its cursor is first read
                # (MongoEngine makes cursors it never reads, e.g. to count):
                # recorded then, with the sort applied by then.
                result._dbstats_pending = (self.name, filter_, kwargs.get("sort"), seconds)
            else:
                dbstats.record(self.name, name, filter_, kwargs.get("sort"), seconds)
            if name == "aggregate" and result is not None:
                _note_aggregate(result, filter_, self.name)
            elif name == "find_one":
                dbstats.note_read(returned=int(result is not None), collection=self.name)

    return wrapper


def _note_aggregate(cursor, pipeline, cursor_collection):
    """An aggregation's skip and rows, as a server's reply would show them
    (mongomock's cursor walks a list it was given: read it once, keep it)."""
    rows = list(cursor._collection)
    cursor._collection = iter(rows)
    dbstats.note_read(skip=dbstats.pipeline_skip(pipeline), returned=len(rows), collection=cursor_collection)


def _note_find(cursor, results):
    """A find's skip and the documents it returns (``results`` is ``None``
    when only the page's window was read: embedded_index.py)."""
    if results is None:
        returned = len(getattr(cursor, "_window", ()))
    else:
        returned = len(results[cursor._skip :])
        if cursor._limit:
            returned = min(returned, abs(cursor._limit))
    dbstats.note_read(skip=cursor._skip, returned=returned, collection=cursor.collection.name)


def _timed(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if getattr(_local, "inside", False):
            return method(self, *args, **kwargs)
        _local.inside = True
        started = time.perf_counter()
        results = None
        try:
            results = method(self, *args, **kwargs)
            return results
        finally:
            _local.inside = False
            seconds = time.perf_counter() - started
            pending = getattr(self, "_dbstats_pending", None)
            if pending is not None and results is not None:
                _note_find(self, self._results)
            if pending is not None:
                self._dbstats_pending = None
                collection, filter_, sort, created = pending
                log_, index = dbstats.record(
                    collection, "find", filter_, self._sort or sort, created + seconds
                )
                if log_ is not None:
                    self._dbstats_entry = (log_, index)  # a later .sort() lands here
            else:
                dbstats.add_time(seconds)

    return wrapper


def _sort_recorded(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        result = method(self, *args, **kwargs)
        entry = getattr(self, "_dbstats_entry", None)
        if entry is not None:
            log_, index = entry
            log_.set_sort(index, self._sort)
        return result

    return wrapper
