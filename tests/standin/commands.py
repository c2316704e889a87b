"""What each command does: the handshake, server and collection commands
here, reads and writes in ``crud.py``. ``State.handle`` is the one entry:
it serialises every command (mongomock is not thread-safe) and turns a
refusal into MongoDB's error document.
"""

import contextlib
import datetime
import sys
import threading
import time
import traceback

import bson
import mongomock
from mongomock import filtering

from . import crud
from .cursors import CursorStore
from .errors import MAX_BSON_SIZE, CommandError, not_implemented
from .indexes import IndexCatalog

# Answered at once: never delayed, never waiting for the lock.
_HANDSHAKE = {"hello", "isMaster", "ismaster"}
# Writes a driver retries (with the same lsid and txnNumber) on a replica set.
_RETRYABLE = {"insert", "update", "delete", "findAndModify", "findandmodify"}
REPLICA_SET = "standin"
_ELECTION_ID = bson.ObjectId("7fffffff0000000000000001")


class State:
    """Everything one stand-in process holds: the data, the index catalog,
    open cursors, and the optional delays that make commands slow."""

    def __init__(self, delay_ms=0, address="127.0.0.1:27017"):
        self.address = address  # host:port, as the replica set's only member names itself
        self.client = mongomock.MongoClient()
        self.catalog = IndexCatalog()
        self.cursors = CursorStore()
        self._scratch = mongomock.MongoClient()["scratch"]
        self._lock = threading.Lock()
        # command name (or "*") -> seconds to sleep before answering.
        self.delays = {"*": delay_ms / 1000} if delay_ms else {}
        # (session id, txnNumber) -> the reply of that retryable write
        self.retried = {}

    def collection(self, db, name):
        return self.client[db][name]

    @contextlib.contextmanager
    def scratch(self):
        """An empty collection for computing on copies (text scores, dry runs)."""
        collection = self._scratch["work"]
        collection.drop()
        try:
            yield collection
        finally:
            collection.drop()

    def handle(self, command, db, connection_id):
        """The reply document for one command."""
        name = next(iter(command), None)
        handler = HANDLERS.get(name)
        started = time.monotonic()
        try:
            if name not in HANDLERS:
                raise CommandError(59, f"no such command: '{name}'")
            _refuse_transactions(command)
            delay = self.delays.get(name, 0 if name in _HANDSHAKE else self.delays.get("*", 0))
            if delay:
                time.sleep(delay)  # outside the lock: other connections go on
            if name in _HANDSHAKE:
                return hello(self, name, connection_id)
            _check_time_limit(command, started)
            with self._lock:
                retry_key = _retry_key(name, command)
                if retry_key in self.retried:
                    return self.retried[retry_key]  # a retried write: done once
                reply = handler(self, db, command)
                _check_time_limit(command, started)
                if name in _RETRYABLE:
                    _check_write_concern(command, reply)
                if retry_key is not None:
                    self.retried[retry_key] = reply
                return reply
        except CommandError as error:
            return error.document()
        except Exception as error:  # a mongomock refusal or a stand-in bug: say which
            print(f"stand-in: {name} failed: {error!r}", file=sys.stderr)
            traceback.print_exc(file=sys.stderr)
            code = getattr(error, "code", None) or 2
            return CommandError(code, f"{type(error).__name__}: {error}").document()


def _refuse_transactions(command):
    # Retryable writes carry a txnNumber alone; a transaction is refused
    # loudly (the stand-in does not emulate them).
    if command.get("startTransaction") or command.get("autocommit") is False:
        raise not_implemented("transactions")


def _retry_key(name, command):
    if name not in _RETRYABLE or "txnNumber" not in command or "lsid" not in command:
        return None
    return (repr(command["lsid"]["id"]), int(command["txnNumber"]))


def _check_time_limit(command, started):
    """MongoDB stops a command past its ``maxTimeMS`` with code 50."""
    limit = command.get("maxTimeMS")
    if limit and (time.monotonic() - started) * 1000 >= limit:
        raise CommandError(50, "operation exceeded time limit")


def _check_write_concern(command, reply):
    """A one-member replica set acknowledges ``w: 1`` and ``majority``; a
    larger ``w`` cannot be satisfied and an unknown tag is refused, after
    the write is done (MongoDB's writeConcernError)."""
    wanted = (command.get("writeConcern") or {}).get("w", 1)
    if isinstance(wanted, str) and wanted != "majority":
        error = CommandError(79, f"Unrecognized write concern field: {wanted}")
    elif isinstance(wanted, int) and wanted > 1:
        error = CommandError(100, "Not enough data-bearing nodes")
    else:
        return
    reply["writeConcernError"] = {
        "code": error.code,
        "codeName": error.document()["codeName"],
        "errmsg": error.message,
    }


def hello(state, name, connection_id):
    # The primary of a one-member replica set of MongoDB 7.0's wire version
    # (so drivers retry writes and send write concerns, as against a real
    # deployment), no compression, no topologyVersion (so drivers poll
    # instead of streaming heartbeats).
    reply = {
        "helloOk": True,
        "isWritablePrimary": True,
        "ismaster": True,
        "secondary": False,
        "setName": REPLICA_SET,
        "setVersion": 1,
        "hosts": [state.address],
        "primary": state.address,
        "me": state.address,
        "electionId": _ELECTION_ID,
        "maxBsonObjectSize": MAX_BSON_SIZE,
        "maxMessageSizeBytes": 48_000_000,
        "maxWriteBatchSize": 100_000,
        "localTime": datetime.datetime.now(datetime.UTC),
        "logicalSessionTimeoutMinutes": 30,
        "connectionId": connection_id,
        "minWireVersion": 0,
        "maxWireVersion": 21,
        "readOnly": False,
        "ok": 1.0,
    }
    return reply


