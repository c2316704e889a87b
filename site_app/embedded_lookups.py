"""The value tables and kept orders behind ``embedded_index.py``: what one
version of a mongomock collection answers without testing every document.

A table holds, for one top-level field, ``(BSON kind, value) -> ids`` (each
element of an array; a missing field is null), as a MongoDB index on the
field holds its keys; an order holds the documents in one sort's order.
Imported only through ``embedded_index.py`` (the embedded backend).
"""

import copy
import datetime
import uuid

from bson import ObjectId


def current(store):
    """The store's lookups if they are of its current version, else ``None``."""
    found = getattr(store, "inkwell_lookups", None)
    return found if found is not None and found.version == getattr(store, "inkwell_version", 0) else None


# -- value tables ------------------------------------------------------------------
# The BSON kind of a scalar, as MongoDB's equality compares: numbers of any
# type equal each other, a boolean equals no number, null matches a missing
# field too. Values of other kinds never equal a looked-up value.
_KINDS = (
    (bool, "bool"),
    ((int, float), "number"),
    (str, "string"),
    (ObjectId, "objectId"),
    (uuid.UUID, "uuid"),
    (type(None), "null"),
)
_NEVER_EQUAL = (dict, datetime.datetime, bytes)  # to a looked-up value: skipped


def kind_of(value):
    for types, kind in _KINDS:
        if isinstance(value, types):
            return kind
    return None


def _lookup_keys(condition):
    """The table keys an equality or ``$in`` condition accepts, or ``None``
    when it is something else (ranges, regexes, documents, arrays)."""
    if isinstance(condition, dict):
        if len(condition) != 1:
            return None
        ((operator, value),) = condition.items()
        if operator == "$eq":
            values = [value]
        elif operator == "$in" and isinstance(value, (list, tuple)):
            values = list(value)
        else:
            return None
    else:
        values = [condition]
    keys = [(kind_of(v), v) for v in values]
    return None if any(kind is None for kind, _ in keys) else list(dict.fromkeys(keys))


class _Lookups:
    """What one version of a collection answers without a scan."""

    def __init__(self, store):
        self.store = store
        self.version = getattr(store, "inkwell_version", 0)
        self.tables = {}
        self.orders = {}
        self.positions = None
        self.found = {}  # a filter's lookups -> (ids, exact)

    def table(self, field):
        """``{(kind, value): [ids]}`` of a top-level field (each element of
        an array; a missing field is null), or ``None`` when some value is
        of a kind the table cannot stand for."""
        if field not in self.tables:
            table = {}
            for document in self.store.documents:
                if not _enter(table, field, document):
                    table = None
                    break
            self.tables[field] = table
        return self.tables[field]

    def add(self, document):
        """Take in a document just stored (appended to the stored order)."""
        for field, table in self.tables.items():
            if table is not None and not _enter(table, field, document):
                self.tables[field] = None
        if self.positions is not None:
            self.positions[document["_id"]] = len(self.positions)
        self.orders.clear()
        self.found.clear()

    def snapshot(self, document):
        """What the tables and orders hold of a document, before a write."""
        return (
            document,
            {field: _entries(field, document) for field, table in self.tables.items() if table is not None},
            {key: _sort_value(key, document) for order in self.orders for key, _direction in order},
        )

    def follow(self, document_id, before):
        """Move a document written since ``snapshot`` (changed in place,
        replaced or deleted) in the tables; drop the orders it moved in."""
        old, entries, sort_values = before
        now = self.store._documents.get(document_id)
        for field, old_entries in entries.items():
            table = self.tables[field]
            new_entries = None if now is None else _entries(field, now)
            if new_entries == old_entries:
                continue
            for key in old_entries or ():
                table.get(key, {}).pop(document_id, None)
            if now is not None and not _enter(table, field, now):
                self.tables[field] = None
        if now is None and self.positions is not None:
            self.positions.pop(document_id, None)
        moved = now is not old or any(_sort_value(key, now) != value for key, value in sort_values.items())
        if moved:
            self.orders.clear()
        self.found.clear()

    def order(self, sort):
        """The stored documents in ``sort`` order (mongomock's stable sorts)."""
        if sort not in self.orders:
            documents = list(self.store.documents)
            for key, direction in reversed(sort):
                try:
                    documents.sort(key=_sort_key(key, documents), reverse=direction < 0)
                except TypeError:  # e.g. naive and aware times: mongomock's own comparisons
                    documents.sort(key=_sort_key(key, []), reverse=direction < 0)
            self.orders[sort] = documents
        return self.orders[sort]

    def stored_position(self):
        if self.positions is None:
            self.positions = {d["_id"]: n for n, d in enumerate(self.store.documents)}
        return self.positions


