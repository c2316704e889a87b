"""Counting and timing database operations.

One counter serves both backends: on real MongoDB a pymongo
``CommandListener`` sees every command; the embedded mongomock backend has
no command monitoring, so its collection methods are wrapped once. Counts are
kept per thread (one request a thread) and read by tests, the ``X-DB-Ops``
header and the benchmark. Commands slower than ``SLOW_QUERY_MS`` are logged
with their filter.
"""
import functools
import logging
import threading
import time

from pymongo import monitoring

log = logging.getLogger("site_app.slow_query")

_local = threading.local()

# Commands that are bookkeeping of the driver, not work a page asked for.
_IGNORED_COMMANDS = {"isMaster", "ismaster", "hello", "ping", "saslStart", "saslContinue",
                     "endSessions", "buildInfo", "getnonce", "killCursors"}


class OperationLog:
    """Operations recorded while it is active: a count, and their shapes."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.operations = []  # (collection, operation, filter, sort)

    def record(self, collection, operation, filter_=None, sort=None, seconds=0.0):
        """Add one operation; returns its index in ``operations``."""
        self.count += 1
        self.seconds += seconds
        self.operations.append((collection, operation, filter_, sort))
        return len(self.operations) - 1

    def set_sort(self, index, sort):
        collection, operation, filter_, _ = self.operations[index]
        self.operations[index] = (collection, operation, filter_, sort)

    @property
    def milliseconds(self):
        return self.seconds * 1000


def start():
    """Begin recording on this thread and return the log."""
    _local.log = OperationLog()
    return _local.log


def stop():
    current = getattr(_local, "log", None)
    _local.log = None
    return current


def current():
    return getattr(_local, "log", None)


def _record(collection, operation, filter_=None, sort=None, seconds=0.0):
    current_log = getattr(_local, "log", None)
    if current_log is not None:
        return current_log, current_log.record(collection, operation, filter_, sort, seconds)
    return None, None


def _add_time(seconds):
    current_log = getattr(_local, "log", None)
    if current_log is not None:
        current_log.seconds += seconds


class recording:
    """``with recording() as ops:`` counts the operations of the block."""

    def __enter__(self):
        self._previous = current()
        self.log = start()
        return self.log

    def __exit__(self, *exc):
        _local.log = self._previous
        return False


class CommandListener(monitoring.CommandListener):
    """Counts commands and logs slow ones (real MongoDB only)."""

    def __init__(self, slow_ms):
        self.slow_ms = slow_ms
        self._started = {}

    def started(self, event):
        if event.command_name in _IGNORED_COMMANDS:
            return
        command = event.command
        name = event.command_name
        # getMore names the cursor first and its collection under "collection".
        collection = command.get("collection") if name == "getMore" else command.get(name)
        filter_ = _filter_of(name, command)
        counted = _count_documents_filter(name, command)
        # Both counts recorded as the embedded backend records them, so query
        # shapes and per-page counts read the same on both backends.
        if counted is not None:
            name, filter_ = "count_documents", counted
        elif name == "count" and not command.get("query"):
            name = "estimated_document_count"  # read from metadata, no filter
        self._started[_event_key(event)] = (collection, name, filter_, command.get("sort"))

    def succeeded(self, event):
        self._finish(event)

    def failed(self, event):
        self._finish(event)

    def _finish(self, event):
        started = self._started.pop(_event_key(event), None)
        if started is None:
            return
        seconds = event.duration_micros / 1e6
        collection, name, filter_, sort = started
        _record(collection, name, filter_, _sort_pairs(sort), seconds)
        if seconds * 1000 >= self.slow_ms:
            log.warning("slow query: %s.%s %.1f ms filter=%s sort=%s",
                        collection, name, seconds * 1000, _short(filter_), _short(sort))


def _sort_pairs(sort):
    """A command's sort document as ``[(field, direction), ...]``, the shape
    the embedded backend records (and pymongo's ``sort()`` takes)."""
    return list(sort.items()) if isinstance(sort, dict) else sort


def _event_key(event):
    # request ids are per connection on the wire; pair them to be unique.
    return (event.connection_id, event.request_id)


def _filter_of(name, command):
    """What a command selects by: the filter of a find, the ``q`` of the
    first update or delete, the query of a count/distinct/findAndModify, the
    pipeline of an aggregate."""
    if name in {"update", "delete"}:
        statements = command.get("updates" if name == "update" else "deletes") or [{}]
        return statements[0].get("q")
    if name == "aggregate":
        return command.get("pipeline")
    return command.get("filter", command.get("query"))


# What pymongo's ``count_documents`` ends its aggregate with.
_COUNT_GROUP = {"$group": {"_id": 1, "n": {"$sum": 1}}}


def _count_documents_filter(name, command):
    """The filter of a ``count_documents`` call, which pymongo sends as an
    aggregate ``[{$match: filter}, ({$skip}, {$limit},) {$group: count}]``;
    None for any other command."""
    pipeline = command.get("pipeline") if name == "aggregate" else None
    if not pipeline or len(pipeline) < 2 or pipeline[-1] != _COUNT_GROUP:
        return None
    first = pipeline[0]
    if "$match" not in first or any(set(stage) - {"$skip", "$limit"} for stage in pipeline[1:-1]):
        return None
    return first["$match"]


def _short(value, limit=1000):
    """A filter as log text, cut short: one log line, however big the filter."""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "...(cut)"


_WRAPPED = False
# mongomock Collection methods that are one round trip on a real server.
MONGOMOCK_OPERATIONS = (
    "find", "find_one", "insert_one", "insert_many", "update_one", "update_many",
    "replace_one", "delete_one", "delete_many", "count_documents", "aggregate",
    "find_one_and_update", "find_one_and_delete", "find_one_and_replace",
    "distinct", "bulk_write", "estimated_document_count",
)
_FILTER_FIRST = {"find", "find_one", "update_one", "update_many", "replace_one",
                 "delete_one", "delete_many", "count_documents",
                 "find_one_and_update", "find_one_and_delete", "find_one_and_replace"}


def instrument_mongomock():
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
    from mongomock.collection import Collection, Cursor

    for name in MONGOMOCK_OPERATIONS:
        original = getattr(Collection, name, None)
        if original is not None:
            setattr(Collection, name, _counted(name, original))
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
            seconds = time.perf_counter() - started
            if name == "find" and result is not None:
                # A real server sees a find when its cursor is first read
                # (MongoEngine makes cursors it never reads, e.g. to count):
                # recorded then, with the sort applied by then.
                result._dbstats_pending = (self.name, filter_, kwargs.get("sort"), seconds)
            else:
                _record(self.name, name, filter_, kwargs.get("sort"), seconds)

    return wrapper


def _timed(method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if getattr(_local, "inside", False):
            return method(self, *args, **kwargs)
        _local.inside = True
        started = time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            _local.inside = False
            seconds = time.perf_counter() - started
            pending = getattr(self, "_dbstats_pending", None)
            if pending is not None:
                self._dbstats_pending = None
                collection, filter_, sort, created = pending
                log_, index = _record(collection, "find", filter_, self._sort or sort,
                                      created + seconds)
                if log_ is not None:
                    self._dbstats_entry = (log_, index)  # a later .sort() lands here
            else:
                _add_time(seconds)

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
