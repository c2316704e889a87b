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

The tables and orders are ``embedded_lookups.py``. Imported only by
``embedded.py``, so production never loads either.
"""

import functools
import itertools

from .embedded_lookups import candidates, current, found_for, kind_of, lookups_of

_patched = False
_mongomock_get_dataset = None
# Collection methods that change the stored documents (some in place): each
# call renews the collection's version. Inserting a document (insert_one,
# insert_many) is followed document by document instead (``_stored``), so
# the unique-index checks between the documents of one insert_many find
# the ones just stored.
_MONGOMOCK_WRITES = (
    "insert",
    "update",
    "update_one",
    "update_many",
    "_update",
    "replace_one",
    "save",
    "remove",
    "delete_one",
    "delete_many",
    "_delete",
    "find_one_and_delete",
    "find_one_and_replace",
    "find_one_and_update",
    "find_and_modify",
    "_find_and_modify",
    "bulk_write",
    "drop",
    "rename",
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
    # ``Database.drop_collection`` empties the store itself, past every
    # Collection method above.
    CollectionStore.drop = _emptied(CollectionStore.drop)
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
    partial_unique_indexes_as_mongodb()
    _patched = True


_create_index_patched = False


def partial_unique_indexes_as_mongodb():
    """Patch mongomock's ``create_index`` once (also the driver lane's
    stand-in, tests/standin/, which is mongomock behind the wire)."""
    global _create_index_patched
    if _create_index_patched:
        return
    from mongomock.collection import Collection

    Collection.create_index = _partial_unique_checked(Collection.create_index)
    _create_index_patched = True


def _partial_unique_checked(method):
    """A unique index with a ``partialFilterExpression`` is unique among the
    documents its filter selects, as MongoDB builds it. mongomock's inserts
    honour the filter but its ``create_index`` checks every stored document
    (posts without an ``import_source`` all collide on ``null``), so such an
    index on a collection that holds documents (a restore, a kept store
    loaded at start) is checked here and stored without the blanket check."""
    from mongomock import DuplicateKeyError, OperationFailure, filtering, helpers

    @functools.wraps(method)
    def create_index(self, key_or_list, *args, **kwargs):
        partial = kwargs.get("partialFilterExpression")
        if not (kwargs.get("unique") and partial):
            return method(self, key_or_list, *args, **kwargs)
        keys = [field for field, _order in helpers.create_index_list(key_or_list)]
        seen = set()
        for document in list(self._store.documents):
            if filtering.filter_applies(partial, document):
                value = repr([_value_at(document, key, helpers) for key in keys])
                if value in seen:
                    raise DuplicateKeyError("E11000 Duplicate Key Error", 11000)
                seen.add(value)
        indexes = self._store.indexes
        name = kwargs.get("name") or helpers.gen_index_name(helpers.create_index_list(key_or_list))
        existing = indexes.pop(name, None)
        method(self, key_or_list, *args, **dict(kwargs, unique=False))
        indexes[name]["unique"] = True
        if existing is not None and existing != indexes[name]:
            indexes[name] = existing
            raise OperationFailure(f"Index with name: {name} already exists with different options")
        return name

    return create_index


def _value_at(document, key, helpers):
    try:
        return helpers.get_value_by_dot(document, key)
    except KeyError:  # missing: indexed as null, as MongoDB does
        return None


# Writes to one document named by its ``_id`` (the site's usual write: a
# comment, a like count): the tables follow that document, as an index is
# updated, instead of being built again.
_ONE_DOCUMENT_WRITES = {
    "update_one",
    "replace_one",
    "delete_one",
    "find_one_and_update",
    "find_one_and_replace",
    "find_one_and_delete",
}


def _renews_version(name, method):
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        store = self._store
        outermost = not getattr(store, "inkwell_writing", 0)
        lookups = target = before = None
        if outermost and name in _ONE_DOCUMENT_WRITES:
            lookups = current(store)
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
    if lookups is None or target is _UNKNOWN or current(store) is not lookups:
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
    if kind_of(wanted) not in (None, "null") and not isinstance(wanted, dict):
        return wanted if wanted in lookups.store else None
    if kwargs.get("sort"):
        return _UNKNOWN  # (the first in that order)
    first = next(iter(collection._iter_documents(filter_)), None)
    return None if first is None else first["_id"]


def _renew(store):
    store.inkwell_version = getattr(store, "inkwell_version", 0) + 1


def _stored(method):
    @functools.wraps(method)
    def wrapper(store, key, document):
        new = key not in store
        method(store, key, document)
        if getattr(store, "inkwell_writing", 0):
            return  # the write that stores it keeps the tables
        lookups = current(store)
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


def _emptied(method):
    @functools.wraps(method)
    def wrapper(store):
        try:
            return method(store)
        finally:
            _renew(store)

    return wrapper


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
        lookups = lookups_of(store)
        ids, exact = candidates(lookups, filter_)
        if ids is None:
            return method(self, filter_)
        position = lookups.stored_position()
        # A document stored by the write under way (an upsert that returns
        # it) is in the store before the lookups take it in: last, as stored.
        last = len(position)
        found = sorted((store[i] for i in ids), key=lambda d: position.get(d["_id"], last))
        return iter(found) if exact else (d for d in found if filtering.filter_applies(filter_, d))

    return wrapper


def _counted_from_tables(method):
    """``count_documents`` of a filter the tables decide exactly: the
    length of the candidates (as MongoDB counts from an index alone)."""

    @functools.wraps(method)
    def wrapper(self, filter, **kwargs):  # `filter`: pymongo's keyword name
        store = self._store
        if kwargs or not filter or not _usable(store, filter):
            return method(self, filter, **kwargs)
        ids, exact = candidates(lookups_of(store), filter)
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
    lookups = lookups_of(store)
    spec = spec or {}
    found = None if "_id" in spec else found_for(lookups, spec)
    if found is not None and found.ids is not None:
        wanted, exact = found.id_set(), found.exact
    else:
        ids, exact = candidates(lookups, spec)
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
        if (
            not with_limit_and_skip
            or not self._limit
            or self._results
            or self.collection.codec_options.tz_aware
        ):
            return method(self, with_limit_and_skip)
        key = (self._factory, self._skip, self._limit)
        if getattr(self, "_window_key", None) != key:
            # The dataset comes lazily in its order: nothing after the page
            # is copied.
            self._window = list(itertools.islice(self._factory(), self._skip, self._skip + abs(self._limit)))
            self._window_key = key
        return self._window

    return wrapper