def _enter(table, field, document):
    """Add the document's values of ``field`` to ``table``; False when one
    is of a kind no table stands for (e.g. Decimal128, which equals numbers)."""
    value = document.get(field)
    for element in value if isinstance(value, list) else [value]:
        if isinstance(element, (list,) + _NEVER_EQUAL):
            continue  # (MongoDB does not match a scalar inside nested arrays)
        kind = kind_of(element)
        if kind is None:
            return False
        table.setdefault((kind, element), {})[document["_id"]] = None
    return True


def _entries(field, document):
    """The table keys a document's field stands under (``None``: a value no
    table stands for)."""
    table = {}
    if not _enter(table, field, document):
        return None
    return sorted(table, key=repr)


def _sort_value(key, document):
    """A document's value under a sort key, to tell whether a write moved
    it (a dotted key always counts as moved)."""
    if "." in key or document is None:
        return object()
    return copy.deepcopy(document.get(key))


def _sort_key(key, documents):
    """mongomock's sort key; for a top-level field whose values are all of
    one kind (or missing), Python's own order of them, which is BSON's
    (null first) and much cheaper than mongomock's comparisons."""
    from mongomock import filtering

    if "." not in key and documents:
        kinds = {type(d.get(key)) for d in documents} - {type(None)}
        if len(kinds) == 1 and next(iter(kinds)) in (datetime.datetime, ObjectId, str, int, float):
            return lambda d: (d.get(key) is not None, d.get(key) if d.get(key) is not None else 0)
    return lambda d: filtering.resolve_sort_key(key, d)


def lookups_of(store):
    found = getattr(store, "inkwell_lookups", None)
    if found is None or found.version != getattr(store, "inkwell_version", 0):
        found = store.inkwell_lookups = _Lookups(store)
    return found


def candidates(lookups, filter_):
    """``(ids, exact)``: the ids that can match ``filter_`` (``None`` when
    no field of it can be looked up), and whether they are exactly its
    matches (every condition a lookup)."""
    wanted_ids = _lookup_keys(filter_["_id"]) if "_id" in filter_ else None
    if wanted_ids is not None:
        # A few documents by their ids: no table is worth building for the rest.
        return [v for _kind, v in wanted_ids if v in lookups.store], False
    found = found_for(lookups, filter_)
    return (None, False) if found is None else found.answer()


def found_for(lookups, filter_):
    """The kept ``_Found`` of a filter's looked-up fields, or ``None``."""
    if getattr(lookups.store, "inkwell_writing", 0):
        # Inside a write (e.g. its unique-index checks between the
        # documents of one insert_many) the tables would be stale.
        return None
    wanted, exact = [], True
    for field, condition in filter_.items():
        keys = None if field.startswith("$") or "." in field else _lookup_keys(condition)
        if keys is None:
            exact = False
        else:
            wanted.append((field, tuple(keys)))
    cache_key = (tuple(wanted), exact)
    if cache_key not in lookups.found:
        lookups.found[cache_key] = _Found(lookups, wanted, exact)
    return lookups.found[cache_key]


class _Found:
    """The candidates of one filter's lookups, kept with the tables."""

    def __init__(self, lookups, wanted, exact):
        found = []
        for field, keys in wanted:
            table = lookups.table(field)
            if table is None:
                exact = False
            else:
                found.append([i for key in keys for i in table.get(key, ())])
        self.exact = exact
        self.ids = None
        if found:
            found.sort(key=len)
            ids = list(dict.fromkeys(found[0]))
            for other in found[1:]:
                others = set(other)
                ids = [i for i in ids if i in others]
            self.ids = ids
        self._set = None

    def answer(self):
        return (self.ids, self.exact) if self.ids is not None else (None, False)

    def id_set(self):
        if self._set is None:
            self._set = set(self.ids)
        return self._set
