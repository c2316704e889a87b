"""A form sent twice (no answer came: a worker was killed, the request timed
out, and the reader pressed again) makes one post or one comment, and the
second submission lands where the first did."""

import re

import pytest
from helpers import signed_in_client

from site_app.models import Notification, Post


def nonce(page):
    return re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def writer(make_user):
    return make_user("wren")


def test_a_post_form_sent_twice_makes_one_post(app, writer):
    browser = signed_in_client(app, writer)
    form = {"title": "Once", "body": "Only once", "tags": "", "submission": nonce(browser.get("/write").text)}
    first, second = (browser.post("/write", data=form) for _ in range(2))
    assert first.status_code == second.status_code == 302
    assert second.location == first.location
    assert Post.objects(title="Once").count() == 1
    # Another form (another nonce) is another post.
    again = {**form, "submission": nonce(browser.get("/write").text)}
    assert browser.post("/write", data=again).status_code == 302
    assert Post.objects(title="Once").count() == 2


def test_a_comment_form_sent_twice_makes_one_comment(app, writer, make_user):
    post = Post.publish(writer, "Lamp", "About a lamp")
    reader = make_user("rae")
    browser = signed_in_client(app, reader)
    form = {"body": "Nice lamp", "submission": nonce(browser.get(f"/post/{post.id}").text)}
    first, second = (browser.post(f"/post/{post.id}", data=form) for _ in range(2))
    assert first.status_code == second.status_code == 302
    assert second.location == first.location and "#comment-" in first.location
    stored = Post.objects.get(id=post.id)
    assert stored.comment_count == 1 and len(stored.comments) == 1
    assert Notification.objects(recipient=writer.id).count() == 1
    # The same nonce from another account is that account's own.
    other = signed_in_client(app, make_user("sam"))
    assert other.post(f"/post/{post.id}", data=form).status_code == 302
    assert Post.objects.get(id=post.id).comment_count == 2


def test_a_reply_sent_twice_makes_one_reply(app, writer, make_user):
    post = Post.publish(writer, "Lamp", "About a lamp")
    top = post.add_comment(writer, "First")
    browser = signed_in_client(app, make_user("rae"))
    page = browser.get(f"/post/{post.id}?reply_to={top.id}").text
    form = {"body": "A reply", "parent_id": str(top.id), "submission": nonce(page)}
    first, second = (browser.post(f"/post/{post.id}", data=form) for _ in range(2))
    assert second.location == first.location
    stored = Post.objects.get(id=post.id)
    assert (stored.comment_count, stored.reply_count) == (2, 1)
