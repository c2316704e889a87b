"""The REST API as its clients live it: signing in with a password or a
token, writing and reading posts and comments, and every way a request can
be wrong."""

import json
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from site_app import tokens
from site_app.models import Post, User

PASSWORD = "correct horse battery"


@pytest.fixture
def ann(make_user):
    return make_user("ann")


@pytest.fixture
def as_ann(ann, api_headers):
    """Ann's token (checking a password on every call would slow the suite;
    the tests of signing in use the password)."""
    return api_headers(ann.generate_token(tokens.API))


@pytest.fixture
def ann_password(ann, api_headers):
    return api_headers(ann.email, PASSWORD)


def token_for(client, headers):
    response = client.post("/api/v1/tokens/", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def write_post(client, headers, title="A walk in the hills", body="It *rained*.", tags=None):
    payload = {"title": title, "body": body}
    if tags is not None:
        payload["tags"] = tags
    response = client.post("/api/v1/posts/", headers=headers, json=payload)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def assert_json_error(response, status, error):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error", "message"}
    assert body["error"] == error
    return body["message"]


# -- who may call ----------------------------------------------------------


def test_a_visitor_without_credentials_is_asked_for_them(client, ann):
    response = client.get("/api/v1/posts/")
    assert_json_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    "email, password", [("ann@example.com", "wrong password"), ("nobody@example.com", PASSWORD)]
)
def test_wrong_email_or_password_is_refused(client, ann, api_headers, email, password):
    message = assert_json_error(
        client.get("/api/v1/posts/", headers=api_headers(email, password)), 401, "unauthorized"
    )
    assert "wrong" in message


def test_other_authorization_schemes_are_refused(client, ann):
    response = client.get("/api/v1/posts/", headers={"Authorization": "Bearer something"})
    assert_json_error(response, 401, "unauthorized")


def test_a_reader_trades_the_password_for_a_token_and_uses_it(client, ann_password, api_headers):
    grant = token_for(client, ann_password)
    assert grant["expiration"] == 3600
    response = client.get("/api/v1/posts/", headers=api_headers(grant["token"]))
    assert response.status_code == 200


def test_a_token_cannot_renew_itself(client, ann_password, api_headers):
    token = token_for(client, ann_password)["token"]
    response = client.post("/api/v1/tokens/", headers=api_headers(token))
    assert_json_error(response, 401, "unauthorized")


def test_a_forged_or_expired_token_is_refused(app, client, ann_password, api_headers):
    token = token_for(client, ann_password)["token"]
    assert_json_error(client.get("/api/v1/posts/", headers=api_headers(token + "x")), 401, "unauthorized")
    app.config["API_TOKEN_EXPIRATION"] = -1
    assert_json_error(client.get("/api/v1/posts/", headers=api_headers(token)), 401, "unauthorized")


def test_changing_the_password_ends_every_token(client, ann, ann_password, api_headers):
    token = token_for(client, ann_password)["token"]
    User.objects(id=ann.id).first().change_password("a brand new password")
    assert_json_error(client.get("/api/v1/posts/", headers=api_headers(token)), 401, "unauthorized")
    fresh = api_headers(ann.email, "a brand new password")
    assert client.get("/api/v1/posts/", headers=fresh).status_code == 200


def test_a_disabled_account_cannot_use_its_password_or_its_tokens(client, ann, ann_password, api_headers):
    token = token_for(client, ann_password)["token"]
    User.objects(id=ann.id).update_one(set__disabled=True)
    assert_json_error(client.get("/api/v1/posts/", headers=ann_password), 401, "unauthorized")
    assert_json_error(client.get("/api/v1/posts/", headers=api_headers(token)), 401, "unauthorized")


