"""Readers are told when something concerns them: a new follower, a
comment on their post, a reply to their comment, a mention, likes (grouped
per post). Mentions link to profiles of members only."""

import re

import pytest
from helpers import basic_auth, signed_in_client

from site_app.models import Notification, Post, User
from site_app.models.signals import post_liked, user_followed

PASSWORD = "correct horse battery"


@pytest.fixture
def ana(make_user):
    return make_user("ana")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


def kinds(user):
    return sorted(n.kind for n in Notification.objects(recipient=user.id))


def counted(user):
    """(kind, events told) of each of the reader's notifications."""
    return sorted((n.kind, n.count) for n in Notification.objects(recipient=user.id))


def like(post, user):
    """What the likes feature sends when a like is added."""
    post_liked.send(Post, post=post.id, user=user.id, author=post.author.id)


# -- mentions ----------------------------------------------------------------
def test_a_mention_links_members_only_with_one_query(app, ana, bob, db_ops):
    with db_ops() as ops:
        post = Post.publish(ana, "Hello", "Thanks @bob, @nobody and @ana. Mail bob@example.com")
    html = Post.objects.get(id=post.id).body_html
    assert '<a href="/user/bob"' in html and "@nobody" in html and 'href="/user/nobody"' not in html
    assert "bob@example.com" in html and html.count("<a ") == 2
    user_reads = [op for op in ops.operations if op[0] == "users" and op[1].startswith("find")]
    assert len(user_reads) == 1  # every name of the text in one query
    assert kinds(bob) == ["mention"] and kinds(ana) == []  # not told of their own mention


def test_a_mention_is_told_once_per_text_not_on_every_edit(client, auth, ana, bob, make_user):
    post = Post.publish(ana, "Hello", "Hi @bob")
    for body in ("Hi @bob!", "Hi again @bob"):
        Post.objects.get(id=post.id).edit("Hello", body, "")
    assert kinds(bob) == ["mention"]

    cy = make_user("cy")
    comment = post.add_comment(cy, "agreed, @bob")
    Post.edit_comment(comment.id, "agreed, @bob (edited)")
    assert counted(bob) == [("mention", 2)]  # the post, and the comment: grouped per post


def test_edits_never_tell_more_members_than_one_text_may_mention(ana, make_user):
    """Each edit could name MENTIONS_PER_TEXT new members: a text tells the
    members it names when it is first published, and edits tell nobody new."""
    from site_app.markup import MENTIONS_PER_TEXT

    members = [make_user(f"m{n}") for n in range(3 * MENTIONS_PER_TEXT)]
    batches = [members[n : n + MENTIONS_PER_TEXT] for n in range(0, len(members), MENTIONS_PER_TEXT)]

    def naming(batch):
        return " ".join(f"@{member.username}" for member in batch)

    post = Post.publish(ana, "Hello", naming(batches[0]))
    comment = post.add_comment(ana, naming(batches[0]))
    for batch in batches[1:]:
        Post.objects.get(id=post.id).edit("Hello", naming(batch), "")
        Post.edit_comment(comment.id, naming(batch))
    told = Notification.objects(kind="mention").distinct("recipient")
    assert sorted(told) == sorted(member.id for member in batches[0])
    for member in batches[0]:  # the post and the comment, grouped per post
        assert counted(member) == [("mention", 2)]
    html = Post.objects.get(id=post.id).body_html
    assert f'href="/user/{batches[-1][0].username}"' in html  # edits still link members


def test_a_comment_that_mentions_the_post_author_tells_them_once(ana, bob, make_user):
    post = Post.publish(ana, "Hello", "Body")
    top = post.add_comment(bob, "nice, @ana")
    assert kinds(ana) == ["comment"]
    cy = make_user("cy")
    post.add_comment(cy, "@bob @ana I agree", parent_id=top.id)
    assert counted(ana) == [("comment", 2)] and counted(bob) == [("reply", 1)]


# -- notifications -------------------------------------------------------------
def test_comments_and_replies_tell_the_author_and_the_answered(ana, bob, make_user):
    post = Post.publish(ana, "Hello", "Body")
    top = post.add_comment(bob, "a comment")
    cy = make_user("cy")
    cys = post.add_comment(cy, "a reply", parent_id=top.id)
    post.add_comment(ana, "the author answers cy", parent_id=cys.id)
    assert counted(ana) == [("comment", 2)]  # bob's and cy's, not her own
    assert counted(bob) == [("reply", 2)]  # his thread
    assert counted(cy) == [("reply", 1)]  # answered directly, in bob's thread
    # The post's author answered in her own thread: told once, as a reply.
    own = post.add_comment(ana, "my own thread")
    post.add_comment(bob, "answering ana", parent_id=own.id)
    assert counted(ana) == [("comment", 2), ("reply", 1)]


