"""A post and its comments stay one MongoDB document (16 MiB): Markdown
that would render too large, or cost too much to render, is refused on every
path in with a message that says why, before the work is done, and the
comments get only the room the post leaves."""

import time

import bson
import pytest
from helpers import basic_auth, signed_in_client

from site_app.models import CommentsClosed, Post
from site_app.models import posts as posts_module
from site_app.models import sizes as sizes_module

# One 2 KB reference link used 14,000 times: 29 MB of HTML from 100,000
# characters of Markdown.
REFERENCE_BOMB = (f"[r]: https://example.com/{'a' * 2000}\n\n" + "[x][r] " * 14000)[:100_000]
# Unclosed brackets: each one makes the link patterns scan to the end
# (5,000 of them took about 4 s of CPU).
BRACKET_BOMB = "[" * 5000


@pytest.fixture
def writer(make_user):
    return make_user("wren")


@pytest.fixture
def writer_client(app, writer):
    return signed_in_client(app, writer)


def _cpu(call):
    started = time.process_time()
    result = call()
    return result, time.process_time() - started


def test_a_reference_link_bomb_is_refused_by_the_write_form_without_rendering(writer_client):
    response, cpu = _cpu(
        lambda: writer_client.post("/write", data={"title": "Bomb", "body": REFERENCE_BOMB, "tags": ""})
    )

    assert response.status_code == 400
    assert "reference links" in response.get_data(as_text=True)
    assert Post.objects.count() == 0
    assert cpu < 1.0


def test_an_edit_that_would_render_too_large_keeps_the_post(writer, writer_client):
    post = Post.publish(writer, "Fine", "a fine body")

    response = writer_client.post(
        f"/edit/{post.id}", data={"title": "Fine", "body": REFERENCE_BOMB, "tags": ""}
    )

    assert response.status_code == 400
    assert "reference links" in response.get_data(as_text=True)
    assert Post.objects.get(id=post.id).body == "a fine body"


def test_the_api_refuses_the_bomb_with_a_json_400(app, client, writer):
    headers = basic_auth(writer.email, "correct horse battery")
    post = Post.publish(writer, "Fine", "a fine body")

    created = client.post("/api/v1/posts/", headers=headers, json={"title": "Bomb", "body": REFERENCE_BOMB})
    edited = client.put(f"/api/v1/posts/{post.id}", headers=headers, json={"body": BRACKET_BOMB})

    for response in (created, edited):
        assert response.status_code == 400
        assert response.get_json()["error"] == "bad request"
    assert "reference links" in created.get_json()["message"]
    assert "brackets" in edited.get_json()["message"]
    assert Post.objects.count() == 1 and Post.objects.get(id=post.id).body == "a fine body"


@pytest.mark.parametrize("body, words", [(REFERENCE_BOMB, "reference links"), (BRACKET_BOMB, "brackets")])
def test_preview_refuses_what_would_cost_too_much(writer_client, body, words):
    response, cpu = _cpu(
        lambda: writer_client.post("/preview", data={"body": body}, headers={"Accept": "application/json"})
    )

    assert response.status_code == 400
    assert words in response.get_json()["message"]
    assert cpu < 1.0


def test_a_bracket_bomb_comment_is_refused_on_the_page_and_the_api(app, client, writer, writer_client):
    post = Post.publish(writer, "Open", "comments welcome")

    page = writer_client.post(f"/post/{post.id}", data={"body": BRACKET_BOMB})
    api = client.post(
        f"/api/v1/posts/{post.id}/comments/",
        headers=basic_auth(writer.email, "correct horse battery"),
        json={"body": BRACKET_BOMB},
    )

    assert page.status_code == 400 and "brackets" in page.get_data(as_text=True)
    assert api.status_code == 400 and "brackets" in api.get_json()["message"]
    assert Post.objects.get(id=post.id).comment_count == 0


def test_long_legitimate_posts_still_render(writer_client):
    table = "|a|b|\n|-|-|\n" + "|cell|other|\n" * 7000
    links = "".join(f"[link {n}](https://example.com/{n}) " for n in range(2500))

    for title, body in (("Table", table[:100_000]), ("Links", links)):
        response = writer_client.post("/write", data={"title": title, "body": body, "tags": ""})
        assert response.status_code == 302, title
    assert len(Post.objects.get(title="Table").body_html) > 100_000


# -- the document budget -------------------------------------------------------
def test_the_post_keeps_its_own_size(writer):
    post = Post.publish(writer, "Sized", "x" * 50_000)

    stored = Post._get_collection().find_one({"_id": post.id})
    without_comments = {k: v for k, v in stored.items() if k != "comments"}
    assert abs(stored["post_bytes"] - len(bson.encode(without_comments))) < 100
    assert stored["post_bytes"] > 100_000  # the body and its rendered HTML


def test_comments_get_only_the_room_the_post_leaves(app, writer, monkeypatch):
    app.config["MAX_COMMENT_BYTES"] = 50 * 1024 * 1024  # only the document budget binds
    post = Post.publish(writer, "Big", "y" * 90_000)
    budget = Post.objects.get(id=post.id).post_bytes + 30_000
    monkeypatch.setattr(sizes_module, "DOCUMENT_BUDGET", budget)  # read by sizes.room_for

    accepted = 0
    with pytest.raises(CommentsClosed):
        for _ in range(20):
            post.add_comment(writer, "z" * 4000)
            accepted += 1

    stored = Post._get_collection().find_one({"_id": post.id})
    assert 0 < accepted < 20
    assert len(bson.encode(stored)) <= budget + 1000  # array keys: a few bytes a comment
    assert stored["post_bytes"] + stored["comment_bytes"] <= budget


def test_an_edit_that_would_not_fit_beside_the_comments_is_refused(app, writer, writer_client, monkeypatch):
    post = Post.publish(writer, "Busy", "short")
    for _ in range(5):
        post.add_comment(writer, "w" * 4000)
    stored = Post._get_collection().find_one({"_id": post.id})
    monkeypatch.setattr(
        posts_module, "DOCUMENT_BUDGET", stored["post_bytes"] + stored["comment_bytes"] + 5_000, raising=False
    )

    response = writer_client.post(
        f"/edit/{post.id}", data={"title": "Busy", "body": "v" * 20_000, "tags": ""}
    )

    assert response.status_code == 400
    assert "no longer fit" in response.get_data(as_text=True)
    assert Post.objects.get(id=post.id).body == "short"
    assert Post.objects.get(id=post.id).comment_count == 5