def test_an_unconfirmed_account_is_told_to_confirm(client, make_user, api_headers):
    bob = make_user("bob", confirmed=False)
    response = client.get("/api/v1/posts/", headers=api_headers(bob.email, PASSWORD))
    assert "Confirm" in assert_json_error(response, 403, "forbidden")
    response = client.post("/api/v1/tokens/", headers=api_headers(bob.email, PASSWORD))
    assert_json_error(response, 403, "forbidden")


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/posts/"),
        ("post", "/api/v1/posts/"),
        ("get", "/api/v1/comments/"),
        ("get", "/api/v1/posts/64b7f0c2a1b2c3d4e5f60718"),
        ("delete", "/api/v1/posts/64b7f0c2a1b2c3d4e5f60718"),
        ("get", "/api/v1/users/64b7f0c2a1b2c3d4e5f60718/timeline/"),
        ("post", "/api/v1/tokens/"),
    ],
)
def test_anonymous_visitors_reach_nothing_but_the_description(client, method, path):
    assert_json_error(getattr(client, method)(path), 401, "unauthorized")


def test_anonymous_visitors_read_the_description(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/posts/" in response.get_json()["paths"]


def test_the_api_ignores_the_browser_session(client, ann, auth):
    auth.login_as(ann)
    assert client.get("/").status_code == 200
    assert_json_error(client.get("/api/v1/posts/"), 401, "unauthorized")


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_the_api_needs_no_csrf_token_even_where_forms_do(app_context, client, api_headers):
    user = User.register(email="cy@example.com", username="cy", password=PASSWORD)
    User.objects(id=user.id).update_one(set__confirmed=True)
    # In this app a form posted without its token is refused...
    refused = client.post("/auth/login", data={"email": "cy@example.com", "password": PASSWORD})
    assert refused.status_code == 400
    # ...and the API, which signs in with a header, not a cookie, takes the same post.
    response = client.post(
        "/api/v1/posts/",
        headers=api_headers(user.email, PASSWORD),
        json={"title": "No token", "body": "Needed"},
    )
    assert response.status_code == 201
    assert Post.objects(title="No token").count() == 1


# -- posts -----------------------------------------------------------------


def test_a_writer_publishes_edits_and_finds_a_post_everywhere(
    client, ann, ann_password, make_user, api_headers
):
    token = api_headers(token_for(client, ann_password)["token"])

    # An empty post is refused and nothing is stored.
    response = client.post("/api/v1/posts/", headers=token, json={"title": "", "body": ""})
    assert "title" in assert_json_error(response, 400, "bad request")
    response = client.post("/api/v1/posts/", headers=token, json={"title": "Only a title"})
    assert "body" in assert_json_error(response, 400, "bad request")
    assert Post.objects.count() == 0

    # Written: 201, the post, and where it lives.
    response = client.post(
        "/api/v1/posts/",
        headers=token,
        json={"title": "  Rain  ", "body": "It *rained* all day.", "tags": ["Weather", "hills"]},
    )
    assert response.status_code == 201
    post = response.get_json()
    assert response.headers["Location"] == post["url"]
    assert post["url"].startswith("http://localhost/api/v1/posts/")
    assert post["title"] == "Rain"
    assert post["body_html"] == "<p>It <em>rained</em> all day.</p>"
    assert post["tags"] == ["weather", "hills"]
    assert post["author"] == "ann"
    assert post["author_url"] == f"http://localhost/api/v1/users/{ann.id}"
    assert post["comment_count"] == 0
    assert post["timestamp"].endswith("Z")

    # Read back.
    read = client.get(post["url"], headers=token)
    assert read.status_code == 200
    assert read.get_json() == post

    # Edited: fields left out keep their value.
    response = client.put(post["url"], headers=token, json={"body": "It **poured**."})
    assert response.status_code == 200
    edited = response.get_json()
    assert edited["title"] == "Rain"
    assert edited["body_html"] == "<p>It <strong>poured</strong>.</p>"
    assert edited["tags"] == ["weather", "hills"]
    assert client.get(post["url"], headers=token).get_json()["body"] == "It **poured**."

    # Listed, on the author's page, and in a follower's timeline.
    listing = client.get("/api/v1/posts/", headers=token).get_json()
    assert listing["count"] == 1
    assert [p["id"] for p in listing["posts"]] == [post["id"]]
    assert listing["prev"] is None and listing["next"] is None

    author = client.get(post["author_url"], headers=token).get_json()
    assert author["username"] == "ann"
    assert author["post_count"] == 1
    mine = client.get(author["posts_url"], headers=token).get_json()
    assert [p["id"] for p in mine["posts"]] == [post["id"]]

    bob = make_user("bob")
    bob.follow(ann)
    as_bob = api_headers(bob.email, PASSWORD)
    bob_json = client.get(f"/api/v1/users/{bob.id}", headers=as_bob).get_json()
    assert bob_json["following_count"] == 1
    timeline = client.get(bob_json["followed_posts_url"], headers=as_bob).get_json()
    assert [p["id"] for p in timeline["posts"]] == [post["id"]]
    assert client.get(author["url"], headers=as_bob).get_json()["followers_count"] == 1
    assert client.get(author["followed_posts_url"], headers=as_bob).get_json()["posts"] == []


def test_someone_elses_post_cannot_be_edited_or_deleted(client, ann, as_ann, make_user, api_headers):
    post = write_post(client, as_ann)
    bob = api_headers(make_user("bob").email, PASSWORD)
    response = client.put(post["url"], headers=bob, json={"title": "Mine now"})
    assert_json_error(response, 403, "forbidden")
    assert_json_error(client.delete(post["url"], headers=bob), 403, "forbidden")
    assert Post.objects.get(id=post["id"]).title == post["title"]


def test_an_administrator_may_edit_and_delete_any_post(client, as_ann, make_user, api_headers):
    post = write_post(client, as_ann)
    admin = api_headers(make_user("root", role="Administrator").email, PASSWORD)
    response = client.put(post["url"], headers=admin, json={"title": "Tidied"})
    assert response.status_code == 200
    assert response.get_json()["author"] == "ann"
    assert client.delete(post["url"], headers=admin).status_code == 204


def test_an_author_deletes_a_post(client, as_ann):
    post = write_post(client, as_ann)
    response = client.delete(post["url"], headers=as_ann)
    assert response.status_code == 204
    assert response.data == b""
    assert_json_error(client.get(post["url"], headers=as_ann), 404, "not found")


def test_post_lists_page_forgivingly_with_absolute_links(app, client, ann, as_ann):
    app.config["POSTS_PER_PAGE"] = 2
    for number in range(5):
        post = Post.publish(ann, f"Post {number}", "text")
        # a minute apart, so "newest first" has one answer
        Post.objects(id=post.id).update_one(set__timestamp=post.timestamp + timedelta(minutes=number))
    first = client.get("/api/v1/posts/", headers=as_ann).get_json()
    assert first["count"] == 5
    assert [p["title"] for p in first["posts"]] == ["Post 4", "Post 3"]
    assert first["prev"] is None
    assert first["next"].startswith("http://localhost/api/v1/posts/?after=")
    second = client.get(first["next"], headers=as_ann).get_json()
    assert [p["title"] for p in second["posts"]] == ["Post 2", "Post 1"]
    assert second["prev"].startswith("http://localhost/api/v1/posts/?before=")
    assert client.get(second["prev"], headers=as_ann).get_json() == first
    assert client.get("/api/v1/posts/?page=2", headers=as_ann).get_json() == second

    last = client.get("/api/v1/posts/?page=-1", headers=as_ann).get_json()
    assert [p["title"] for p in last["posts"]] == ["Post 1", "Post 0"]
    assert last["next"] is None and last["count"] == 5
    assert client.get("/api/v1/posts/?page=99", headers=as_ann).get_json() == last
    assert client.get("/api/v1/posts/?page=abc", headers=as_ann).get_json() == first
    assert client.get("/api/v1/posts/?page=0", headers=as_ann).get_json() == first


def test_a_page_of_posts_costs_the_same_queries_however_many_authors(app, client, as_ann):
    app.config["POSTS_PER_PAGE"] = 20

    def ops_for_listing():
        response = client.get("/api/v1/posts/", headers=as_ann)
        assert response.status_code == 200
        return int(response.headers["X-DB-Ops"]), len(response.get_json()["posts"])

    def author(name):  # no password: hashing one is slow and beside the point
        return User(email=f"{name}@example.com", username=name).save()

    for number in range(2):
        Post.publish(author(f"few{number}"), "Few", "authors")
    few_ops, few = ops_for_listing()
    for number in range(15):
        Post.publish(author(f"many{number}"), "Many", "authors")
    many_ops, many = ops_for_listing()
    assert (few, many) == (2, 17)
    assert many_ops == few_ops
    # auth, count, page, authors (+ the last_seen write at most)
    assert many_ops <= 5


def test_a_page_of_comments_costs_the_same_queries_however_many_commenters(client, ann, as_ann):
    post = Post.publish(ann, "Talk", "to me")

    def ops_for(url):
        response = client.get(url, headers=as_ann)
        assert response.status_code == 200
        return int(response.headers["X-DB-Ops"])

    def comment_as(name):
        post.add_comment(User(email=f"{name}@example.com", username=name).save(), "hi")

    comment_as("first")
    few = (ops_for(f"/api/v1/posts/{post.id}/comments/"), ops_for("/api/v1/comments/"))
    for number in range(12):
        comment_as(f"talker{number}")
    many = (ops_for(f"/api/v1/posts/{post.id}/comments/"), ops_for("/api/v1/comments/"))
    assert many == few


# -- comments --------------------------------------------------------------


def test_a_reader_comments_and_finds_the_comment_everywhere(client, ann, as_ann, make_user, api_headers):
    first_post = write_post(client, as_ann, title="First")
    second_post = write_post(client, as_ann, title="Second")
    bob = make_user("bob")
    as_bob = api_headers(bob.email, PASSWORD)

    comments_url = first_post["comments_url"]
    response = client.post(comments_url, headers=as_bob, json={"body": ""})
    assert_json_error(response, 400, "bad request")

    response = client.post(comments_url, headers=as_bob, json={"body": "Lovely *rain*"})
    assert response.status_code == 201
    comment = response.get_json()
    assert response.headers["Location"] == comment["url"]
    assert comment["author"] == "bob"
    assert comment["author_url"] == f"http://localhost/api/v1/users/{bob.id}"
    assert comment["post_url"] == first_post["url"]
    assert comment["body_html"] == "<p>Lovely <em>rain</em></p>"

    assert client.get(comment["url"], headers=as_ann).get_json() == comment
    later = client.post(second_post["comments_url"], headers=as_ann, json={"body": "A later word"}).get_json()

    per_post = client.get(comments_url, headers=as_ann).get_json()
    assert per_post["comments"] == [comment]
    assert per_post["count"] == 1
    assert client.get(first_post["url"], headers=as_ann).get_json()["comment_count"] == 1

    across = client.get("/api/v1/comments/", headers=as_ann).get_json()
    assert [c["id"] for c in across["comments"]] == [later["id"], comment["id"]]
    assert across["count"] == 2


def test_comments_page_oldest_first_with_the_last_page_at_minus_one(app, client, ann, as_ann):
    app.config["COMMENTS_PER_PAGE"] = 2
    post = write_post(client, as_ann)
    stored = Post.objects.get(id=post["id"])
    for number in range(5):
        stored.add_comment(ann, f"comment {number}")
    first = client.get(post["comments_url"], headers=as_ann).get_json()
    assert [c["body"] for c in first["comments"]] == ["comment 0", "comment 1"]
    assert first["next"] == post["comments_url"] + "?page=2"
    last = client.get(post["comments_url"] + "?page=-1", headers=as_ann).get_json()
    assert [c["body"] for c in last["comments"]] == ["comment 4"]
    assert last["prev"] == post["comments_url"] + "?page=2"

    across = client.get("/api/v1/comments/?page=abc", headers=as_ann).get_json()
    assert [c["body"] for c in across["comments"]] == ["comment 4", "comment 3"]
    assert across["count"] == 5


def test_a_hidden_comment_keeps_its_text_from_readers_but_not_moderators(
    client, ann, as_ann, make_user, api_headers
):
    post = write_post(client, as_ann)
    comment = client.post(post["comments_url"], headers=as_ann, json={"body": "rude"}).get_json()
    Post.set_comment_disabled(comment["id"], True)
    assert client.get(comment["url"], headers=as_ann).get_json()["body"] == ""
    moderator = api_headers(make_user("mod", role="Moderator").email, PASSWORD)
    assert client.get(comment["url"], headers=moderator).get_json()["body"] == "rude"


def test_a_full_post_takes_no_more_comments(app, client, as_ann):
    app.config["MAX_COMMENTS_PER_POST"] = 1
    post = write_post(client, as_ann)
    assert client.post(post["comments_url"], headers=as_ann, json={"body": "one"}).status_code == 201
    response = client.post(post["comments_url"], headers=as_ann, json={"body": "two"})
    assert_json_error(response, 409, "conflict")


# -- bad requests ----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/posts/not-an-id",
        "/api/v1/posts/123",
        "/api/v1/posts/64b7f0c2a1b2c3d4e5f60718",
        "/api/v1/posts/not-an-id/comments/",
        "/api/v1/posts/64b7f0c2a1b2c3d4e5f60718/comments/",
        "/api/v1/comments/not-an-id",
        "/api/v1/comments/64b7f0c2a1b2c3d4e5f60718",
        "/api/v1/users/not-an-id",
        "/api/v1/users/64b7f0c2a1b2c3d4e5f60718/posts/",
        "/api/v1/users/%00/timeline/",
        "/api/v1/no-such-thing",
    ],
)
def test_unknown_or_malformed_ids_are_json_404s(client, as_ann, path):
    assert_json_error(client.get(path, headers=as_ann), 404, "not found")


