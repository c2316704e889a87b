"""Reads and writes: the CRUD commands a driver sends, run on mongomock with
the server's rules mongomock lacks (the 16 MiB document limit, duplicate-key
details, ``$text``, cursors in batches).

Each function takes the stand-in's state, the database name and the command
document, and returns the reply document (or raises ``CommandError``).
"""

from mongomock import DuplicateKeyError
from mongomock.helpers import get_value_by_dot

from . import text_search
from .errors import (
    CommandError,
    duplicate_key,
    not_implemented,
    refuse_too_large_insert,
    refuse_too_large_update,
)


def insert(state, db, command):
    name = command["insert"]
    collection = state.collection(db, name)
    errors, inserted = [], 0
    for index, document in enumerate(command.get("documents", [])):
        try:
            refuse_too_large_insert(document)
            try:
                collection.insert_one(document)
            except DuplicateKeyError:
                raise _duplicate_of(state, db, name, [document]) from None
            inserted += 1
        except CommandError as error:
            errors.append(error.write_error(index))
            if command.get("ordered", True):
                break
    return _write_reply(inserted, errors)


def update(state, db, command):
    name = command["update"]
    collection = state.collection(db, name)
    errors, matched, modified, upserted = [], 0, 0, []
    for index, statement in enumerate(command.get("updates", [])):
        try:
            result, upserted_id = _update_one_statement(state, db, name, collection, statement)
        except CommandError as error:
            errors.append(error.write_error(index))
            if command.get("ordered", True):
                break
            continue
        if upserted_id is not None:
            upserted.append({"index": index, "_id": upserted_id})
            matched += 1
        else:
            matched += result.matched_count
            modified += result.modified_count
    reply = _write_reply(matched, errors)
    reply["nModified"] = modified
    if upserted:
        reply["upserted"] = upserted
    return reply


def _update_one_statement(state, db, name, collection, statement):
    _refuse_unsupported_options(state, db, name, statement)
    query, change = statement.get("q", {}), statement["u"]
    refuse_conflicting_paths(change)
    multi, upsert = statement.get("multi", False), statement.get("upsert", False)
    options = {"upsert": upsert}
    if statement.get("arrayFilters") is not None:
        options["array_filters"] = statement["arrayFilters"]
    originals = list(collection.find(query))
    if not multi:
        originals = originals[:1]
    try:
        if _is_replacement(change):
            if multi:
                raise CommandError(9, "multi update is not supported for replacement-style update")
            result = collection.replace_one(query, change, upsert=upsert)
        elif multi:
            result = collection.update_many(query, change, **options)
        else:
            result = collection.update_one(query, change, **options)
    except DuplicateKeyError:
        raise _duplicate_of(state, db, name, _dry_run(state, originals, statement), updating=True) from None
    _undo_if_too_large(collection, originals, result.upserted_id)
    return result, result.upserted_id


def delete(state, db, command):
    collection = state.collection(db, command["delete"])
    removed = 0
    for statement in command.get("deletes", []):
        _refuse_unsupported_options(state, db, command["delete"], statement)
        if statement.get("limit", 0) == 1:
            removed += collection.delete_one(statement.get("q", {})).deleted_count
        else:
            removed += collection.delete_many(statement.get("q", {})).deleted_count
    return _write_reply(removed, [])


def find_and_modify(state, db, command):
    name = command.get("findAndModify", command.get("findandmodify"))
    _refuse_unsupported_options(state, db, name, command)
    collection = state.collection(db, name)
    query, sort = command.get("query", {}), _sort_list(command.get("sort"))
    projection = command.get("fields")
    existing = collection.find_one(query, sort=sort)
    if command.get("remove"):
        value = collection.find_one_and_delete(query, projection=projection, sort=sort)
        return {"lastErrorObject": {"n": int(value is not None)}, "value": value, "ok": 1.0}
    change, upsert = command.get("update"), command.get("upsert", False)
    if not _is_replacement(change):
        refuse_conflicting_paths(change)
    originals = [existing] if existing is not None else []
    statement = {"q": query, "u": change, "upsert": upsert, "arrayFilters": command.get("arrayFilters")}
    try:
        value, upserted_id = _modify_one(
            collection, existing, statement, projection, command.get("new", False)
        )
    except DuplicateKeyError:
        raise _duplicate_of(state, db, name, _dry_run(state, originals, statement), updating=True) from None
    last = {"n": int(existing is not None or upsert), "updatedExisting": existing is not None}
    if upserted_id is not None:
        last["upserted"] = upserted_id
    _undo_if_too_large(collection, originals, upserted_id)
    return {"lastErrorObject": last, "value": value, "ok": 1.0}


