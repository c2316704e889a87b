"""Indexes are built by ``flask deploy``, never by a request, and an index the
database holds with other options is explained, not a trace. Through the
real driver against the MongoDB stand-in (tests/mongo_standin.py)."""

import itertools

import pytest
from mongo_standin import StandIn
from pymongo import MongoClient

from site_app import dbstats
from site_app.database import get_db

PASSWORD = "correct horse battery"
_names = itertools.count(1)


@pytest.fixture(scope="module")
def standin():
    server = StandIn.start()
    yield server
    server.stop()


@pytest.fixture
def server_app(standin, make_app):
    """A development app on a fresh database of the stand-in: nobody has
    deployed to it, as on a new server."""
    name = f"indexes_{next(_names)}"
    app = make_app(
        config_name="development",
        MONGODB_URI=f"{standin.uri}/{name}",
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=False,
        LOG_LEVEL="ERROR",
        DB_OPS_HEADER=False,
    )  # the test records the commands itself
    yield app
    app.extensions["site_db"]["client"].drop_database(name)  # before make_app closes it


def commands_named(operations, name):
    return [op for op in operations if op[1] == name]


def test_requests_never_create_an_index_on_a_real_server(server_app):
    client = server_app.test_client()
    with dbstats.recording() as ops:
        assert client.get("/").status_code == 200
        response = client.post(
            "/auth/register",
            data={"email": "ann@example.com", "username": "ann", "password": PASSWORD, "password2": PASSWORD},
        )
        assert response.status_code == 302
        login = client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD})
        assert login.status_code == 302
        client.post("/auth/logout")
        assert client.get("/user/ann").status_code == 200
        assert client.get("/tag/mongodb").status_code == 200
    assert ops.count > 0  # the listener saw the requests' commands
    assert commands_named(ops.operations, "createIndexes") == []


def test_deploy_builds_every_index(server_app):
    result = server_app.test_cli_runner().invoke(args=["deploy"])
    assert result.exit_code == 0, result.output
    assert "text index post_text on posts: present" in result.output
    with server_app.app_context():
        users = get_db(server_app)["users"].index_information()
        posts = get_db(server_app)["posts"].index_information()
    assert users["email_1"].get("unique") is True
    assert users["username_key_1"].get("unique") is True
    assert {
        "timestamp_-1__id_-1",
        "author_1_timestamp_-1__id_-1",
        "tags_1_draft_1_timestamp_-1__id_-1",
        "post_text",
        "draft_1_timestamp_-1__id_-1",
        "author_1_draft_1_timestamp_-1__id_-1",
    } <= set(posts)


def test_deploy_names_an_index_whose_options_changed_and_the_fix(server_app, standin):
    with server_app.app_context():
        name = get_db(server_app).name
    # An older release made email_1 without "unique".
    MongoClient(standin.uri)[name]["users"].create_index("email", name="email_1")
    result = server_app.test_cli_runner().invoke(args=["deploy"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: index 'email_1' on users differs from the declared one (unique False in the "
        "database, True declared): drop it (mongosh: db.users.dropIndex('email_1')) and run "
        "`flask --app site_app deploy` again to build it as declared"
    )
    assert "Traceback" not in result.output


def test_deploy_names_an_index_kept_under_another_name(server_app, standin):
    with server_app.app_context():
        name = get_db(server_app).name
    MongoClient(standin.uri)[name]["posts"].create_index(
        [("tags", 1), ("draft", 1), ("timestamp", -1), ("_id", -1)], name="by_tag"
    )
    result = server_app.test_cli_runner().invoke(args=["deploy"])
    assert result.exit_code == 1
    assert (
        "index 'by_tag' on posts differs from the declared one (declared as "
        "'tags_1_draft_1_timestamp_-1__id_-1')" in result.output
    )
    assert "db.posts.dropIndex('by_tag')" in result.output


def test_deploy_explains_a_conflict_the_server_reports(server_app, standin):
    with server_app.app_context():
        name = get_db(server_app).name
    # Same name, other weights: only the server can tell.
    MongoClient(standin.uri)[name]["posts"].create_index(
        [("title", "text"), ("body", "text"), ("tags", "text")],
        name="post_text",
        weights={"title": 1},
        default_language="english",
    )
    result = server_app.test_cli_runner().invoke(args=["deploy"])
    assert result.exit_code == 1
    assert result.output.startswith("error: an index on posts conflicts with the declared ones (")
    assert "drop the index it names, then run `flask --app site_app deploy` again" in result.output
    assert "Traceback" not in result.output


def test_deploy_drops_the_retired_indexes_and_keeps_hidden_comments_partial(server_app, standin):
    with server_app.app_context():
        name = get_db(server_app).name
    database = MongoClient(standin.uri)[name]
    # What an earlier release built.
    database["posts"].create_index("comments.disabled", name="comments.disabled_1")
    database["posts"].create_index(
        [("tags", 1), ("timestamp", -1), ("_id", -1)], name="tags_1_timestamp_-1__id_-1"
    )
    database["fs.files"].create_index([("metadata.owner", 1), ("uploadDate", -1)], name="media_owner")
    database["fs.files"].create_index("metadata.sha256", name="media_sha256")
    result = server_app.test_cli_runner().invoke(args=["deploy"])
    assert result.exit_code == 0, result.output
    assert (
        "indexes on retired: posts.comments.disabled_1, posts.tags_1_timestamp_-1__id_-1, "
        "fs.files.media_owner, fs.files.media_sha256" in result.output
    )
    posts, files = database["posts"].index_information(), database["fs.files"].index_information()
    assert not {"comments.disabled_1", "tags_1_timestamp_-1__id_-1"} & set(posts)
    assert not {"media_owner", "media_sha256"} & set(files)
    assert posts["hidden_comments"]["partialFilterExpression"] == {"comments.disabled": True}
