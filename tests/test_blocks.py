"""Blocking keeps a member away from you; muting hides them from your own
pages. Both are listed in settings, with undo."""

import pytest
from helpers import basic_auth

from site_app.models import Notification, Post, User
from site_app.models.blocks import MAX_PER_KIND, MemberRule


@pytest.fixture
def ann_blocks_bob(client, auth, make_user):
    ann, bob = make_user("ann"), make_user("bob")
    bob.follow(ann)
    post = Post.publish(ann, "Ann's garden", "Roses and tulips")
    auth.login_as(ann)
    blocked = client.post("/block/bob")
    assert blocked.status_code == 302 and blocked.location == "/user/bob"
    auth.logout()
    return ann, User.by_username("bob"), post


def test_a_blocked_member_stops_following_and_cannot_follow_again(client, auth, ann_blocks_bob):
    ann, bob, _post = ann_blocks_bob
    assert not bob.is_following(ann)
    auth.login_as(bob)
    assert "0 followers" in client.get("/user/ann").text.replace("<strong>", "").replace("</strong>", "")
    assert client.post("/follow/ann").status_code == 403
    assert not User.by_username("bob").is_following(ann)


def test_a_blocked_member_cannot_comment_reply_or_like(client, auth, make_user, ann_blocks_bob):
    ann, bob, post = ann_blocks_bob
    first = post.add_comment(make_user("carol"), "Lovely roses")
    auth.login_as(bob)
    refused = client.post(f"/post/{post.id}", data={"body": "My words stay here"})
    assert refused.status_code == 400
    assert "does not take comments from you" in refused.text
    assert "My words stay here" in refused.text
    reply = client.post(f"/post/{post.id}", data={"body": "A reply", "parent_id": str(first.id)})
    assert reply.status_code == 400
    assert client.post(f"/post/{post.id}/like").status_code == 403
    post.reload()
    assert (post.comment_count, post.like_count) == (1, 0)
    api = client.post(
        f"/api/v1/posts/{post.id}/comments/",
        json={"body": "Through the API"},
        headers=basic_auth(bob.email, "correct horse battery"),
    )
    assert api.status_code == 409 and "does not take comments from you" in api.get_json()["message"]


def test_a_blocked_member_mentioning_you_tells_you_nothing(client, auth, make_user, ann_blocks_bob):
    ann, bob, _post = ann_blocks_bob
    elsewhere = Post.publish(make_user("carol"), "Carol's post", "Hello")
    elsewhere.add_comment(bob, "Hey @ann look at this")
    dave = make_user("dave")
    elsewhere.add_comment(dave, "Hey @ann look too")
    mentions = Notification.objects(recipient=ann.id, kind="mention")
    assert [n.actor for n in mentions] == [dave.id]


def test_others_still_comment_and_unblocking_lets_bob_back(client, auth, make_user, ann_blocks_bob):
    ann, bob, post = ann_blocks_bob
    post.add_comment(make_user("carol"), "Nice")
    auth.login_as(ann)
    page = client.get("/settings/blocked").text
    assert 'href="/user/bob"' in page and 'action="/unblock/bob"' in page
    undone = client.post("/unblock/bob", data={"next": "/settings/blocked"})
    assert undone.location == "/settings/blocked"
    assert "Nobody." in client.get("/settings/blocked").text
    auth.logout()
    auth.login_as(bob)
    assert client.post(f"/post/{post.id}", data={"body": "Thanks"}).status_code == 302


def test_the_profile_offers_block_and_mute_to_signed_in_readers_only(client, auth, make_user):
    make_user("ann")
    assert "/block/ann" not in client.get("/user/ann").text
    auth.login_as(make_user("bob"))
    page = client.get("/user/ann").text
    assert 'href="/settings/blocked">Blocked and muted<' in page  # the account menu
    assert 'action="/block/ann"' in page and 'action="/mute/ann"' in page
    client.post("/mute/ann")
    page = client.get("/user/ann").text
    assert 'action="/unmute/ann"' in page and 'action="/block/ann"' in page


@pytest.mark.parametrize("route", ["block", "unblock", "mute", "unmute"])
def test_an_unknown_member_is_a_404(client, auth, make_user, route):
    auth.login_as(make_user("ann"))
    assert client.post(f"/{route}/nobody").status_code == 404


def test_nobody_blocks_themselves_and_the_lists_are_bounded(client, auth, make_user, monkeypatch):
    ann = make_user("ann")
    auth.login_as(ann)
    page = client.post("/block/ann", follow_redirects=True).text
    assert "You cannot block yourself." in page
    monkeypatch.setattr("site_app.models.blocks.MAX_PER_KIND", 1)
    make_user("bob"), make_user("carol")
    client.post("/mute/bob")
    page = client.post("/mute/carol", follow_redirects=True).text
    assert "You can mute at most 1 members" in page
    assert MemberRule.objects(owner=ann.id, kind="mute").count() == 1
    assert MAX_PER_KIND == 1000


def test_muting_hides_posts_comments_and_notifications_from_you_only(client, auth, make_user):
    ann, bob = make_user("ann"), make_user("bob")
    own = Post.publish(ann, "Ann writes", "Words")
    Post.publish(bob, "Bob shouts", "Noise")
    own.add_comment(bob, "Told before the mute")
    auth.login_as(ann)
    assert "bob</a>" in client.get("/notifications").text
    client.post("/mute/bob")
    assert "bob</a>" not in client.get("/notifications").text
    own.add_comment(bob, "Bob's comment here")
    bob.follow(ann)
    assert "Bob shouts" not in client.get("/").text
    assert "Bob shouts" in client.get("/user/bob").text  # his own profile, opened on purpose
    post_page = client.get(f"/post/{own.id}").text
    assert "Bob's comment here" not in post_page and "A comment by a member you muted." in post_page
    assert Notification.objects(recipient=ann.id).count() == 0
    assert (
        "muted" in client.get("/settings/blocked").text
        and 'action="/unmute/bob"' in client.get("/settings/blocked").text
    )
    # Others, and the shared anonymous pages, still see bob.
    anonymous = client.application.test_client()
    assert "Bob shouts" in anonymous.get("/").text
    assert "Bob's comment here" in anonymous.get(f"/post/{own.id}").text
