"""One account may send only so many comments, replies and edits a minute
(``COMMENT_RATE_LIMIT``), on the site and through the API alike: a flood is
refused with a 429 that says why, and the web form keeps what was typed."""

import html

import pytest
from helpers import basic_auth, signed_in_client

from site_app.models import Notification, Post, User

PASSWORD = "correct horse battery"


@pytest.fixture
def app(make_app):
    return make_app(
        RATELIMIT_ENABLED=True, COMMENT_RATE_LIMIT="3 per minute", LOGIN_RATE_LIMIT="100 per minute"
    )


@pytest.fixture
def people(app):
    with app.app_context():
        made = {}
        for name in ("ann", "bob"):
            user = User.register(email=f"{name}@example.com", username=name, password=PASSWORD)
            User.objects(id=user.id).update_one(set__confirmed=True)
            made[name] = User.objects.get(id=user.id)
        made["post"] = Post.publish(made["ann"], "Lamp", "About a lamp")
        return made


def test_a_flood_of_comments_is_refused_and_the_form_keeps_the_text(app, people):
    post, bob = people["post"], people["bob"]
    browser = signed_in_client(app, bob)
    for n in range(3):
        response = browser.post(f"/post/{post.id}", data={"body": f"comment {n}"})
        assert response.status_code == 302
    refused = browser.post(f"/post/{post.id}", data={"body": "the fourth, typed with care"})
    assert refused.status_code == 429
    page = html.unescape(refused.text)
    assert "You are commenting too fast" in page and "3 per minute" in page
    assert "the fourth, typed with care</textarea>" in page
    with app.app_context():
        assert Post.objects.get(id=post.id).comment_count == 3
        told = Notification.objects(recipient=people["ann"].id)
        assert [(n.kind, n.count) for n in told] == [("comment", 3)]  # grouped per post


def test_edits_count_against_the_same_limit(app, people):
    post, bob = people["post"], people["bob"]
    with app.app_context():
        comment = Post.objects.get(id=post.id).add_comment(bob, "first words")
    browser = signed_in_client(app, bob)
    for n in range(3):
        edited = browser.post(f"/comment/{comment.id}/edit", data={"body": f"words {n}"})
        assert edited.status_code == 302
    refused = browser.post(f"/comment/{comment.id}/edit", data={"body": "kept words"})
    assert refused.status_code == 429
    assert "kept words</textarea>" in html.unescape(refused.text)


def test_the_api_shares_the_limit_and_says_when_to_retry(app, people):
    post, bob = people["post"], people["bob"]
    client = app.test_client()
    headers = basic_auth(bob.email, PASSWORD)
    url = f"/api/v1/posts/{post.id}/comments/"
    assert (
        signed_in_client(app, bob).post(f"/post/{post.id}", data={"body": "from the site"}).status_code == 302
    )
    created = client.post(url, json={"body": "one"}, headers=headers)
    assert created.status_code == 201
    comment_url = f"/api/v1/comments/{created.get_json()['id']}"
    assert client.put(comment_url, json={"body": "two"}, headers=headers).status_code == 200
    refused = client.post(url, json={"body": "three"}, headers=headers)
    assert refused.status_code == 429
    assert "commenting too fast" in refused.get_json()["message"]
    assert int(refused.headers["Retry-After"]) > 0
    assert client.put(comment_url, json={"body": "four"}, headers=headers).status_code == 429
    # Another account is not slowed by bob's.
    ann_headers = basic_auth(people["ann"].email, PASSWORD)
    assert client.post(url, json={"body": "ann"}, headers=ann_headers).status_code == 201
