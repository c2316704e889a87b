"""A new account publishes a few posts and comments in its first day; the
refusal keeps what was typed. Links in comments are nofollow ugc."""

from datetime import timedelta

import pytest
from helpers import basic_auth

from site_app.models import Post, User
from site_app.models.blocks import block, unblock
from site_app.models.first_day import FirstDay

PASSWORD = "correct horse battery"


@pytest.fixture
def limits(app):
    app.config.update(NEW_ACCOUNT_DAILY_POSTS=2, NEW_ACCOUNT_DAILY_COMMENTS=2)


def write(client, title):
    return client.post("/write", data={"title": title, "body": f"The words of {title}"})


def test_a_new_account_writes_a_few_posts_then_is_told_and_keeps_its_text(client, auth, make_user, limits):
    auth.login_as(make_user("newbie"))
    assert [write(client, f"Post {n}").status_code for n in range(2)] == [302, 302]
    refused = write(client, "Third post")
    assert refused.status_code == 400
    assert "New accounts may publish 2 posts in their first day" in refused.text
    assert "Third post" in refused.text and "The words of Third post" in refused.text
    assert Post.objects.count() == 2


def test_a_new_account_comments_a_few_times(client, auth, make_user, limits):
    post = Post.publish(make_user("writer"), "A post", "Body")
    auth.login_as(make_user("newbie"))
    sent = [client.post(f"/post/{post.id}", data={"body": f"Comment {n}"}).status_code for n in range(2)]
    assert sent == [302, 302]
    refused = client.post(f"/post/{post.id}", data={"body": "My third comment"})
    assert refused.status_code == 400
    assert "New accounts may publish 2 comments in their first day" in refused.text
    assert "My third comment" in refused.text
    post.reload()
    assert post.comment_count == 2


def test_an_account_older_than_a_day_is_not_limited(client, auth, make_user, limits):
    old = make_user("old")
    User.objects(id=old.id).update_one(set__member_since=old.member_since - timedelta(days=2))
    auth.login_as(old)
    assert [write(client, f"Post {n}").status_code for n in range(3)] == [302, 302, 302]
    assert FirstDay.objects.count() == 0


def test_a_refused_comment_gives_its_allowance_back(client, auth, make_user, limits):
    writer = make_user("writer")
    post = Post.publish(writer, "A post", "Body")
    newbie = make_user("newbie")
    block(writer, newbie)
    auth.login_as(newbie)
    for n in range(3):  # refused inside the allowance: none of them is counted
        assert client.post(f"/post/{post.id}", data={"body": f"Try {n}"}).status_code == 400
    unblock(writer, newbie)
    sent = [client.post(f"/post/{post.id}", data={"body": f"Comment {n}"}).status_code for n in range(3)]
    assert sent == [302, 302, 400]


def test_the_api_answers_429_with_retry_after(client, make_user, limits):
    newbie = make_user("newbie")
    headers = basic_auth(newbie.email, PASSWORD)
    for n in range(2):
        assert (
            client.post("/api/v1/posts/", json={"title": f"P{n}", "body": "B"}, headers=headers).status_code
            == 201
        )
    refused = client.post("/api/v1/posts/", json={"title": "P3", "body": "B"}, headers=headers)
    assert refused.status_code == 429
    assert "first day" in refused.get_json()["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
    post = Post.objects.first()
    for n in range(2):
        assert (
            client.post(
                f"/api/v1/posts/{post.id}/comments/", json={"body": f"c{n}"}, headers=headers
            ).status_code
            == 201
        )
    assert (
        client.post(f"/api/v1/posts/{post.id}/comments/", json={"body": "c3"}, headers=headers).status_code
        == 429
    )


def test_links_in_a_new_accounts_comment_are_nofollow_ugc(client, auth, make_user, limits):
    post = Post.publish(make_user("writer"), "A post", "Body")
    auth.login_as(make_user("newbie"))
    client.post(f"/post/{post.id}", data={"body": "Visit [my shop](https://shop.example/)"})
    page = client.get(f"/post/{post.id}").text
    assert '<a href="https://shop.example/" rel="noopener nofollow ugc">my shop</a>' in page


def test_comments_sent_at_once_cannot_pass_the_limit(app, make_user, limits):
    from concurrent.futures import ThreadPoolExecutor

    from helpers import signed_in_client

    post = Post.publish(make_user("writer"), "A post", "Body")
    newbie = make_user("newbie")
    browsers = [signed_in_client(app, newbie) for _ in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(
            pool.map(
                lambda pair: (
                    pair[1].post(f"/post/{post.id}", data={"body": f"At once {pair[0]}"}).status_code
                ),
                enumerate(browsers),
            )
        )
    assert sorted(answers) == [302, 302, 400, 400, 400, 400]
    post.reload()
    assert post.comment_count == 2
