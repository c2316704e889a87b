"""The MongoDB stand-in answers the real pymongo driver as MongoDB does, for
the server rules the suite relies on. Each rule here is MongoDB's (its error
codes, its batching), so the driver lane can be trusted where it passes."""

import threading

import pytest
from bson import Int64
from mongo_standin import StandIn
from pymongo import MongoClient, ReturnDocument, WriteConcern, monitoring
from pymongo.errors import (
    AutoReconnect,
    DuplicateKeyError,
    ExecutionTimeout,
    OperationFailure,
    WriteConcernError,
    WriteError,
)

pytestmark = pytest.mark.driver_only("tests of the driver-lane stand-in itself")

MAX_BSON = 16 * 1024 * 1024


class Commands(monitoring.CommandListener):
    def __init__(self):
        self.names, self.events = [], []

    def started(self, event):
        self.names.append(event.command_name)
        self.events.append(event)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


@pytest.fixture(scope="module")
def standin():
    with StandIn.start() as running:
        yield running


@pytest.fixture
def commands():
    return Commands()


@pytest.fixture
def db(standin, commands, request):
    client = MongoClient(standin.uri, serverSelectionTimeoutMS=3000, event_listeners=[commands])
    name = request.node.name[:60]
    client.drop_database(name)
    yield client[name]
    client.close()


def test_a_query_comes_back_in_batches_through_getmore(db, commands):
    db.items.insert_many([{"n": n} for n in range(250)])
    assert [d["n"] for d in db.items.find().sort("n", 1).batch_size(100)] == list(range(250))
    assert commands.names.count("getMore") == 2
    assert len(list(db.items.find().limit(7))) == 7


def test_a_cursor_left_early_is_killed(db, commands):
    db.items.insert_many([{"n": n} for n in range(30)])
    cursor = db.items.find().batch_size(5)
    next(cursor)
    cursor.close()
    assert "killCursors" in commands.names


def test_a_duplicate_key_names_its_index_key_and_value(db):
    db.users.create_index("email", unique=True)
    db.users.insert_one({"email": "ann@example.com"})
    bob = db.users.insert_one({"email": "bob@example.com"}).inserted_id
    with pytest.raises(DuplicateKeyError) as on_insert:
        db.users.insert_one({"email": "ann@example.com"})
    assert on_insert.value.details["keyPattern"] == {"email": 1}
    assert on_insert.value.details["keyValue"] == {"email": "ann@example.com"}
    assert "index: email_1 dup key" in str(on_insert.value)
    with pytest.raises(DuplicateKeyError) as on_update:
        db.users.update_one({"_id": bob}, {"$set": {"email": "ann@example.com"}})
    assert on_update.value.details["keyPattern"] == {"email": 1}
    assert db.users.find_one({"_id": bob})["email"] == "bob@example.com"


