"""Counting and timing database operations.

One counter serves both backends: on real MongoDB a pymongo
``CommandListener`` sees every command; the embedded mongomock backend has
no command monitoring, so ``embedded.py`` wraps its collection methods and
records through :func:`record`. Counts are
kept per thread (one request a thread) and read by tests, the ``X-DB-Ops``
header and the benchmark. Commands slower than ``SLOW_QUERY_MS`` are logged
with their filter.
"""

import logging
import threading

from pymongo import monitoring

log = logging.getLogger("site_app.slow_query")

_local = threading.local()

# Commands that are bookkeeping of the driver, not work a page asked for.
_IGNORED_COMMANDS = {
    "isMaster",
    "ismaster",
    "hello",
    "ping",
    "saslStart",
    "saslContinue",
    "endSessions",
    "buildInfo",
    "getnonce",
    "killCursors",
}


class OperationLog:
    """Operations recorded while it is active: a count, and their shapes."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0
        self.operations = []  # (collection, operation, filter, sort)
        # What reads cost beyond their number: the largest skip asked for
        # (a find's or an aggregation's $skip) and the documents returned.
        self.largest_skip = 0
        self.documents = 0
        self.documents_by_collection = {}

    def record(self, collection, operation, filter_=None, sort=None, seconds=0.0):
        """Add one operation; returns its index in ``operations``."""
        self.count += 1
        self.seconds += seconds
        self.operations.append((collection, operation, filter_, sort))
        return len(self.operations) - 1

    def note_read(self, skip=0, returned=0, collection=None):
        self.largest_skip = max(self.largest_skip, skip or 0)
        self.documents += returned or 0
        if returned:
            by = self.documents_by_collection
            by[collection] = by.get(collection, 0) + returned

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


def record(collection, operation, filter_=None, sort=None, seconds=0.0):
    """Add an operation to this thread's log, if one is recording;
    returns ``(log, index)`` or ``(None, None)``."""
    current_log = getattr(_local, "log", None)
    if current_log is not None:
        return current_log, current_log.record(collection, operation, filter_, sort, seconds)
    return None, None


def note_read(skip=0, returned=0, collection=None):
    """Add a read's skip and documents returned to this thread's log."""
    current_log = getattr(_local, "log", None)
    if current_log is not None:
        current_log.note_read(skip, returned, collection)


def pipeline_skip(pipeline):
    """The documents an aggregation pipeline skips (its ``$skip`` stages)."""
    return sum(stage["$skip"] for stage in pipeline or [] if isinstance(stage, dict) and "$skip" in stage)


def add_time(seconds):
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
        if name in ("find", "aggregate"):
            note_read(
                skip=command.get("skip", 0) if name == "find" else pipeline_skip(command.get("pipeline"))
            )

    def succeeded(self, event):
        reply = getattr(event, "reply", None)
        cursor = reply.get("cursor") if isinstance(reply, dict) else None
        if cursor:
            started = self._started.get(_event_key(event))
            note_read(
                returned=len(cursor.get("firstBatch", cursor.get("nextBatch", []))),
                collection=started[0] if started else None,
            )
        self._finish(event)

    def failed(self, event):
        self._finish(event)

    def _finish(self, event):
        started = self._started.pop(_event_key(event), None)
        if started is None:
            return
        seconds = event.duration_micros / 1e6
        collection, name, filter_, sort = started
        record(collection, name, filter_, _sort_pairs(sort), seconds)
        if seconds * 1000 >= self.slow_ms:
            log.warning(
                "slow query: %s.%s %.1f ms filter=%s sort=%s",
                collection,
                name,
                seconds * 1000,
                _short(filter_),
                _short(sort),
            )


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
