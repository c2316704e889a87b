"""The embedded backend's index-like lookups (site_app/embedded_index.py)
answer as MongoDB does, see every write, and test only the candidates: a
lookup among thousands of documents reads a handful."""

import pytest
from bson import ObjectId
from helpers import DRIVER_LANE
from pymongo.errors import BulkWriteError, DuplicateKeyError

from site_app.embedded import open_embedded

pytestmark = pytest.mark.skipif(DRIVER_LANE, reason="the embedded backend's own lookups")


@pytest.fixture
def collection():
    _client, database, _embedded = open_embedded({"MONGODB_DB": "lookups"})
    return database["things"]


def _ids(cursor):
    return sorted(doc["_id"] for doc in cursor)


def test_equality_matches_by_bson_type_as_mongodb(collection):
    collection.insert_many(
        [
            {"_id": 1, "a": 1},
            {"_id": 2, "a": 1.0},
            {"_id": 3, "a": True},
            {"_id": 4, "a": "1"},
            {"_id": 5, "a": [2, 1]},
            {"_id": 6, "a": None},
            {"_id": 7},
            {"_id": 8, "a": [[1]]},
            {"_id": 9, "a": {"b": 1}},
        ]
    )
    assert _ids(collection.find({"a": 1})) == [1, 2, 5]
    assert _ids(collection.find({"a": True})) == [3]
    assert _ids(collection.find({"a": "1"})) == [4]
    assert _ids(collection.find({"a": None})) == [6, 7]
    assert _ids(collection.find({"a": {"$in": [2, "1"]}})) == [4, 5]
    assert collection.count_documents({"a": {"$in": [1, None]}}) == 5
    assert collection.count_documents({"a": 1, "_id": {"$gt": 1}}) == 2


def test_lookups_see_updates_made_in_place_and_deletions(collection):
    collection.insert_many([{"_id": n, "owner": "ann", "n": n} for n in range(5)])
    assert collection.count_documents({"owner": "ann"}) == 5
    collection.update_one({"_id": 2}, {"$set": {"owner": "bob"}})
    collection.delete_one({"_id": 3})
    assert _ids(collection.find({"owner": "ann"})) == [0, 1, 4]
    assert _ids(collection.find({"owner": "bob"})) == [2]
    collection.insert_one({"_id": 9, "owner": "bob"})
    assert collection.count_documents({"owner": "bob"}) == 2


def test_a_sorted_page_follows_changes_of_the_sort_key(collection):
    collection.insert_many([{"_id": n, "rank": n} for n in range(10)])
    assert [d["_id"] for d in collection.find({}).sort("rank", -1).limit(3)] == [9, 8, 7]
    collection.update_one({"_id": 0}, {"$set": {"rank": 100}})
    assert [d["_id"] for d in collection.find({}).sort("rank", -1).limit(3)] == [0, 9, 8]
    assert [d["_id"] for d in collection.find({}).sort("rank", -1).skip(1).limit(2)] == [9, 8]


def test_unique_indexes_hold_within_one_insert_many(collection):
    collection.create_index([("email", 1)], unique=True)
    collection.insert_one({"email": "a@example.com"})
    assert collection.count_documents({"email": "a@example.com"}) == 1  # the table is built
    with pytest.raises(BulkWriteError):
        collection.insert_many([{"email": "b@example.com"}, {"email": "b@example.com"}])
    with pytest.raises(DuplicateKeyError):
        collection.insert_one({"email": "a@example.com"})
    assert collection.count_documents({}) == 2


def test_an_aggregation_starting_with_match_answers_from_the_matched_documents(collection):
    collection.insert_many([{"_id": n, "group": n % 3, "v": n} for n in range(9)])
    rows = list(
        collection.aggregate([{"$match": {"group": 1}}, {"$group": {"_id": None, "total": {"$sum": "$v"}}}])
    )
    assert rows == [{"_id": None, "total": 1 + 4 + 7}]


def test_a_lookup_among_thousands_tests_only_its_candidates(collection, monkeypatch):
    import mongomock.collection
    import mongomock.filtering

    reader, others = ObjectId(), [ObjectId() for _ in range(50)]
    posts = [ObjectId() for _ in range(100)]
    collection.insert_many(
        [{"post": post, "user": user} for post in posts for user in others]
        + [{"post": post, "user": reader} for post in posts[:3]]
    )
    collection.count_documents({"user": reader})  # the tables, built once for this version
    tested = []
    real = mongomock.filtering.filter_applies
    counted = lambda *args, **kwargs: tested.append(1) or real(*args, **kwargs)
    for module in (mongomock.filtering, mongomock.collection):  # (it imports the name)
        monkeypatch.setattr(module, "filter_applies", counted)
    page = posts[:20]
    found = {doc["post"] for doc in collection.find({"post": {"$in": page}, "user": reader})}
    assert found == set(posts[:3])
    assert len(tested) <= 3  # not the 5,003 likes


