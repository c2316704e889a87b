"""Index-like lookups for the embedded backend (mongomock), so its work
follows the answer, not the collection, where MongoDB's indexes would.

mongomock answers every filter by testing every stored document, sorts the
whole collection for a page of ten, copies every matching document before
cutting the page, counts by filtering everything, and starts every
aggregation by copying the whole collection (each post with all its
comments) before its first ``$match``. Here:

- a field's equality or ``$in`` picks the candidates from a value table, as
  a MongoDB index on the field would (and answers a count of such a filter
  alone);
- a sorted find walks the collection in an order kept until the next write,
  as an index on the sort would, and stops at its limit; only the documents
  returned are copied;
- an aggregation's leading ``$match`` is a find.

The site sends the same commands either way; the answers are unchanged:
mongomock's own filter still decides every candidate, unless the tables
decide the filter exactly (equality and ``$in`` of scalars, compared by
BSON type as MongoDB compares them). Tables and orders belong to one
version of a collection: every write renews it.

Imported only by ``embedded.py``, so production never loads it.
"""
import copy
import datetime
import functools
import itertools
import uuid

from bson import ObjectId

_patched = False
_mongomock_get_dataset = None
# Collection methods that change the stored documents (some in place): each
# call renews the collection's version. Inserting a document (insert_one,
# insert_many) is followed document by document instead (``_stored``), so
# the unique-index checks between the documents of one insert_many find
# the ones just stored.
_MONGOMOCK_WRITES = (
    "insert", "update", "update_one", "update_many",
    "_update", "replace_one", "save", "remove", "delete_one", "delete_many", "_delete",
    "find_one_and_delete", "find_one_and_replace", "find_one_and_update", "find_and_modify",
    "_find_and_modify", "bulk_write", "drop", "rename",
)


def answer_like_an_index():
    """Patch mongomock once (before the lock and the counters wrap it)."""
    global _patched, _mongomock_get_dataset
    if _patched:
        return
    from mongomock import aggregate as mongomock_aggregate
    from mongomock.collection import Collection, Cursor
    from mongomock.store import CollectionStore

    CollectionStore.__setitem__ = _stored(CollectionStore.__setitem__)
    CollectionStore.__delitem__ = _removed(CollectionStore.__delitem__)
    for name in _MONGOMOCK_WRITES:
        original = getattr(Collection, name, None)
        if original is not None:
            setattr(Collection, name, _renews_version(name, original))
    _mongomock_get_dataset = Collection._get_dataset
    Collection._get_dataset = _indexed_dataset
    Collection._iter_documents = _indexed_documents(Collection._iter_documents)
    Collection.count_documents = _counted_from_tables(Collection.count_documents)
    Collection.aggregate = _match_first(Collection.aggregate, mongomock_aggregate)
    Cursor._compute_results = _copy_only_the_window(Cursor._compute_results)
    _patched = True


# Writes to one document named by its ``_id`` (the site's usual write: a
# comment, a like count): the tables follow that document, as an index is
# updated, instead of being built again.
_ONE_DOCUMENT_WRITES = {"update_one", "replace_one", "delete_one", "find_one_and_update",
                        "find_one_and_replace", "find_one_and_delete"}


