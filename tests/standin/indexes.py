"""The index catalog: what ``listIndexes`` shows, and MongoDB's rules for
creating one.

mongomock keeps only the key, ``unique``, ``sparse``, TTL and partial filter
of an index and forgets the rest (a text index's weights above all), and it
accepts an index that conflicts with an existing one. So the stand-in keeps
the specs as the client sent them, checks conflicts the way the server does
(codes 85/86), and hands mongomock only what it enforces: uniqueness.
"""

from .errors import CommandError

# Options that make two indexes on the same key different indexes.
_OPTIONS = (
    "unique",
    "sparse",
    "partialFilterExpression",
    "expireAfterSeconds",
    "weights",
    "default_language",
    "language_override",
    "collation",
)
_ID_INDEX = {"v": 2, "key": {"_id": 1}, "name": "_id_"}


def normalised(spec):
    """A spec as the server stores it: a text index's fields become weights
    under the fixed key ``{_fts: "text", _ftsx: 1}``."""
    key = dict(spec["key"])
    stored = {"v": 2, "key": key, "name": spec["name"]}
    for option in _OPTIONS:
        if option in spec:
            stored[option] = spec[option]
    text_fields = [field for field, kind in key.items() if kind == "text"]
    if text_fields:
        weights = {field: 1 for field in text_fields}
        weights.update(spec.get("weights") or {})
        stored["key"] = {"_fts": "text", "_ftsx": 1}
        stored["weights"] = weights
        stored.setdefault("default_language", "english")
        stored.setdefault("language_override", "language")
        stored["textIndexVersion"] = 3
    return stored


class IndexCatalog:
    """Index specs per namespace, beside the data mongomock keeps."""

    def __init__(self):
        self._specs = {}  # (database, collection) -> {name: stored spec}

    def specs(self, database, collection):
        return [dict(_ID_INDEX), *self._specs.get((database, collection), {}).values()]

    def text_index(self, database, collection):
        for spec in self._specs.get((database, collection), {}).values():
            if spec["key"].get("_fts") == "text":
                return spec
        return None

    def unique_specs(self, database, collection):
        """``_id_`` and every unique index, in the order they were made."""
        return [
            spec for spec in self.specs(database, collection) if spec["name"] == "_id_" or spec.get("unique")
        ]

    def create(self, mongo_collection, database, collection, spec):
        """Create one index; False when an identical one already exists."""
        stored = normalised(spec)
        existing = self._specs.setdefault((database, collection), {})
        for current in self.specs(database, collection):
            same_name = current["name"] == stored["name"]
            same_key = current["key"] == stored["key"]
            if same_name and same_key and _options(current) == _options(stored):
                return False
            if same_name and not same_key:
                raise CommandError(
                    86,
                    f"An existing index has the same name as the requested index. "
                    f"When index names are not specified, they are auto generated and can "
                    f"cause conflicts. Please refer to our documentation. Requested index: "
                    f"{stored}, existing index: {current}",
                )
            if same_key or same_name:
                raise CommandError(
                    85,
                    f"An equivalent index already exists with a different name and "
                    f"options. Requested index: {stored}, existing index: {current}",
                )
        if stored["key"].get("_fts") != "text":
            # mongomock enforces uniqueness (and refuses to build a unique
            # index over duplicates); the rest is bookkeeping.
            options = {
                option: stored[option]
                for option in ("unique", "sparse", "partialFilterExpression", "expireAfterSeconds")
                if option in stored
            }
            mongo_collection.create_index(list(stored["key"].items()), name=stored["name"], **options)
        existing[stored["name"]] = stored
        return True

    def drop(self, mongo_collection, database, collection, index):
        """Drop by name, by key document, or ``"*"`` for all but ``_id_``."""
        existing = self._specs.get((database, collection), {})
        if index == "*":
            mongo_collection.drop_indexes()
            existing.clear()
            return
        name = (
            index
            if isinstance(index, str)
            else next((spec["name"] for spec in existing.values() if spec["key"] == dict(index)), None)
        )
        if name == "_id_":
            raise CommandError(72, "cannot drop _id index")
        if name not in existing:
            raise CommandError(27, f"index not found with name [{name}]")
        spec = existing.pop(name)
        if spec["key"].get("_fts") != "text":
            mongo_collection.drop_index(name)

    def forget_collection(self, database, collection):
        self._specs.pop((database, collection), None)

    def forget_database(self, database):
        for key in [key for key in self._specs if key[0] == database]:
            del self._specs[key]


def _options(spec):
    return {option: spec.get(option) for option in _OPTIONS}