def test_documents_over_16_mib_are_refused_with_mongodbs_codes(db):
    with pytest.raises(WriteError) as inserting:
        db.big.insert_one({"a": "x" * MAX_BSON})
    assert inserting.value.code == 10334
    db.big.insert_one({"_id": 1, "a": "x" * (MAX_BSON // 2)})
    with pytest.raises(WriteError) as updating:
        db.big.update_one({"_id": 1}, {"$set": {"b": "y" * (MAX_BSON // 2)}})
    assert updating.value.code == 17419
    with pytest.raises(OperationFailure) as modifying:
        db.big.find_one_and_update({"_id": 1}, {"$set": {"b": "y" * (MAX_BSON // 2)}})
    assert modifying.value.code == 17419
    assert set(db.big.find_one({"_id": 1})) == {"_id", "a"}


def test_conflicting_indexes_are_refused_and_identical_ones_accepted(db):
    db.posts.create_index("title", name="by_title")
    db.posts.create_index("title", name="by_title")  # the same again: fine
    with pytest.raises(OperationFailure) as same_name:
        db.posts.create_index("body", name="by_title")
    assert same_name.value.code == 86
    with pytest.raises(OperationFailure) as same_key:
        db.posts.create_index("title", name="other", unique=True)
    assert same_key.value.code == 85
    assert set(db.posts.index_information()) == {"_id_", "by_title"}


def test_text_search_needs_a_text_index(db):
    db.posts.insert_one({"title": "Lanterns"})
    with pytest.raises(OperationFailure) as refused:
        db.posts.find_one({"$text": {"$search": "lanterns"}})
    assert refused.value.code == 27
    assert "text index required" in str(refused.value)


def test_text_search_matches_words_and_ranks_by_the_index_weights(db):
    db.posts.create_index(
        [("title", "text"), ("body", "text"), ("tags", "text")],
        weights={"title": 10, "tags": 5},
        name="post_text",
    )
    db.posts.insert_many(
        [
            {"_id": "body", "title": "Evening", "body": "A LANTERN by the door", "tags": []},
            {"_id": "title", "title": "Lantern light", "body": "", "tags": []},
            {"_id": "tag", "title": "Night", "body": "", "tags": ["lantern"]},
            {"_id": "none", "title": "Lanterns", "body": "lamp", "tags": []},
        ]
    )
    query = {"$text": {"$search": "lantern"}}
    found = list(
        db.posts.find(query, {"score": {"$meta": "textScore"}}).sort([("score", {"$meta": "textScore"})])
    )
    assert [d["_id"] for d in found] == ["title", "tag", "body"]
    assert found[0]["score"] > found[1]["score"] > found[2]["score"] > 0
    assert db.posts.count_documents(query) == 3
    assert [d["_id"] for d in db.posts.find({"$text": {"$search": "lantern -door"}})] == ["title", "tag"]
    assert [d["_id"] for d in db.posts.find({"$text": {"$search": '"lantern light"'}})] == ["title"]


def test_an_unknown_command_is_mongodbs_command_not_found(db):
    with pytest.raises(OperationFailure) as refused:
        db.command("noSuchCommand")
    assert refused.value.code == 59


def test_concurrent_writers_are_serialised(db):
    def write(start):
        for n in range(start, start + 50):
            db.items.insert_one({"n": n})

    threads = [threading.Thread(target=write, args=(n * 50,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(db.items.distinct("n")) == list(range(300))


def test_killed_it_refuses_connections_restarted_it_serves_the_same_port_empty():
    with StandIn.start() as standin:
        client = MongoClient(standin.uri, serverSelectionTimeoutMS=2000)
        client.t.items.insert_one({"n": 1})
        port = standin.port
        standin.kill()
        with pytest.raises(AutoReconnect):  # ServerSelectionTimeoutError is one
            client.t.items.find_one()
        standin.restart()
        assert standin.port == port
        assert client.t.items.find_one() is None  # a new process holds no data
        client.close()


# -- not kinder than MongoDB ------------------------------------------------------------
def test_find_and_modify_with_positional_dollar_updates_the_matched_element(db):
    db.posts.insert_one({"_id": 1, "comments": [{"id": "a", "n": 0}, {"id": "b", "n": 0}]})
    found = db.posts.find_one_and_update(
        {"_id": 1, "comments.id": "b"}, {"$inc": {"comments.$.n": 1}}, return_document=ReturnDocument.AFTER
    )
    assert [c["n"] for c in found["comments"]] == [0, 1]
    assert [c["n"] for c in db.posts.find_one({"_id": 1})["comments"]] == [0, 1]


def test_conflicting_update_paths_are_mongodbs_code_40(db):
    db.posts.insert_one({"_id": 1, "tags": ["a"], "meta": {"n": 1}})
    for change in (
        {"$set": {"tags": []}, "$push": {"tags": "b"}},
        {"$set": {"meta": {}}, "$inc": {"meta.n": 1}},
    ):
        with pytest.raises(WriteError) as updating:
            db.posts.update_one({"_id": 1}, change)
        assert updating.value.code == 40
        with pytest.raises(OperationFailure) as modifying:
            db.posts.find_one_and_update({"_id": 1}, change)
        assert modifying.value.code == 40
    assert db.posts.find_one({"_id": 1}) == {"_id": 1, "tags": ["a"], "meta": {"n": 1}}
    db.posts.update_one({"_id": 1}, {"$set": {"meta.a": 1}, "$inc": {"meta.n": 1}})  # siblings


def test_it_is_a_one_member_replica_set_so_writes_are_retryable_and_concerns_checked(standin, commands):
    client = MongoClient(standin.uri, serverSelectionTimeoutMS=3000, event_listeners=[commands])
    try:
        hello = client.admin.command("hello")
        assert hello["setName"] and hello["hosts"] == [hello["me"]] == [hello["primary"]]
        client.rs_test.items.insert_one({"n": 1})
        sent = [event for event in commands.events if event.command_name == "insert"]
        assert "txnNumber" in sent[-1].command  # a retryable write, as on a replica set
        with pytest.raises(WriteConcernError) as unsatisfiable:
            client.rs_test.get_collection("items", write_concern=WriteConcern(w=2)).insert_one({"n": 2})
        assert unsatisfiable.value.code == 100
        majority = client.rs_test.get_collection("items", write_concern=WriteConcern("majority"))
        majority.insert_one({"n": 3})
        assert sorted(client.rs_test.items.distinct("n")) == [1, 2, 3]  # w:2 wrote, unconfirmed
    finally:
        client.drop_database("rs_test")
        client.close()


def test_a_retried_write_is_applied_once(db):
    session = db.client.start_session()
    command = {"insert": "items", "documents": [{"n": 1}], "lsid": session.session_id, "txnNumber": Int64(7)}
    try:
        db.command(dict(command), session=None)
        db.command(dict(command, documents=[{"n": 2}]), session=None)  # the same txnNumber
    finally:
        session.end_session()
    assert [d["n"] for d in db.items.find()] == [1]


def test_max_time_ms_is_honoured(db, standin):
    db.items.insert_one({"n": 1})
    db.command({"standinDelay": 1, "ms": 300, "commands": ["find", "aggregate", "count"]})
    try:
        with pytest.raises(ExecutionTimeout) as find:
            db.items.find_one({}, max_time_ms=50)
        assert find.value.code == 50
        with pytest.raises(ExecutionTimeout):
            list(db.items.aggregate([{"$match": {}}], maxTimeMS=50))
        assert db.items.find_one({}, max_time_ms=5000)["n"] == 1
    finally:
        db.command({"standinDelay": 1, "ms": 0, "commands": ["find", "aggregate", "count"]})


def test_hint_and_collation_are_honoured_or_refused_on_every_command(db):
    db.items.insert_one({"n": 1})
    with pytest.raises(OperationFailure) as hinted:
        db.items.count_documents({}, hint="no_such_index")
    assert hinted.value.code == 2
    with pytest.raises(OperationFailure) as aggregated:
        list(db.items.aggregate([{"$match": {}}], hint="no_such_index"))
    assert aggregated.value.code == 2
    with pytest.raises(WriteError) as updated:
        db.items.update_one({"n": 1}, {"$set": {"m": 1}}, hint="no_such_index")
    assert updated.value.code == 2
    for call in (
        lambda: list(db.items.aggregate([], collation={"locale": "fr"})),
        lambda: db.items.count_documents({}, collation={"locale": "fr"}),
        lambda: db.items.update_one({}, {"$set": {"m": 1}}, collation={"locale": "fr"}),
    ):
        with pytest.raises(OperationFailure) as collated:
            call()
        assert collated.value.code == 238  # refused loudly, never ignored
    assert db.items.count_documents({}, hint="_id_") == 1


def test_a_cursor_sees_documents_changed_and_deleted_after_its_first_batch(db):
    db.items.insert_many([{"_id": n, "v": "old"} for n in range(10)])
    cursor = db.items.find().sort("_id", 1).batch_size(3)
    first = [next(cursor) for _ in range(3)]
    db.items.delete_one({"_id": 5})
    db.items.update_one({"_id": 8}, {"$set": {"v": "new"}})
    rest = list(cursor)
    assert [d["_id"] for d in first + rest] == [0, 1, 2, 3, 4, 6, 7, 8, 9]
    assert {d["_id"]: d["v"] for d in rest}[8] == "new"