def test_follows_are_told_once(ana, bob):
    for _ in range(2):  # a follow, an unfollow, a follow again
        user_followed.send(User, follower=bob.id, followed=ana.id)
    user_followed.send(User, follower=ana.id, followed=ana.id)
    assert kinds(ana) == ["follow"]


def test_likes_of_one_post_are_grouped_when_written(client, ana, make_user):
    post = Post.publish(ana, "Liked", "Body")
    fans = [make_user(f"fan{n}") for n in range(5)]
    for fan in fans:
        like(post, fan)
    like(post, fans[0])  # liked again after an unlike: not counted twice
    like(post, ana)  # her own like: never told

    grouped = Notification.objects(recipient=ana.id)
    assert grouped.count() == 1
    assert grouped.first().count == 5

    page = signed_in_client(client.application, ana).get("/notifications").text
    assert "fan4</a>" in page and "and 4 others" in page and "liked" in page  # the latest liker named


def test_the_page_lists_newest_first_marks_read_and_the_navbar_counts(app, ana, bob):
    post = Post.publish(ana, "Hello", "Body")
    post.add_comment(bob, "first")
    user_followed.send(User, follower=bob.id, followed=ana.id)
    reader = signed_in_client(app, ana)

    home = reader.get("/").text
    assert "Notifications" in home and ">2<span" in home.replace(" ", "")
    page = reader.get("/notifications").text
    assert page.index("started following you") < page.index("commented on")
    assert page.count(">new<") == 2
    assert Notification.unread_count(ana.id) == 0
    again = reader.get("/notifications").text
    assert ">new<" not in again
    assert "unread" not in reader.get("/").text


def test_notifications_are_paged(app, ana, make_user):
    for n in range(23):
        user_followed.send(User, follower=make_user(f"f{n}").id, followed=ana.id)
    reader = signed_in_client(app, ana)
    first = reader.get("/notifications").text
    assert first.count('class="notification ') == 20 and "f22" in first
    second = reader.get("/notifications?page=2").text
    assert second.count('class="notification ') == 3 and "f0<" in second


