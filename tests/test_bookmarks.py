"""Readers save posts for later: a toggle on every post and card, and
``/bookmarks``, newest saved first, paginated, private to its reader."""

import re
import threading

import pytest
from helpers import signed_in_client

from site_app.models import Bookmark, Post


@pytest.fixture
def posts(make_user):
    writer = make_user("wendy")
    return [Post.publish(writer, f"Post {n}", f"Body {n}", "light") for n in range(3)]


def test_a_reader_bookmarks_posts_and_finds_them_newest_saved_first(client, auth, make_user, posts):
    auth.login_as(make_user("rita"))
    for post in (posts[0], posts[2], posts[1]):
        response = client.post(f"/bookmark/{post.id}")
        assert response.status_code == 302 and response.headers["Location"] == f"/post/{post.id}"
    page = client.get("/bookmarks").text
    assert "3 saved posts" in page
    assert page.index("Post 1") < page.index("Post 2") < page.index("Post 0")
    assert page.count(">Remove bookmark<") == 3


def test_bookmarking_again_removes_it(client, auth, make_user, posts):
    auth.login_as(make_user("rita"))
    client.post(f"/bookmark/{posts[0].id}")
    assert ">Remove bookmark<" in client.get(f"/post/{posts[0].id}").text
    client.post(f"/bookmark/{posts[0].id}", data={"next": "/bookmarks"})
    assert ">Bookmark<" in client.get(f"/post/{posts[0].id}").text
    assert "0 saved posts" in client.get("/bookmarks").text


def test_bookmarks_are_paginated(app, client, auth, make_user, posts):
    app.config["POSTS_PER_PAGE"] = 2
    auth.login_as(make_user("rita"))
    for post in posts:
        client.post(f"/bookmark/{post.id}")
    first = client.get("/bookmarks").text
    assert "Post 2" in first and "Post 1" in first and "Post 0" not in first
    older = re.search(r'href="(/bookmarks\?after=[^"]+)" aria-label="Older page"', first)
    second = client.get(older.group(1)).text
    assert "Post 0" in second and "Post 2" not in second
    assert client.get("/bookmarks?page=2").text.count("Post 0") == second.count("Post 0")


def test_bookmarks_are_private_and_need_an_account(client, auth, make_user, posts):
    Bookmark.toggle(make_user("sam"), posts[0])
    response = client.get("/bookmarks")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.post(f"/bookmark/{posts[0].id}").status_code == 302
    auth.login_as(make_user("rita"))
    assert "0 saved posts" in client.get("/bookmarks").text
    assert client.post("/bookmark/0123456789abcdef01234567").status_code == 404
    assert client.get(f"/bookmark/{posts[0].id}").status_code == 405


def test_the_buttons_show_only_to_signed_in_readers(client, auth, make_user, posts):
    assert ">Bookmark<" not in client.get("/").text
    auth.login_as(make_user("rita"))
    assert client.get("/").text.count(">Bookmark<") == 3


def test_concurrent_clicks_leave_at_most_one_bookmark(app, make_user, posts):
    rita = make_user("rita")
    barrier = threading.Barrier(10)

    def click():
        client = signed_in_client(app, rita)
        barrier.wait(timeout=10)
        client.post(f"/bookmark/{posts[0].id}")

    threads = [threading.Thread(target=click) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Bookmark.objects(user=rita.id).count() in (0, 1)  # ten toggles: either end is right


def test_a_deleted_post_or_account_takes_its_bookmarks(client, auth, make_user, posts):
    rita, sam = make_user("rita"), make_user("sam")
    for post in posts:
        Bookmark.toggle(rita, post)
        Bookmark.toggle(sam, post)
    auth.login_as(posts[0].author)
    client.post(f"/delete/{posts[0].id}")
    assert Bookmark.objects(post=posts[0].id).count() == 0
    assert Bookmark.objects.count() == 4
    sam.delete()
    assert Bookmark.objects(user=sam.id).count() == 0 and Bookmark.objects.count() == 2
