"""Drafts: a writer saves a post without publishing it; nobody but the
writer (and administrators) sees it anywhere until it is published."""

import re

import pytest
from helpers import signed_in_client

from site_app.models import Post

SECRET = "Zanzibarian"  # a word no other text of these tests holds


def post_id_from(response):
    return re.search(r"/post/([0-9a-f]{24})", response.headers["Location"]).group(1)


@pytest.fixture
def writer(make_user):
    return make_user("wendy")


@pytest.fixture
def draft_id(app, client, auth, writer):
    auth.login_as(writer)
    response = client.post(
        "/write",
        data={
            "title": f"{SECRET} plans",
            "body": f"Half done {SECRET}.",
            "tags": "secrets",
            "save_draft": "Save draft",
        },
    )
    assert response.status_code == 302
    return post_id_from(response)


def test_a_draft_is_saved_unpublished_and_shown_to_its_writer(client, draft_id):
    page = client.get(f"/post/{draft_id}").get_data(as_text=True)
    assert "Only you can see it" in page
    assert "Comments open once the post is published" in page
    drafts = client.get("/drafts").get_data(as_text=True)
    assert f"{SECRET} plans" in drafts
    assert 'href="/drafts"' in drafts  # the navbar link


def test_nobody_else_finds_a_draft_anywhere(app, client, draft_id, writer, make_user, api_headers):
    paths = ["/", "/followed", "/user/wendy", "/tag/secrets", "/search?q=plans+half", "/feed.atom"]
    reader = make_user("rita")
    reader.follow(writer)
    rita = signed_in_client(app, reader)
    for browser in (app.test_client(), rita):
        for path in paths:
            assert SECRET not in browser.get(path).get_data(as_text=True), path
        assert browser.get(f"/post/{draft_id}").status_code == 404
    assert SECRET not in rita.get("/drafts").get_data(as_text=True)
    assert app.test_client().get("/drafts").status_code == 302  # to the login page
    assert rita.post(f"/post/{draft_id}", data={"body": "Found it"}).status_code == 404
    assert rita.get(f"/edit/{draft_id}").status_code == 404

    headers = api_headers("rita@example.com", "correct horse battery")
    assert rita.get(f"/api/v1/posts/{draft_id}", headers=headers).status_code == 404
    assert rita.get(f"/api/v1/posts/{draft_id}/comments/", headers=headers).status_code == 404
    for path in (
        "/api/v1/posts/",
        f"/api/v1/users/{writer.id}/posts/",
        f"/api/v1/users/{reader.id}/timeline/",
    ):
        answer = rita.get(path, headers=headers).get_json()
        assert answer["count"] == 0 and answer["posts"] == [], path
    assert rita.get(f"/api/v1/users/{writer.id}", headers=headers).get_json()["post_count"] == 0


def test_an_administrator_may_read_a_draft(app, draft_id, make_user):
    admin = signed_in_client(app, make_user("ada", role="Administrator"))
    assert SECRET in admin.get(f"/post/{draft_id}").get_data(as_text=True)


def test_a_draft_takes_no_comments_not_even_its_writers(app, client, draft_id, writer, api_headers):
    response = client.post(f"/post/{draft_id}", data={"body": "Note to self"})
    assert response.status_code == 400
    response = client.post(
        f"/api/v1/posts/{draft_id}/comments/",
        json={"body": "Note"},
        headers=api_headers("wendy@example.com", "correct horse battery"),
    )
    assert response.status_code == 409
    with app.app_context():
        assert Post.objects(id=draft_id).first().comment_count == 0


def test_saving_a_draft_again_keeps_it_a_draft_and_publishing_dates_it_now(app, client, draft_id):
    with app.app_context():
        saved_at = Post.objects(id=draft_id).first().timestamp
    form = client.get(f"/edit/{draft_id}").get_data(as_text=True)
    assert 'name="save_draft"' in form and 'value="Publish"' in form

    response = client.post(
        f"/edit/{draft_id}", data={"title": "Plans", "body": "More", "save_draft": "Save draft"}
    )
    assert response.status_code == 302
    assert client.get("/").get_data(as_text=True).count("Plans") == 0

    response = client.post(f"/edit/{draft_id}", data={"title": "Plans", "body": "Done", "submit": "Publish"})
    assert response.status_code == 302
    with app.app_context():
        post = Post.objects(id=draft_id).first()
        assert not post.draft and post.timestamp > saved_at and post.updated is None
    assert "Plans" in app.test_client().get("/").get_data(as_text=True)
    assert "Plans" not in client.get("/drafts").get_data(as_text=True)


def test_a_published_post_offers_no_draft_button_and_stays_published(app, client, auth, writer):
    auth.login_as(writer)
    post_id = post_id_from(client.post("/write", data={"title": "Out", "body": "Live"}))
    assert 'name="save_draft"' not in client.get(f"/edit/{post_id}").get_data(as_text=True)
    client.post(f"/edit/{post_id}", data={"title": "Out", "body": "Live!", "save_draft": "x"})
    with app.app_context():
        assert Post.objects(id=post_id).first().draft is False


