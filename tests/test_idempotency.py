"""An API POST retried with the same ``Idempotency-Key`` (its answer was lost:
a timeout, a 502) creates one post or comment and answers the retry with the
first answer."""

from datetime import timedelta

import pytest

from site_app.database import get_db
from site_app.models import Notification, Post, utcnow

PASSWORD = "correct horse battery"


@pytest.fixture
def writer(make_user):
    return make_user("wren")


def send(client, headers, url, body, key):
    return client.post(url, json=body, headers={**headers, "Idempotency-Key": key})


def test_a_post_retried_with_its_key_is_created_once(client, writer, api_headers):
    auth = api_headers(writer.email, PASSWORD)
    body = {"title": "Once", "body": "Only once"}
    first = send(client, auth, "/api/v1/posts/", body, "post-1")
    again = send(client, auth, "/api/v1/posts/", body, "post-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert Post.objects(title="Once").count() == 1
    assert send(client, auth, "/api/v1/posts/", body, "post-2").status_code == 201
    assert Post.objects(title="Once").count() == 2
    assert client.post("/api/v1/posts/", json=body, headers=auth).status_code == 201
    assert Post.objects(title="Once").count() == 3  # no key: every request is new


def test_a_comment_retried_with_its_key_is_created_once(client, writer, make_user, api_headers):
    post = Post.publish(writer, "Lamp", "About a lamp")
    reader = make_user("rae")
    auth = api_headers(reader.email, PASSWORD)
    url = f"/api/v1/posts/{post.id}/comments/"
    answers = [send(client, auth, url, {"body": "Nice lamp"}, "c-1") for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert len({a.get_json()["id"] for a in answers}) == 1
    assert Post.objects.get(id=post.id).comment_count == 1
    assert Notification.objects(recipient=writer.id).count() == 1


def test_keys_are_per_account(client, writer, make_user, api_headers):
    body = {"title": "Mine", "body": "Text"}
    other = make_user("sam")
    for user in (writer, other):
        answer = send(client, api_headers(user.email, PASSWORD), "/api/v1/posts/", body, "k")
        assert answer.status_code == 201 and answer.get_json()["author"] == user.username
    assert Post.objects(title="Mine").count() == 2


def test_a_key_reused_for_another_request_is_refused(client, writer, api_headers):
    auth = api_headers(writer.email, PASSWORD)
    assert send(client, auth, "/api/v1/posts/", {"title": "A", "body": "a"}, "k").status_code == 201
    reused = send(client, auth, "/api/v1/posts/", {"title": "B", "body": "b"}, "k")
    assert reused.status_code == 422
    assert "Idempotency-Key was used with another request" in reused.get_json()["message"]
    assert Post.objects(title="B").count() == 0


@pytest.mark.parametrize("key", ["", "has space", "x" * 256, "caf\u00e9"])
def test_a_malformed_key_is_a_clear_400(client, writer, api_headers, key):
    auth = api_headers(writer.email, PASSWORD)
    headers = {**auth, "Idempotency-Key": key.encode("utf-8").decode("latin-1")}
    answer = client.post("/api/v1/posts/", json={"title": "A", "body": "a"}, headers=headers)
    assert answer.status_code == 400
    assert "Idempotency-Key must be" in answer.get_json()["message"]
    assert Post.objects.count() == 0


def test_a_request_still_running_answers_409_and_one_left_unanswered_is_taken_over(
    app, client, writer, api_headers
):
    """The first request's worker died after claiming the key (its post
    stored, its answer lost): a retry within a minute is told to wait; after
    it, the retry runs again and finds the post the first one made."""
    auth = api_headers(writer.email, PASSWORD)
    body = {"title": "Lost answer", "body": "Stored, never answered"}
    assert send(client, auth, "/api/v1/posts/", body, "k").status_code == 201
    keys = get_db(app)["idempotency_keys"]
    keys.update_one({}, {"$set": {"status": None, "body": None, "created": utcnow()}})
    waiting = send(client, auth, "/api/v1/posts/", body, "k")
    assert waiting.status_code == 409 and "still being answered" in waiting.get_json()["message"]
    keys.update_one({}, {"$set": {"created": utcnow() - timedelta(minutes=2)}})
    retried = send(client, auth, "/api/v1/posts/", body, "k")
    assert retried.status_code == 201 and retried.get_json()["title"] == "Lost answer"
    assert Post.objects(title="Lost answer").count() == 1


def test_a_refused_request_is_not_kept_for_its_retry(make_app):
    """A 5xx or 429 is worth retrying: the key is released, the retry runs."""
    from helpers import basic_auth

    from site_app.extensions import limiter
    from site_app.models import Role, User

    app = make_app(RATELIMIT_ENABLED=True, COMMENT_RATE_LIMIT="1 per minute")
    with app.app_context():
        Role.insert_roles()
        user = User.register(email="ann@example.com", username="ann", password=PASSWORD)
        User.objects(id=user.id).update_one(set__confirmed=True)
        post = Post.publish(user, "Lamp", "About a lamp")
    client, auth = app.test_client(), basic_auth("ann@example.com", PASSWORD)
    url = f"/api/v1/posts/{post.id}/comments/"
    assert send(client, auth, url, {"body": "one"}, "a").status_code == 201
    assert send(client, auth, url, {"body": "two"}, "b").status_code == 429
    with app.app_context():
        limiter.reset()  # the minute has passed
    assert send(client, auth, url, {"body": "two"}, "b").status_code == 201
    assert get_db(app)["idempotency_keys"].count_documents({"status": None}) == 0


def test_answers_are_kept_a_day_by_a_ttl_index(app):
    indexes = get_db(app)["idempotency_keys"].index_information()
    assert indexes["idempotency_ttl"]["expireAfterSeconds"] == 24 * 3600
    assert indexes["key_1"]["unique"] is True
