"""Server-side cursors: a query's results handed out in batches, as MongoDB
does (101 documents or 16 MiB in the first batch unless the client asks for
another size, the rest through ``getMore`` until the cursor is exhausted or
killed). A find's cursor is no snapshot: each later batch reads its
documents again (``refresh``), so one deleted since is not returned and one
changed comes back as it is now, as MongoDB's cursors do between batches."""

import itertools
from collections import deque

import bson

from .errors import MAX_BSON_SIZE, CommandError

DEFAULT_FIRST_BATCH = 101


class CursorStore:
    def __init__(self):
        self._open = {}  # cursor id -> (namespace, deque of documents, refresh or None)
        self._ids = itertools.count(7_000_001)

    def first_batch(self, namespace, documents, batch_size=None, single_batch=False, refresh=None):
        """The reply ``cursor`` document for a new result set; ``refresh``
        (document -> document or None) reads a later batch's documents again."""
        remaining = deque(documents)
        size = DEFAULT_FIRST_BATCH if batch_size is None else batch_size
        batch = _take(remaining, size)
        cursor_id = 0
        if remaining and not single_batch:
            cursor_id = next(self._ids)
            self._open[cursor_id] = (namespace, remaining, refresh)
        return {"id": bson.Int64(cursor_id), "ns": namespace, "firstBatch": batch}

    def next_batch(self, cursor_id, namespace, batch_size=None):
        opened = self._open.get(cursor_id)
        if opened is None or opened[0] != namespace:
            raise CommandError(43, f"cursor id {cursor_id} not found")
        remaining, refresh = opened[1], opened[2]
        batch = _take(remaining, batch_size or None, refresh)
        if not remaining:
            del self._open[cursor_id]
            cursor_id = 0
        return {"id": bson.Int64(cursor_id), "ns": namespace, "nextBatch": batch}

    def kill(self, cursor_ids):
        killed, missing = [], []
        for cursor_id in cursor_ids:
            (killed if self._open.pop(cursor_id, None) is not None else missing).append(cursor_id)
        return killed, missing


def _take(remaining, count, refresh=None):
    """Up to ``count`` documents (all when None), never past 16 MiB a batch
    unless a single document is that big; each read again by ``refresh``."""
    batch, total = [], 0
    while remaining and (count is None or len(batch) < count):
        document = remaining[0] if refresh is None else refresh(remaining[0])
        if document is None:  # deleted, or no longer matching
            remaining.popleft()
            continue
        size = len(bson.encode(document))
        if batch and total + size > MAX_BSON_SIZE:
            remaining[0] = document
            break
        remaining.popleft()
        batch.append(document)
        total += size
    return batch