def test_the_api_takes_and_returns_draft(app, client, writer, make_user, api_headers):
    headers = api_headers("wendy@example.com", "correct horse battery")
    response = client.post("/api/v1/posts/", json={"title": "T", "body": "B", "draft": True}, headers=headers)
    assert response.status_code == 201 and response.get_json()["draft"] is True
    url = response.headers["Location"]
    assert client.get("/api/v1/posts/", headers=headers).get_json()["count"] == 0
    assert client.get(url, headers=headers).get_json()["draft"] is True

    assert (
        client.post(
            "/api/v1/posts/", json={"title": "T", "body": "B", "draft": "yes"}, headers=headers
        ).status_code
        == 400
    )
    published = client.put(url, json={"draft": False}, headers=headers)
    assert published.status_code == 200 and published.get_json()["draft"] is False
    assert client.get("/api/v1/posts/", headers=headers).get_json()["count"] == 1
    unpublished = client.put(url, json={"draft": True}, headers=headers)  # as POST /unpublish/<id>
    assert unpublished.status_code == 200 and unpublished.get_json()["draft"] is True
    assert client.get("/api/v1/posts/", headers=headers).get_json()["count"] == 0

    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schema["Post"]["properties"]["draft"]["type"] == "boolean"
    assert "draft" in schema["NewPost"]["properties"] and "draft" in schema["PostChanges"]["properties"]


def test_posts_stored_before_drafts_existed_are_published(app, app_context, writer):
    Post._get_collection().insert_one(
        {"title": "Old", "body": "Old", "author": writer.id, "tags": ["history"]}
    )
    assert [p.title for p in Post.listing()] == ["Old"]
    assert [p.title for p in Post.tagged("history")] == ["Old"]
    assert [p.title for p in Post.by_authors([writer.id])] == ["Old"]


def test_a_draft_card_offers_edit_publish_and_delete_not_reactions(client, draft_id):
    drafts = client.get("/drafts").get_data(as_text=True)
    card = drafts[drafts.index('class="post-card') :]
    assert f'href="/edit/{draft_id}"' in card
    assert f'action="/publish/{draft_id}"' in card and f'action="/delete/{draft_id}"' in card
    assert "/like" not in card and "Bookmark" not in card and "0 comments" not in card

    response = client.post(f"/publish/{draft_id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/post/{draft_id}"
    assert f"{SECRET} plans" in client.get("/").get_data(as_text=True)
    assert f"{SECRET} plans" not in client.get("/drafts").get_data(as_text=True)


def test_a_writer_unpublishes_a_post_which_keeps_its_comments(app, client, auth, writer, make_user):
    auth.login_as(writer)
    post_id = post_id_from(
        client.post("/write", data={"title": f"{SECRET} live", "body": "Out now", "tags": "secrets"})
    )
    reader = signed_in_client(app, make_user("rita"))
    reader.post(f"/post/{post_id}", data={"body": "Nice one"})
    anonymous = app.test_client()
    for path in ("/", "/tag/secrets", "/feed.atom", f"/post/{post_id}"):
        assert SECRET in anonymous.get(path).get_data(as_text=True), path  # cached now

    assert f'action="/unpublish/{post_id}"' in client.get(f"/post/{post_id}").get_data(as_text=True)
    response = client.post(f"/unpublish/{post_id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/post/{post_id}"

    for path in ("/", "/tag/secrets", "/feed.atom", "/user/wendy"):
        assert SECRET not in anonymous.get(path).get_data(as_text=True), path
    assert anonymous.get(f"/post/{post_id}").status_code == 404
    assert reader.get(f"/post/{post_id}").status_code == 404
    assert f"{SECRET} live" in client.get("/drafts").get_data(as_text=True)
    with app.app_context():
        post = Post.objects(id=post_id).first()
        assert post.draft is True and [c.body for c in post.comments] == ["Nice one"]

    client.post(f"/publish/{post_id}")
    assert "Nice one" in anonymous.get(f"/post/{post_id}").get_data(as_text=True)


def test_only_the_author_or_an_administrator_may_unpublish(app, client, auth, writer, make_user):
    auth.login_as(writer)
    post_id = post_id_from(client.post("/write", data={"title": "Mine", "body": "Live"}))
    stranger = signed_in_client(app, make_user("rita"))
    assert stranger.post(f"/unpublish/{post_id}").status_code == 404
    assert stranger.post(f"/publish/{post_id}").status_code == 404
    assert app.test_client().post(f"/unpublish/{post_id}").status_code == 302  # to the login page
    with app.app_context():
        assert Post.objects(id=post_id).first().draft is False
    admin = signed_in_client(app, make_user("ada", role="Administrator"))
    assert admin.post(f"/unpublish/{post_id}").status_code == 302
    with app.app_context():
        assert Post.objects(id=post_id).first().draft is True
