"""The embedded store kept in a folder between runs (``EMBEDDED_DATA_DIR``,
``instance/`` in development), so a writer trying the site on a laptop keeps
their posts and pictures.

Used only by the commands that serve the embedded backend (``flask demo``,
``flask run``): tests and scripts that build an app keep theirs in memory,
and production, which needs ``MONGODB_URI``, never imports this module.

One file, every collection (GridFS's ``fs.files`` and ``fs.chunks`` too), as
a stream of BSON documents: a header, each document with its collection, and
a trailer with the count, so a cut file is told from a whole one. It is
written whole to a temporary file in the same folder and renamed over the old
one (an atomic replace): a stop mid-write leaves the previous file intact.
Saved every ``SAVE_EVERY_SECONDS`` while something changed, and on a clean
stop (Ctrl-C, SIGTERM): a crash loses at most that interval.
"""

import atexit
import logging
import os
import signal
import sys
import threading
from pathlib import Path

import bson
from bson.errors import BSONError

from .database import ConfigError
from .embedded import store_lock, writes

log = logging.getLogger(__name__)

FILE_NAME = "embedded-data.bson"
SAVE_EVERY_SECONDS = 5
_FORMAT = "inkwell-embedded"
_VERSION = 1


class KeptStore:
    """An embedded database and the file it is kept in."""

    def __init__(self, database, folder):
        self.database = database
        self.path = Path(folder) / FILE_NAME
        self._saved_at = None  # the write count the file holds
        self._save_lock = threading.Lock()

    # -- loading ----------------------------------------------------------------
    def load(self):
        """Fill the database from the file, if there is one; a damaged file
        stops the start with one line naming it."""
        if self.path.exists():
            with store_lock:
                for name, documents in self._read().items():
                    collection = self.database[name]
                    collection.delete_many({})
                    if documents:
                        collection.insert_many(documents)
        self._saved_at = writes[self.database.name]

    def _read(self):
        try:
            with open(self.path, "rb") as stream:
                records = list(bson.decode_file_iter(stream))
        except (BSONError, ValueError, OSError) as exc:
            raise self._damaged(exc) from None
        if not records or records[0].get("format") != _FORMAT:
            raise self._damaged("not an Inkwell data file")
        if records[0].get("version") != _VERSION:
            raise self._damaged(f"format version {records[0].get('version')}, expected {_VERSION}")
        body, trailer = records[1:-1], records[-1] if len(records) > 1 else {}
        if trailer.get("documents") != len(body):
            raise self._damaged("cut short")
        collections = {name: [] for name in records[0].get("collections", [])}
        for record in body:
            collections.setdefault(record["c"], []).append(record["d"])
        return collections

    def _damaged(self, reason):
        return ConfigError(
            f"the embedded data file {self.path} is damaged ({' '.join(str(reason).split())}); "
            "move it away to keep it, or delete it (`make reset`) to start afresh"
        )

    # -- saving -----------------------------------------------------------------
    def save(self):
        """Write every collection to the file, atomically."""
        with self._save_lock:
            with store_lock:  # one moment's store: a post and its pictures
                count = writes[self.database.name]
                names = sorted(
                    n for n in self.database.list_collection_names() if not n.startswith("system.")
                )
                snapshot = {name: list(self.database[name].find({})) for name in names}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(self.path.name + ".tmp")
            total = 0
            with open(temporary, "wb") as stream:
                stream.write(bson.encode({"format": _FORMAT, "version": _VERSION, "collections": names}))
                for name, documents in snapshot.items():
                    for document in documents:
                        stream.write(bson.encode({"c": name, "d": document}))
                        total += 1
                stream.write(bson.encode({"documents": total}))
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, self.path)
            self._saved_at = count

    def save_if_changed(self):
        if writes[self.database.name] != self._saved_at:
            self.save()

    def empty(self):
        """Delete every document and save: a fresh start."""
        empty_database(self.database)
        self.save()

    # -- while serving ----------------------------------------------------------
    def keep_saving(self):
        """Save every few seconds while there are changes, and at exit."""
        thread = threading.Thread(target=self._save_periodically, name="embedded-save", daemon=True)
        thread.start()
        atexit.register(self._save_at_exit)
        _exit_cleanly_on_sigterm()

    def _save_periodically(self):
        stop = threading.Event()
        while not stop.wait(SAVE_EVERY_SECONDS):
            try:
                self.save_if_changed()
            except OSError as exc:  # a full disk: told, and tried again later
                log.error("could not save the embedded data to %s: %s", self.path, exc)

    def _save_at_exit(self):
        self.save_if_changed()


def _exit_cleanly_on_sigterm():
    """SIGTERM ends the process through ``sys.exit``, so ``atexit`` saves (by
    default it kills the process at once). Only where nobody else handles it
    (a gunicorn worker has its own handler) and only from the main thread,
    the one Python lets set handlers."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))


def empty_database(database):
    """Delete every document of every collection; the indexes stay."""
    with store_lock:
        for name in database.list_collection_names():
            if not name.startswith("system."):
                database[name].delete_many({})


def keep(app):
    """Load the app's embedded database from ``EMBEDDED_DATA_DIR`` and keep it
    saved there. ``None`` (nothing kept) when that is unset."""
    folder = app.config.get("EMBEDDED_DATA_DIR")
    if not folder:
        return None
    store = KeptStore(app.extensions["site_db"]["db"], folder)
    store.load()
    store.keep_saving()
    app.extensions["embedded_store"] = store
    app.logger.info(
        "embedded database kept in %s (saved every %d s and on stop)", store.path, SAVE_EVERY_SECONDS
    )
    return store