def test_a_wrong_method_is_a_json_405_naming_the_allowed_ones(client, as_ann):
    response = client.patch("/api/v1/posts/", headers=as_ann, json={})
    assert_json_error(response, 405, "method not allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (b'{"title": "a", ', "not valid JSON"),
        (b"null", "JSON object"),
        (b'["title", "body"]', "JSON object"),
        (b'"a string"', "JSON object"),
        (b"\xff\xfe{}", "not valid JSON"),
        (b'{"title": 7, "body": "x"}', "'title' must be a string"),
        (b'{"title": "t", "body": ["x"]}', "'body' must be a string"),
        (b'{"title": "t", "body": "x", "tags": "a,b"}', "'tags' must be a list"),
        (b'{"title": "t", "body": "x", "tags": [1]}', "'tags' must be a list"),
        (b'{"title": "   ", "body": "x"}', "'title' must not be empty"),
        (b'{"title": "t\\u0000", "body": "x"}', "control characters"),
        (b'{"title": "t", "body": "bell\\u0007"}', "control characters"),
        (b'{"title": "\\ud800", "body": "x"}', "not valid Unicode"),
        (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
    ],
)
def test_malformed_bodies_are_400s_that_say_what_is_wrong(client, as_ann, raw, fragment):
    response = client.post("/api/v1/posts/", headers=as_ann, data=raw, content_type="application/json")
    assert fragment in assert_json_error(response, 400, "bad request")
    assert Post.objects.count() == 0