def _renews_version(name, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        store = self._store
        outermost = not getattr(store, "inkwell_writing", 0)
        lookups = target = before = None
        if outermost and name in _ONE_DOCUMENT_WRITES:
            lookups = _current(store)
            target = _one_document(self, lookups, args, kwargs)
            if target not in (None, _UNKNOWN):
                before = lookups.snapshot(store[target])
        count = len(store._documents)
        store.inkwell_writing = getattr(store, "inkwell_writing", 0) + 1
        try:
            return method(self, *args, **kwargs)
        finally:
            store.inkwell_writing -= 1
            if outermost:
                _after_write(store, lookups, target, before, count)

    return wrapper


_UNKNOWN = object()


def _after_write(store, lookups, target, before, count):
    if lookups is None or target is _UNKNOWN or _current(store) is not lookups:
        _renew(store)
        return
    if target is not None:
        lookups.follow(target, before)
    if len(store._documents) == count + 1:  # an upsert inserted it (last)
        lookups.add(next(reversed(store._documents.values())))
    elif len(store._documents) not in (count, count - 1):
        _renew(store)


def _one_document(collection, lookups, args, kwargs):
    """The ``_id`` of the stored document a one-document write changes (the
    first its filter matches, as mongomock picks it), ``None`` when it
    changes none, ``_UNKNOWN`` when that cannot be told here (the lookups
    are then renewed)."""
    filter_ = args[0] if args else kwargs.get("filter")
    if lookups is None or not isinstance(filter_, dict):
        return _UNKNOWN
    wanted = filter_.get("_id")
    if _kind(wanted) not in (None, "null") and not isinstance(wanted, dict):
        return wanted if wanted in lookups.store else None
    if kwargs.get("sort"):
        return _UNKNOWN  # (the first in that order)
    first = next(iter(collection._iter_documents(filter_)), None)
    return None if first is None else first["_id"]


def _current(store):
    found = getattr(store, "inkwell_lookups", None)
    return found if found is not None and found.version == getattr(
        store, "inkwell_version", 0) else None


def _renew(store):
    store.inkwell_version = getattr(store, "inkwell_version", 0) + 1


def _stored(method):
    @functools.wraps(method)
    def wrapper(store, key, document):
        new = key not in store
        method(store, key, document)
        if getattr(store, "inkwell_writing", 0):
            return  # the write that stores it keeps the tables
        lookups = _current(store)
        if new and lookups is not None:
            lookups.add(document)
        else:
            _renew(store)  # a document replaced: its old values are in the tables

    return wrapper


def _removed(method):
    @functools.wraps(method)
    def wrapper(store, key):
        try:
            return method(store, key)
        finally:
            if not getattr(store, "inkwell_writing", 0):
                _renew(store)

    return wrapper


# -- value tables ------------------------------------------------------------------
# The BSON kind of a scalar, as MongoDB's equality compares: numbers of any
# type equal each other, a boolean equals no number, null matches a missing
# field too. Values of other kinds never equal a looked-up value.
_KINDS = ((bool, "bool"), ((int, float), "number"), (str, "string"), (ObjectId, "objectId"),
          (uuid.UUID, "uuid"), (type(None), "null"))
_NEVER_EQUAL = (dict, datetime.datetime, bytes)  # to a looked-up value: skipped


def _kind(value):
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
        (operator, value), = condition.items()
        if operator == "$eq":
            values = [value]
        elif operator == "$in" and isinstance(value, (list, tuple)):
            values = list(value)
        else:
            return None
    else:
        values = [condition]
    keys = [(_kind(v), v) for v in values]
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
        return (document, {field: _entries(field, document)
                           for field, table in self.tables.items() if table is not None},
                {key: _sort_value(key, document) for order in self.orders
                 for key, _direction in order})

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
        moved = now is not old or any(_sort_value(key, now) != value
                                      for key, value in sort_values.items())
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
    for element in (value if isinstance(value, list) else [value]):
        if isinstance(element, (list,) + _NEVER_EQUAL):
            continue  # (MongoDB does not match a scalar inside nested arrays)
        kind = _kind(element)
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


def _lookups(store):
    found = getattr(store, "inkwell_lookups", None)
    if found is None or found.version != getattr(store, "inkwell_version", 0):
        found = store.inkwell_lookups = _Lookups(store)
    return found


def _candidates(lookups, filter_):
    """``(ids, exact)``: the ids that can match ``filter_`` (``None`` when
    no field of it can be looked up), and whether they are exactly its
    matches (every condition a lookup)."""
    wanted_ids = _lookup_keys(filter_["_id"]) if "_id" in filter_ else None
    if wanted_ids is not None:
        # A few documents by their ids: no table is worth building for the rest.
        return [v for _kind, v in wanted_ids if v in lookups.store], False
    found = _found(lookups, filter_)
    return (None, False) if found is None else found.answer()


def _found(lookups, filter_):
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


def _usable(store, filter_):
    return isinstance(filter_, dict) and not store.is_empty and not store._ttl_indexes


def _indexed_documents(method):
    """mongomock's ``Collection._iter_documents`` from the candidates, in
    stored order (as mongomock returns them)."""
    @functools.wraps(method)
    def wrapper(self, filter_):
        from mongomock import filtering

        store = self._store
        if not _usable(store, filter_):
            return method(self, filter_)
        lookups = _lookups(store)
        ids, exact = _candidates(lookups, filter_)
        if ids is None:
            return method(self, filter_)
        position = lookups.stored_position()
        found = sorted((store[i] for i in ids), key=lambda d: position[d["_id"]])
        return iter(found) if exact else (d for d in found if filtering.filter_applies(filter_, d))

    return wrapper


def _counted_from_tables(method):
    """``count_documents`` of a filter the tables decide exactly: the
    length of the candidates (as MongoDB counts from an index alone)."""
    @functools.wraps(method)
    def wrapper(self, filter, **kwargs):  # noqa: A002 (pymongo's keyword)
        store = self._store
        if kwargs or not filter or not _usable(store, filter):
            return method(self, filter, **kwargs)
        ids, exact = _candidates(_lookups(store), filter)
        return len(ids) if exact else method(self, filter, **kwargs)

    return wrapper


def _plain_sort(sort):
    if not sort:
        return None
    items = tuple(sort.items() if isinstance(sort, dict) else sort)
    if any(key.startswith("$") for key, _direction in items):
        return None  # $natural and the like: mongomock's own path
    return tuple((key, direction) for key, direction in items)


def _indexed_dataset(self, spec, sort, fields, as_class):
    """mongomock's ``Collection._get_dataset`` walking a kept order; lazy,
    so a limited cursor stops at its page."""
    from mongomock import filtering

    store = self._store
    order = _plain_sort(sort)
    if order is None or not _usable(store, spec or {}) or getattr(store, "inkwell_writing", 0):
        yield from _mongomock_get_dataset(self, spec, sort, fields, as_class)
        return
    lookups = _lookups(store)
    spec = spec or {}
    found = None if "_id" in spec else _found(lookups, spec)
    if found is not None and found.ids is not None:
        wanted, exact = found.id_set(), found.exact
    else:
        ids, exact = _candidates(lookups, spec)
        wanted = None if ids is None else set(ids)
    for document in lookups.order(order):
        if wanted is not None and document["_id"] not in wanted:
            continue
        if exact or filtering.filter_applies(spec, document):
            yield self._copy_only_fields(document, fields, as_class)


def _match_first(method, mongomock_aggregate):
    @functools.wraps(method)
    def wrapper(self, pipeline, session=None, **kwargs):
        if not pipeline or not isinstance(pipeline[0], dict) or set(pipeline[0]) != {"$match"}:
            return method(self, pipeline, session=session, **kwargs)
        # find() applies the same filter as the $match stage, to fewer documents.
        matched = list(self.find(pipeline[0]["$match"]))
        return mongomock_aggregate.process_pipeline(matched, self.database, pipeline[1:], session)

    return wrapper


def _copy_only_the_window(method):
    @functools.wraps(method)
    def wrapper(self, with_limit_and_skip=False):
        if (not with_limit_and_skip or not self._limit or self._results
                or self.collection.codec_options.tz_aware):
            return method(self, with_limit_and_skip)
        key = (self._factory, self._skip, self._limit)
        if getattr(self, "_window_key", None) != key:
            # The dataset comes lazily in its order: nothing after the page
            # is copied.
            self._window = list(itertools.islice(self._factory(), self._skip,
                                                 self._skip + abs(self._limit)))
            self._window_key = key
        return self._window

    return wrapper