def _modify_one(collection, existing, statement, projection, new):
    """Update the one document ``existing`` (found by the query and sort) as
    an update statement does, so a positional ``$`` names the element the
    query matched in it; ``(value returned, upserted id)``."""
    query, change = statement["q"], statement["u"]
    options = {"upsert": existing is None and statement["upsert"]}
    if statement.get("arrayFilters") is not None:
        options["array_filters"] = statement["arrayFilters"]
    if existing is None and not options["upsert"]:
        return None, None
    # The query stays whole (its array conditions place the ``$``), narrowed
    # to the document found first in the sort order.
    target = query if existing is None else {**query, "_id": existing["_id"]}
    before = None if existing is None else collection.find_one({"_id": existing["_id"]}, projection)
    if _is_replacement(change):
        result = collection.replace_one(target, change, upsert=options["upsert"])
    else:
        result = collection.update_one(target, change, **options)
    changed_id = existing["_id"] if existing is not None else result.upserted_id
    if not new:
        return before, result.upserted_id
    return collection.find_one({"_id": changed_id}, projection), result.upserted_id


def find(state, db, command):
    name = command["find"]
    collection = state.collection(db, name)
    _refuse_unsupported_options(state, db, name, command)
    limit = command.get("limit", 0) or 0
    single_batch = command.get("singleBatch", False) or limit < 0
    limit = abs(limit)
    text_spec, filter_ = text_search.split_text_filter(command.get("filter"))
    options = {"skip": command.get("skip", 0) or 0, "limit": limit, "sort": _sort_list(command.get("sort"))}
    if text_spec is None:
        documents = list(collection.find(filter_, command.get("projection"), **options))
    else:
        documents = _text_find(
            state, db, name, collection, text_spec, filter_, command.get("projection"), options
        )
    batch_size = command.get("batchSize")
    if limit and (batch_size is None or batch_size > limit):
        batch_size = limit
    refresh = None
    if text_spec is None:
        refresh = _refresher(collection, filter_, command.get("projection"))
    cursor = state.cursors.first_batch(f"{db}.{name}", documents, batch_size, single_batch, refresh=refresh)
    return {"cursor": cursor, "ok": 1.0}


def _refresher(collection, filter_, projection):
    """How a getMore reads a document of the result again, as MongoDB's
    cursor does after yielding: as it is now, or not at all when it was
    deleted or no longer matches. ``None`` when the projection drops the
    ``_id`` (the result then stays as first read)."""
    if projection and projection.get("_id", 1) in (0, False):
        return None

    def refresh(document):
        if "_id" not in document:
            return document
        return collection.find_one({"$and": [filter_ or {}, {"_id": document["_id"]}]}, projection)

    return refresh


def _text_find(state, db, name, collection, text_spec, filter_, projection, options):
    """Score the matches, then let mongomock sort, page and project them in a
    scratch collection with the score as an ordinary field."""
    scored = _text_matches(state, db, name, collection, text_spec, filter_)
    projection, score_names = text_search.rewrite_projection(projection)
    options = dict(options, sort=text_search.rewrite_sort(options["sort"]))
    with state.scratch() as scratch:
        if scored:
            scratch.insert_many(scored)
        found = list(scratch.find({}, projection, **options))
    return [text_search.finish(document, score_names) for document in found]


def _text_matches(state, db, name, collection, text_spec, filter_):
    query = text_search.TextQuery(text_spec, state.catalog.text_index(db, name))
    scored = []
    for document in collection.find(filter_):
        score = query.score(document)
        if score is not None:
            document[text_search.SCORE_FIELD] = score
            scored.append(document)
    return scored


def get_more(state, db, command):
    namespace = f"{db}.{command['collection']}"
    cursor = state.cursors.next_batch(int(command["getMore"]), namespace, command.get("batchSize"))
    return {"cursor": cursor, "ok": 1.0}


def kill_cursors(state, db, command):
    killed, missing = state.cursors.kill(int(cursor_id) for cursor_id in command["cursors"])
    return {
        "cursorsKilled": killed,
        "cursorsNotFound": missing,
        "cursorsAlive": [],
        "cursorsUnknown": [],
        "ok": 1.0,
    }


def count(state, db, command):
    _refuse_unsupported_options(state, db, command["count"], command)
    collection = state.collection(db, command["count"])
    options = {key: command[key] for key in ("skip", "limit") if command.get(key)}
    return {"n": collection.count_documents(command.get("query") or {}, **options), "ok": 1.0}


def distinct(state, db, command):
    _refuse_unsupported_options(state, db, command["distinct"], command)
    collection = state.collection(db, command["distinct"])
    return {"values": collection.distinct(command["key"], command.get("query") or {}), "ok": 1.0}


def aggregate(state, db, command):
    name = command["aggregate"]
    if not isinstance(name, str):
        raise not_implemented("database-level aggregation")
    if command.get("explain"):
        raise not_implemented("explain")
    _refuse_unsupported_options(state, db, name, command)
    collection = state.collection(db, name)
    pipeline = list(command.get("pipeline", []))
    first = pipeline[0].get("$match") if pipeline else None
    text_spec = None
    if first is not None:
        text_spec, rest = text_search.split_text_filter(first)
    if text_spec is None:
        if text_search.mentions_text(pipeline):
            raise CommandError(17313, "$match with $text is only allowed as the first pipeline stage")
        documents = list(collection.aggregate(pipeline))
    else:
        scored = _text_matches(state, db, name, collection, text_spec, rest)
        stages = [_score_stage(stage) for stage in pipeline[1:]]
        with state.scratch() as scratch:
            if scored:
                scratch.insert_many(scored)
            documents = [text_search.finish(document, []) for document in scratch.aggregate(stages)]
    batch_size = (command.get("cursor") or {}).get("batchSize")
    cursor = state.cursors.first_batch(f"{db}.{name}", documents, batch_size)
    return {"cursor": cursor, "ok": 1.0}