def test_an_edit_with_a_bad_body_changes_nothing(client, as_ann):
    post = write_post(client, as_ann)
    for raw in (b"null", b"[]", b'{"title": ""}', b'{"tags": [null]}'):
        response = client.put(post["url"], headers=as_ann, data=raw, content_type="application/json")
        assert_json_error(response, 400, "bad request")
    assert client.get(post["url"], headers=as_ann).get_json() == post


def test_a_body_that_is_not_json_is_a_415(client, as_ann):
    response = client.post("/api/v1/posts/", headers=as_ann, data={"title": "form", "body": "post"})
    assert_json_error(response, 415, "unsupported media type")
    response = client.post("/api/v1/posts/", headers=as_ann, data='{"title": "t"}', content_type="text/plain")
    assert_json_error(response, 415, "unsupported media type")


def test_a_megabyte_title_is_refused_with_a_clear_message(client, as_ann):
    response = client.post("/api/v1/posts/", headers=as_ann, json={"title": "t" * 1024 * 1024, "body": "x"})
    assert "longer than 200" in assert_json_error(response, 400, "bad request")


def test_a_body_over_the_size_limit_is_a_json_413(make_user, api_headers, make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    with app.app_context():
        user = User.register(email="big@example.com", username="big", password=PASSWORD)
        User.objects(id=user.id).update_one(set__confirmed=True)
        response = app.test_client().post(
            "/api/v1/posts/",
            headers=api_headers(user.email, PASSWORD),
            json={"title": "big", "body": "x" * 4096},
        )
        assert_json_error(response, 413, "request entity too large")


# Right-to-left script and combining marks are text; bidi overrides are not
# (they are refused, below).
UNICODE_TEXT = "Zoë 😀 — ١٢٣ 中文 مرحبا e\u0301"


def test_unicode_survives_the_round_trip_in_every_field(client, as_ann):
    post = write_post(
        client, as_ann, title=UNICODE_TEXT, body=UNICODE_TEXT + "\n\ttabbed", tags=["café", "日本"]
    )
    read = client.get(post["url"], headers=as_ann).get_json()
    assert read["title"] == UNICODE_TEXT
    assert read["body"] == UNICODE_TEXT + "\n\ttabbed"
    assert read["tags"] == ["café", "日本"]
    comment = client.post(post["comments_url"], headers=as_ann, json={"body": UNICODE_TEXT}).get_json()
    assert client.get(comment["url"], headers=as_ann).get_json()["body"] == UNICODE_TEXT


@pytest.mark.parametrize("field", ["title", "body", "tags", "comment"])
@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\x7f", "\ud83d", "\u202eevil"])
def test_control_characters_and_broken_unicode_are_refused_in_every_field(client, as_ann, field, bad):
    target = write_post(client, as_ann)
    payload = {"title": "t", "body": "b"}
    if field == "comment":
        url, payload = target["comments_url"], {"body": "say " + bad}
    elif field == "tags":
        url, payload["tags"] = "/api/v1/posts/", ["ok", "x" + bad]
    else:
        url, payload[field] = "/api/v1/posts/", "x" + bad + "y"
    data = json.dumps(payload).encode()  # ensure_ascii keeps lone surrogates sendable
    response = client.post(url, headers=as_ann, data=data, content_type="application/json")
    assert_json_error(response, 400, "bad request")
    assert Post.objects.count() == 1


# -- rate limits -----------------------------------------------------------


def test_each_account_has_its_own_rate_limit(api_headers, make_app):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        users = []
        for name in ("rita", "sam"):
            user = User.register(email=f"{name}@example.com", username=name, password=PASSWORD)
            User.objects(id=user.id).update_one(set__confirmed=True)
            users.append(api_headers(user.email, PASSWORD))
        rita, sam = users
        token = api_headers(client.post("/api/v1/tokens/", headers=rita).get_json()["token"])

        ok = client.get("/api/v1/posts/", headers=rita)
        assert ok.headers["X-RateLimit-Limit"] == "3"
        assert ok.headers["X-RateLimit-Remaining"] == "1"
        client.get("/api/v1/posts/", headers=token)  # the token counts against rita too
        limited = client.get("/api/v1/posts/", headers=token)
        assert "3 per" in assert_json_error(limited, 429, "too many requests")
        assert int(limited.headers["Retry-After"]) > 0
        assert limited.headers["X-RateLimit-Remaining"] == "0"

        assert client.get("/api/v1/posts/", headers=sam).status_code == 200


# -- documentation ---------------------------------------------------------


def test_the_docs_page_draws_the_description_from_local_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    assert re.search(r"/static/js/api-docs\.[0-9a-f]{12}\.js", html)  # its hashed name
    assert "<script>" not in html and " style=" not in html
    # No asset from elsewhere (the curl example names this site, on SITE_URL).
    assert not re.search(r'(src|href)="https?://', html)
    assert client.get("/static/js/api-docs.js").status_code == 200


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's script")
def test_the_docs_page_script_draws_every_operation_and_schema(client, tmp_path):
    """Runs static/js/api-docs.js on the served document with a tiny fake DOM."""
    document = client.get("/api/v1/openapi.json").get_json()
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document))
    root = Path(__file__).resolve().parent.parent
    drawn = subprocess.run(
        ["node", str(root / "tests/js/api_docs_harness.js"), str(root / "static/js/api-docs.js"), str(spec)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert method.upper() + "/api/v1" + path in drawn
            assert operation["summary"] in drawn
    for name in document["components"]["schemas"]:
        assert name in drawn
    assert "Could not load" not in drawn