def test_the_page_needs_an_account(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/api/v1/notifications/").status_code == 401


def test_the_api_lists_notifications_without_marking_them(client, ana, bob):
    post = Post.publish(ana, "Hello", "Hi")
    comment = post.add_comment(bob, "hello @ana")  # told once, as a comment
    answer = client.get("/api/v1/notifications/", headers=basic_auth(ana.email, PASSWORD))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["count"] == 1 and {n["kind"] for n in body["notifications"]} == {"comment"}
    told = body["notifications"][0]
    assert told["actor"] == "bob" and told["read"] is False
    assert told["comment_url"].endswith(f"/api/v1/posts/{post.id}/comments/{comment.id}")
    assert Notification.unread_count(ana.id) == 1


def test_a_deleted_user_or_post_takes_its_notifications_along(ana, bob):
    post = Post.publish(ana, "Hello", "Hi @bob")
    post.add_comment(bob, "a comment")
    user_followed.send(User, follower=bob.id, followed=ana.id)
    assert Notification.objects.count() == 3
    post.remove()
    assert kinds(ana) == ["follow"] and kinds(bob) == []
    ana.delete()
    assert Notification.objects.count() == 0
    user_followed.send(User, follower=ana.id, followed=bob.id)
    User.objects(id=bob.id).delete()  # a bulk deletion is followed too
    assert Notification.objects.count() == 0


def test_a_notification_that_cannot_be_stored_does_not_fail_the_comment(client, auth, ana, bob, monkeypatch):
    post = Post.publish(ana, "Hello", "Body")

    def broken(*args, **kwargs):
        raise RuntimeError("notifications are down")

    monkeypatch.setattr(Notification, "notify_about_post", broken)
    auth.login_as(bob)
    response = client.post(f"/post/{post.id}", data={"body": "still posted"})
    assert response.status_code == 302
    assert Post.objects.get(id=post.id).comment_count == 1


def test_notifications_expire_after_90_days(app):
    info = Notification._get_collection().index_information()
    ttl = [index for index in info.values() if "expireAfterSeconds" in index]
    assert len(ttl) == 1 and ttl[0]["key"] == [("created", 1)]
    assert ttl[0]["expireAfterSeconds"] == 90 * 24 * 3600


def test_the_daily_digest_is_off_by_default_and_mails_unread_notifications(
    app, runner, outbox, ana, bob, make_user
):
    post = Post.publish(ana, "Harbour notes", "Body")
    post.add_comment(bob, "lovely")
    user_followed.send(User, follower=bob.id, followed=ana.id)
    user_followed.send(User, follower=ana.id, followed=bob.id)
    signed_in_client(app, bob).get("/notifications")  # bob has read his

    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0 and "off" in result.output and outbox == []

    app.config["NOTIFICATION_DIGEST"] = True
    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0 and "1 digest sent." in result.output
    (message,) = outbox
    assert message.recipients == ["ana@example.com"]
    assert "2 new" in message.subject
    assert "bob started following you" in message.body
    assert 'bob commented on "Harbour notes"' in message.body
    assert "http://127.0.0.1:5000/notifications" in message.body  # on SITE_URL


# -- grouped per post, read, gone --------------------------------------------
def badge(page):
    """The navbar's unread count as a reader sees it (None: no badge)."""
    found = re.search(r'text-bg-danger">(\d+)<span class="visually-hidden"> unread', page)
    return int(found.group(1)) if found else None


def test_many_comments_on_a_post_are_one_row_with_the_latest_excerpt(app, ana, make_user):
    post = Post.publish(ana, "Lantern notes", "Body")
    for n in range(25):
        post.add_comment(make_user(f"fan{n}"), f"Comment number {n} with **some** words")
    page = signed_in_client(app, ana).get("/notifications").text
    assert page.count('class="notification ') == 1
    assert "25 new comments on" in page and ">Lantern notes</a>" in page
    assert "fan24: “Comment number 24 with some words.”" in page
    assert "fan3:" not in page


def test_a_group_read_and_commented_on_again_counts_only_the_new(app, ana, bob, make_user):
    post = Post.publish(ana, "Lantern notes", "Body")
    for n in range(3):
        post.add_comment(bob, f"comment {n}")
    reader = signed_in_client(app, ana)
    assert "3 new comments on" in reader.get("/notifications").text
    assert "3 comments on" in reader.get("/notifications").text  # read: no longer new
    post.add_comment(make_user("cy"), "one more")
    page = reader.get("/notifications").text
    assert ">new<" in page and "cy</a>" in page and "commented on" in page
    assert page.count('class="notification ') == 1


def test_opening_the_page_leaves_the_badge_counting_what_is_left(app, ana, make_user):
    for n in range(23):
        user_followed.send(User, follower=make_user(f"f{n}").id, followed=ana.id)
    reader = signed_in_client(app, ana)
    assert badge(reader.get("/").text) == 23
    first = reader.get("/notifications").text
    assert first.count(">new<") == 20
    assert badge(first) == 3  # the 3 on the next page, unseen yet
    assert badge(reader.get("/").text) == 3


def test_mark_all_as_read(app, ana, make_user):
    for n in range(23):
        user_followed.send(User, follower=make_user(f"f{n}").id, followed=ana.id)
    reader = signed_in_client(app, ana)
    assert 'action="/notifications/read-all"' in reader.get("/notifications").text
    response = reader.post("/notifications/read-all")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    page = reader.get("/notifications").text
    assert badge(page) is None and "Every notification is marked read." in page
    assert 'action="/notifications/read-all"' not in page
    assert reader.get("/notifications?page=2").text.count(">new<") == 0
    assert reader.get("/notifications/read-all").status_code == 405


def test_a_mention_whose_comment_was_deleted_no_longer_links_to_it(app, ana, bob, make_user):
    post = Post.publish(make_user("cy"), "Harbour", "Body")
    gone = post.add_comment(bob, "hello @ana")
    Post.delete_comment(gone.id)
    reader = signed_in_client(app, ana)
    page = reader.get("/notifications").text
    assert str(gone.id) not in page and "hello" not in page
    assert 'class="notification ' not in page


def test_a_group_whose_latest_comment_was_deleted_links_to_the_post(app, ana, bob):
    post = Post.publish(ana, "Harbour", "Body")
    post.add_comment(bob, "first")
    gone = post.add_comment(bob, "second, soon gone")
    Post.delete_comment(gone.id)
    page = signed_in_client(app, ana).get("/notifications").text
    assert str(gone.id) not in page and "soon gone" not in page
    assert f'<a href="/post/{post.id}">Harbour</a>' in page