def test_writes_to_one_document_move_it_in_the_lookups(collection):
    collection.insert_many([{"_id": n, "owner": "ann", "rank": n, "tags": ["a"]} for n in range(6)])
    assert collection.count_documents({"owner": "ann"}) == 6  # tables built
    assert [d["_id"] for d in collection.find({"owner": "ann"}).sort("rank", -1).limit(2)] == [5, 4]
    collection.find_one_and_update({"_id": 0}, {"$set": {"owner": "bob", "rank": 9}})
    collection.replace_one({"_id": 1}, {"owner": "cy", "rank": 1, "tags": ["b"]})
    collection.delete_one({"_id": 2})
    collection.update_one({"_id": 3}, {"$push": {"tags": "b"}})
    assert _ids(collection.find({"owner": "ann"})) == [3, 4, 5]
    assert _ids(collection.find({"owner": {"$in": ["bob", "cy"]}})) == [0, 1]
    assert _ids(collection.find({"tags": "b"})) == [1, 3]
    assert collection.count_documents({"tags": "a"}) == 4
    assert [d["_id"] for d in collection.find({}).sort("rank", -1).limit(2)] == [0, 5]


def test_writes_by_other_filters_and_upserts_keep_the_lookups_true(collection):
    collection.insert_many([{"_id": n, "kind": "a", "reader": n % 2} for n in range(6)])
    assert collection.count_documents({"kind": "a"}) == 6
    collection.update_one({"reader": 1, "kind": "a"}, {"$set": {"kind": "b"}})  # the first: 1
    collection.update_one({"reader": 7}, {"$set": {"kind": "c"}}, upsert=True)
    collection.delete_one({"kind": "a", "reader": 0})  # the first: 0
    collection.find_one_and_update({"kind": "a"}, {"$set": {"kind": "d"}}, sort=[("_id", -1)])
    assert _ids(collection.find({"kind": "a"})) == [2, 3, 4]
    assert _ids(collection.find({"kind": "b"})) == [1]
    assert _ids(collection.find({"kind": "d"})) == [5]
    assert [d["reader"] for d in collection.find({"kind": "c"})] == [7]


def test_a_collection_dropped_through_its_database_starts_afresh(collection):
    collection.insert_many([{"_id": n, "owner": "ann"} for n in range(3)])
    assert collection.count_documents({"owner": "ann"}) == 3

    collection.database.drop_collection(collection.name)  # as `restore --replace` does
    collection.insert_many([{"_id": 7, "owner": "ann"}, {"_id": 8, "owner": "bob"}])

    assert _ids(collection.find({"owner": "ann"})) == [7]
    assert collection.count_documents({"owner": "bob"}) == 1


def test_an_upsert_returning_the_new_document_finds_it(collection):
    """find_one_and_update(upsert=True) reads the document it inserted
    before the write ends: the stored order must place it (last)."""
    collection.insert_one({"_id": 1, "list": "a", "email": "x"})
    assert collection.count_documents({"list": "a"}) == 1  # the lookups are built
    made = collection.find_one_and_update(
        {"list": "a", "email": "y"}, {"$set": {"on": True}}, upsert=True, return_document=True
    )
    assert made["email"] == "y" and made["on"] is True
    assert [d["email"] for d in collection.find({"list": "a"})] == ["x", "y"]


def test_a_partial_unique_index_is_built_over_documents_its_filter_leaves_out(collection):
    """As MongoDB builds it: only the documents the filter selects must be
    unique (posts without an import_source, restored before the index)."""
    from pymongo.errors import DuplicateKeyError

    collection.insert_many(
        [{"_id": 1, "author": "ann"}, {"_id": 2, "author": "ann"}, {"_id": 3, "author": "ann", "source": "a"}]
    )
    partial = {"source": {"$exists": True}}
    collection.create_index(
        [("author", 1), ("source", 1)], unique=True, name="imported", partialFilterExpression=partial
    )
    collection.create_index(
        [("author", 1), ("source", 1)], unique=True, name="imported", partialFilterExpression=partial
    )  # again, as every deploy does
    collection.insert_one({"_id": 4, "author": "ann"})
    with pytest.raises(DuplicateKeyError):
        collection.insert_one({"_id": 5, "author": "ann", "source": "a"})
    collection.insert_one({"_id": 6, "author": "ann", "source": "b"})
    collection.drop_index("imported")
    collection.insert_one({"_id": 7, "author": "ann", "source": "b"})
    with pytest.raises(DuplicateKeyError):
        collection.create_index(
            [("author", 1), ("source", 1)], unique=True, name="imported", partialFilterExpression=partial
        )