def _score_stage(stage):
    """A later stage that reads ``{$meta: "textScore"}``, reading the score
    field instead."""
    ((operator, body),) = stage.items()
    if operator == "$sort":
        return {"$sort": dict(text_search.rewrite_sort(body))}
    if operator in ("$project", "$addFields", "$set") and isinstance(body, dict):
        return {
            operator: {
                key: f"${text_search.SCORE_FIELD}" if text_search.is_text_score(value) else value
                for key, value in body.items()
            }
        }
    return stage


# -- helpers ---------------------------------------------------------------


def _write_reply(n, errors):
    reply = {"n": n, "ok": 1.0}
    if errors:
        reply["writeErrors"] = errors
    return reply


def _is_replacement(change):
    return isinstance(change, dict) and not any(key.startswith("$") for key in change)


def _sort_list(sort):
    return list(sort.items()) if sort else None


def refuse_conflicting_paths(change):
    """MongoDB refuses an update that names one path twice, or a path and
    a part of it (``$set`` of ``tags`` with ``$push`` to ``tags``): code 40."""
    if not isinstance(change, dict):
        return  # a pipeline: its stages run in turn
    paths = []
    for operator, fields in change.items():
        if isinstance(fields, dict):
            paths += list(fields)
            if operator == "$rename":
                paths += [target for target in fields.values() if isinstance(target, str)]
    for n, path in enumerate(paths):
        for other in paths[n + 1 :]:
            if path == other or other.startswith(path + ".") or path.startswith(other + "."):
                raise CommandError(
                    40,
                    f"Updating the path '{other}' would create a conflict "
                    f"at '{path if len(path) <= len(other) else other}'",
                )


def _refuse_unsupported_options(state, db, name, container):
    """A ``hint`` must name an index (MongoDB refuses any other), and a
    ``collation`` is refused: the stand-in compares as the simple binary
    collation only, and must not answer as if it had honoured one."""
    _check_hint(state, db, name, container.get("hint"))
    if container.get("collation"):
        raise not_implemented("collation")


def _check_hint(state, db, name, hint):
    if not hint:
        return
    for spec in state.catalog.specs(db, name):
        if hint == spec["name"] or (isinstance(hint, dict) and dict(hint) == spec["key"]):
            return
    raise CommandError(
        2,
        "error processing query: planner returned error :: caused by :: "
        "hint provided does not correspond to an existing index",
    )


def _undo_if_too_large(collection, originals, upserted_id):
    """Put back any document an update took past 16 MiB, and refuse it."""
    for original in originals:
        current = collection.find_one({"_id": original["_id"]})
        if current is not None:
            try:
                refuse_too_large_update(current)
            except CommandError:
                collection.replace_one({"_id": original["_id"]}, original)
                raise
    if upserted_id is not None:
        current = collection.find_one({"_id": upserted_id})
        if current is not None:
            try:
                refuse_too_large_update(current)
            except CommandError:
                collection.delete_one({"_id": upserted_id})
                raise


def _dry_run(state, originals, statement):
    """What an update would have written, computed on copies (to name the
    unique key it broke)."""
    with state.scratch() as scratch:
        if originals:
            scratch.insert_many(originals)
        change = statement["u"]
        options = {"upsert": statement.get("upsert", False)}
        if _is_replacement(change):
            result = scratch.replace_one(statement.get("q", {}), change, **options)
        else:
            if statement.get("arrayFilters") is not None:
                options["array_filters"] = statement["arrayFilters"]
            result = scratch.update_many(statement.get("q", {}), change, **options)
        ids = [document["_id"] for document in originals]
        if result.upserted_id is not None:
            ids.append(result.upserted_id)
        return list(scratch.find({"_id": {"$in": ids}}))


def _duplicate_of(state, db, name, documents, updating=False):
    """The E11000 error for the first unique index one of ``documents``
    collides with in the stored collection. An updated document is stored
    under its own ``_id``: then only another document can collide."""
    collection = state.collection(db, name)
    for document in documents:
        for spec in state.catalog.unique_specs(db, name):
            if updating and spec["name"] == "_id_":
                continue
            values = {}
            for field in spec["key"]:
                try:
                    values[field] = get_value_by_dot(document, field)
                except (KeyError, IndexError, TypeError):
                    values[field] = None
            query = dict(values)
            if spec["name"] != "_id_":
                query["_id"] = {"$ne": document.get("_id")}
            if spec.get("partialFilterExpression"):
                query = {"$and": [query, spec["partialFilterExpression"]]}
            if collection.find_one(query, {"_id": 1}) is not None:
                return duplicate_key(f"{db}.{name}", spec["name"], dict(spec["key"]), values)
    return duplicate_key(f"{db}.{name}", "unknown", {}, {})