def ping(state, db, command):
    return {"ok": 1.0}


def build_info(state, db, command):
    return {
        "version": "7.0.0-standin",
        "versionArray": [7, 0, 0, 0],
        "bits": 64,
        "maxBsonObjectSize": MAX_BSON_SIZE,
        "ok": 1.0,
    }


def end_sessions(state, db, command):
    return {"ok": 1.0}


def set_delay(state, db, command):
    """``{standinDelay: 1, ms: 150, commands: ["find"]}``: make those
    commands (all but the handshake when none are named) that slow; ms 0
    clears. For the slow-query log tests."""
    seconds = command.get("ms", 0) / 1000
    names = command.get("commands") or ["*"]
    for name in names:
        if seconds:
            state.delays[name] = seconds
        else:
            state.delays.pop(name, None)
    return {"ok": 1.0}


def list_databases(state, db, command):
    names = state.client.list_database_names()
    return {
        "databases": [{"name": name, "sizeOnDisk": 0, "empty": False} for name in names],
        "totalSize": 0,
        "ok": 1.0,
    }


def drop_database(state, db, command):
    state.client.drop_database(db)
    state.catalog.forget_database(db)
    return {"ok": 1.0, "dropped": db}


def list_collections(state, db, command):
    infos = [
        {
            "name": name,
            "type": "collection",
            "options": {},
            "info": {"readOnly": False},
            "idIndex": {"v": 2, "key": {"_id": 1}, "name": "_id_"},
        }
        for name in state.client[db].list_collection_names()
    ]
    wanted = command.get("filter") or {}
    infos = [info for info in infos if filtering.filter_applies(wanted, info)]
    if command.get("nameOnly"):
        infos = [{"name": info["name"], "type": info["type"]} for info in infos]
    cursor = state.cursors.first_batch(
        f"{db}.$cmd.listCollections", infos, (command.get("cursor") or {}).get("batchSize")
    )
    return {"cursor": cursor, "ok": 1.0}


def create(state, db, command):
    name = command["create"]
    if name in state.client[db].list_collection_names():
        raise CommandError(48, f"Collection {db}.{name} already exists.")
    if command.get("capped") or command.get("validator") or command.get("timeseries"):
        raise not_implemented("collection options")
    state.client[db].create_collection(name)
    return {"ok": 1.0}


def drop(state, db, command):
    # MongoDB 7 answers ok when the collection does not exist.
    name = command["drop"]
    state.client[db].drop_collection(name)
    state.catalog.forget_collection(db, name)
    return {"ok": 1.0, "ns": f"{db}.{name}"}


def create_indexes(state, db, command):
    name = command["createIndexes"]
    collection = state.collection(db, name)
    before = len(state.catalog.specs(db, name))
    if name not in state.client[db].list_collection_names():
        state.client[db].create_collection(name)  # createIndexes creates the collection
    for spec in command.get("indexes", []):
        if "key" not in spec or "name" not in spec:
            raise CommandError(9, "index specification needs 'key' and 'name'")
        try:
            state.catalog.create(collection, db, name, spec)
        except mongomock.DuplicateKeyError:
            raise CommandError(
                11000,
                f"Index build failed: E11000 duplicate key error "
                f"collection: {db}.{name} index: {spec['name']}",
            ) from None
    after = len(state.catalog.specs(db, name))
    reply = {"numIndexesBefore": before, "numIndexesAfter": after, "ok": 1.0}
    if before == after:
        reply["note"] = "all indexes already exist"
    return reply


def list_indexes(state, db, command):
    name = command["listIndexes"]
    if name not in state.client[db].list_collection_names():
        raise CommandError(26, f"ns does not exist: {db}.{name}")
    cursor = state.cursors.first_batch(
        f"{db}.$cmd.listIndexes.{name}",
        state.catalog.specs(db, name),
        (command.get("cursor") or {}).get("batchSize"),
    )
    return {"cursor": cursor, "ok": 1.0}


def drop_indexes(state, db, command):
    name = command["dropIndexes"]
    if name not in state.client[db].list_collection_names():
        raise CommandError(26, f"ns not found {db}.{name}")
    before = len(state.catalog.specs(db, name))
    index = command["index"]
    for one in index if isinstance(index, list) else [index]:
        state.catalog.drop(state.collection(db, name), db, name, one)
    return {"nIndexesWas": before, "ok": 1.0}


HANDLERS = {
    "hello": None,
    "isMaster": None,
    "ismaster": None,  # answered before the lock
    "ping": ping,
    "buildInfo": build_info,
    "buildinfo": build_info,
    "endSessions": end_sessions,
    "standinDelay": set_delay,
    "listDatabases": list_databases,
    "dropDatabase": drop_database,
    "listCollections": list_collections,
    "create": create,
    "drop": drop,
    "createIndexes": create_indexes,
    "listIndexes": list_indexes,
    "dropIndexes": drop_indexes,
    "deleteIndexes": drop_indexes,
    "insert": crud.insert,
    "update": crud.update,
    "delete": crud.delete,
    "find": crud.find,
    "getMore": crud.get_more,
    "killCursors": crud.kill_cursors,
    "findAndModify": crud.find_and_modify,
    "findandmodify": crud.find_and_modify,
    "count": crud.count,
    "distinct": crud.distinct,
    "aggregate": crud.aggregate,
}
