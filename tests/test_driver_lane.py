"""What only the real driver shows: MongoDB's 16 MB document limit, the
command listener's slow-query log, and a database that goes away and comes
back. These run on the driver lane (``INKWELL_TEST_LANE=driver``); the tests
that need to slow down or kill a server start a stand-in of their own, so the
session's server is never disturbed.
"""

import logging
import time

import bson
import pytest
from bson import ObjectId
from helpers import basic_auth
from mongo_standin import StandIn

from site_app.database import get_db
from site_app.models import Post

pytestmark = pytest.mark.driver_only("MongoDB's server rules and the driver's own machinery")

MAX_BSON = 16 * 1024 * 1024


def _fill_legacy_post_to_the_brim(app, post):
    """Make ``post`` what an older post may be: no ``comment_bytes`` (so the
    byte bound does not apply) and comments taking it to a few bytes under
    16 MiB."""
    posts = get_db(app)["posts"]
    filler = [
        {
            "id": ObjectId(),
            "body": "x" * 5000,
            "body_html": "<p>" + "x" * 5000 + "</p>",
            "timestamp": post.timestamp,
            "author": post.author.id,
            "disabled": False,
        }
        for _ in range(1640)
    ]
    posts.update_one(
        {"_id": post.id},
        {
            "$unset": {"comment_bytes": ""},
            "$push": {"comments": {"$each": filler}},
            "$set": {"comment_count": len(filler)},
        },
    )
    short = MAX_BSON - len(bson.encode(posts.find_one({"_id": post.id}))) - 40
    assert 0 < short < 1_000_000, short
    posts.update_one({"_id": post.id}, {"$set": {"comments.0.body": "x" * (5000 + short)}})
    assert MAX_BSON - 60 < len(bson.encode(posts.find_one({"_id": post.id}))) <= MAX_BSON


def test_a_comment_that_would_take_a_post_past_16_mb_is_refused_clearly(
    app, client, make_user, auth, api_headers
):
    writer = make_user("writer")
    post = Post.publish(writer, "Full house", "Everyone has an opinion.")
    _fill_legacy_post_to_the_brim(app, post)
    reader = make_user("reader")
    auth.login_as(reader)

    response = client.post(f"/post/{post.id}", data={"body": "One more thought, if I may."})

    assert response.status_code == 400
    assert "Comments are closed on this post." in response.get_data(as_text=True)
    api = client.post(
        f"/api/v1/posts/{post.id}/comments/",
        json={"body": "And via the API"},
        headers=api_headers(reader.email, "correct horse battery"),
    )
    assert api.status_code == 409
    assert api.get_json()["message"] == "This post takes no more comments."
    assert len(bson.encode(get_db(app)["posts"].find_one({"_id": post.id}))) <= MAX_BSON


def test_an_edit_that_would_take_a_post_past_16_mb_is_a_clear_413(app, client, make_user, auth, api_headers):
    writer = make_user("writer")
    post = Post.publish(writer, "Full house", "Everyone has an opinion.")
    _fill_legacy_post_to_the_brim(app, post)
    auth.login_as(writer)
    longer = {"title": "Full house", "body": "Everyone has an opinion. " * 200, "tags": ""}

    page = client.post(f"/edit/{post.id}", data=longer)

    assert page.status_code == 413
    assert "larger than the database&#39;s 16 MB limit" in page.get_data(as_text=True)
    api = client.put(
        f"/api/v1/posts/{post.id}",
        json={"body": longer["body"]},
        headers=api_headers(writer.email, "correct horse battery"),
    )
    assert api.status_code == 413
    assert api.get_json()["error"] == "request entity too large"
    assert get_db(app)["posts"].find_one({"_id": post.id})["body"] == "Everyone has an opinion."


def test_the_server_refuses_an_update_past_16_mb_with_mongodbs_code(app):
    from pymongo.errors import WriteError

    posts = get_db(app)["posts"]
    posts.insert_one({"_id": 1, "a": "x" * (MAX_BSON // 2)})
    with pytest.raises(WriteError) as refused:
        posts.update_one({"_id": 1}, {"$set": {"b": "y" * (MAX_BSON // 2)}})
    assert refused.value.code == 17419
    assert "Resulting document after update is larger than 16777216" in str(refused.value)
    assert "b" not in posts.find_one({"_id": 1})


@pytest.fixture
def own_standin():
    """A stand-in for this test alone, to slow down or kill."""
    with StandIn.start() as standin:
        yield standin


def _app_on(make_app, standin, **overrides):
    app = make_app(MONGODB_URI=standin.uri, **overrides)
    return app


def test_slow_commands_are_logged_with_their_collection_and_filter(own_standin, caplog, make_app):
    app = _app_on(make_app, own_standin, SLOW_QUERY_MS=300)
    client = app.test_client()
    assert client.get("/").status_code == 200
    with caplog.at_level(logging.WARNING, logger="site_app.slow_query"):
        get_db(app).command("standinDelay", ms=600, commands=["find"])
        assert client.get("/tag/lanterns").status_code == 200
    slow = [record.getMessage() for record in caplog.records if record.name == "site_app.slow_query"]
    assert slow, "no slow-query line for a 600 ms find"
    assert any(
        message.startswith("slow query: posts.find ") and "'tags': 'lanterns'" in message for message in slow
    ), slow


def test_fast_commands_are_not_logged(own_standin, caplog, make_app):
    # A threshold no undelayed command reaches, even on a busy CI machine.
    app = _app_on(make_app, own_standin, SLOW_QUERY_MS=2000)
    with caplog.at_level(logging.WARNING, logger="site_app.slow_query"):
        assert app.test_client().get("/tag/lanterns").status_code == 200
    assert [r for r in caplog.records if r.name == "site_app.slow_query"] == []


def _wait_for(client, path, status, seconds=15):
    deadline = time.monotonic() + seconds
    while True:
        response = client.get(path)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def test_a_lost_database_gives_503s_and_the_site_recovers_when_it_returns(own_standin, make_app):
    app = _app_on(make_app, own_standin, MONGODB_SERVER_SELECTION_TIMEOUT_MS=300)
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    assert client.get("/").status_code == 200

    own_standin.kill()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "error", "database": "unreachable"}
    page = client.get("/")
    assert page.status_code == 503
    assert "The database is not answering" in page.get_data(as_text=True)
    # Signing in reads the account: the API says so in JSON.
    api = client.get("/api/v1/posts/", headers=basic_auth("ann@example.com", "secret"))
    assert api.status_code == 503
    assert api.get_json()["error"] == "service unavailable"

    own_standin.restart()  # same port, a new (empty) server
    assert _wait_for(client, "/healthz", 200).status_code == 200
    assert client.get("/").status_code == 200
