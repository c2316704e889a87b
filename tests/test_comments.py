"""Readers comment on posts; moderators hide and show comments."""

import re
import threading

import pytest
from helpers import signed_in_client

from site_app.models import Post


@pytest.fixture
def post(make_user):
    return Post.publish(make_user("wendy"), "A post to discuss", "Body")


def test_reader_comments_and_sees_it_on_the_last_page(app, client, make_user, auth, post):
    app.config["COMMENTS_PER_PAGE"] = 3
    for n in range(4):
        post.add_comment(post.author, f"earlier comment {n}")
    auth.login_as(make_user("rita"))
    response = client.post(f"/post/{post.id}", data={"body": "my **fresh** take"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "my <strong>fresh</strong> take" in page
    assert "5 comments" in page
    assert "earlier comment 0" not in page  # only the last page was loaded
    assert "/avatar/rita" in page


def test_a_post_page_loads_only_one_page_of_comments(app, post):
    for n in range(7):
        post.add_comment(post.author, f"comment {n}")
    loaded, page, pages = Post.with_comment_page(post.id, 2, 3)
    assert (page, pages, loaded.comment_count) == (2, 3, 7)
    assert [c.body for c in loaded.comments] == ["comment 3", "comment 4", "comment 5"]
    assert loaded.title == "A post to discuss"  # the other fields come too
    last, page, _ = Post.with_comment_page(post.id, -1, 3)
    assert page == 3 and [c.body for c in last.comments] == ["comment 6"]


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_empty_or_oversize_comments_are_rejected(client, make_user, auth, post, body):
    auth.login_as(make_user())
    response = client.post(f"/post/{post.id}", data={"body": body})
    assert response.status_code == 400
    assert "is-invalid" in response.text
    assert Post.objects.get(id=post.id).comment_count == 0


def test_anonymous_visitors_cannot_comment(client, post):
    response = client.post(f"/post/{post.id}", data={"body": "hi"})
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert "Log in" in client.get(f"/post/{post.id}").text
    assert Post.objects.get(id=post.id).comment_count == 0


def test_unconfirmed_accounts_cannot_comment(client, make_user, auth, post):
    auth.login_as(make_user(confirmed=False))
    response = client.post(f"/post/{post.id}", data={"body": "hi"})
    assert response.headers["Location"].endswith("/auth/unconfirmed")
    assert Post.objects.get(id=post.id).comment_count == 0


def test_comments_close_at_the_limit(app, client, make_user, auth, post):
    app.config["MAX_COMMENTS_PER_POST"] = 2
    auth.login_as(make_user())
    for n in range(2):
        assert client.post(f"/post/{post.id}", data={"body": f"c{n}"}).status_code == 302
    response = client.post(f"/post/{post.id}", data={"body": "one too many"})
    assert response.status_code == 400
    assert "Comments are closed" in response.text
    assert Post.objects.get(id=post.id).comment_count == 2


def test_fifty_comments_posted_at_once_are_all_kept(app, make_user, post):
    commenters = [make_user(f"c{n}") for n in range(10)]
    statuses = []

    def comment(user):
        client = signed_in_client(app, user)
        for n in range(5):
            statuses.append(
                client.post(f"/post/{post.id}", data={"body": f"{user.username}-{n}"}).status_code
            )

    threads = [threading.Thread(target=comment, args=(u,)) for u in commenters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 50
    stored = Post.objects.get(id=post.id)
    assert stored.comment_count == len(stored.comments) == 50
    assert len({c.id for c in stored.comments}) == 50


def test_deleting_a_comment_keeps_the_count_right(app, post):
    kept = post.add_comment(post.author, "keep")
    gone = post.add_comment(post.author, "remove")
    assert Post.delete_comment(gone.id)
    assert not Post.delete_comment(gone.id)
    stored = Post.objects.get(id=post.id)
    assert stored.comment_count == 1 and [c.id for c in stored.comments] == [kept.id]


# -- moderation --------------------------------------------------------------
# Who may open /moderate is in the permission matrix (tests/test_permissions.py).
def test_moderate_lists_the_newest_comments_across_posts(app, client, make_user, auth, post):
    app.config["COMMENTS_PER_PAGE"] = 2
    other = Post.publish(post.author, "Another post", "Body")
    post.add_comment(post.author, "oldest words")
    other.add_comment(post.author, "middle words")
    post.add_comment(post.author, "newest words")
    auth.login_as(make_user(role="Moderator"))
    page = client.get("/moderate?show=all").text  # the tab after the reports
    assert page.index("newest words") < page.index("middle words")
    assert "oldest words" not in page and "Another post" in page
    assert "oldest words" in client.get("/moderate?show=all&page=2").text
    assert client.get("/moderate?show=all&page=99").location == "/moderate?show=all&page=2"


@pytest.mark.parametrize("role, status", [("User", 403), ("Moderator", 302)])
def test_hiding_and_showing_a_comment(client, make_user, auth, post, role, status):
    comment = post.add_comment(post.author, "rude remark")
    auth.login_as(make_user(role=role))
    assert client.post(f"/moderate/disable/{comment.id}").status_code == status
    hidden = status == 302
    assert Post.find_comment(comment.id).comment.disabled is hidden
    if not hidden:
        return
    # The moderator still sees it, marked, with a button to show it again.
    page = client.get(f"/post/{post.id}").text
    assert "rude remark" in page and "hidden by a moderator" in page
    assert f"/post/{post.id}/comment/{comment.id}/enable" in page
    # Readers see only that it was hidden.
    auth.logout()
    page = client.get(f"/post/{post.id}").text
    assert "rude remark" not in page and "hidden by a moderator" in page
    auth.login_as(make_user("mod2", role="Moderator"))
    client.post(f"/moderate/enable/{comment.id}")
    auth.logout()
    assert "rude remark" in client.get(f"/post/{post.id}").text


def test_moderation_returns_to_the_page_it_came_from_only_if_local(client, make_user, auth, post):
    comment = post.add_comment(post.author, "x")
    auth.login_as(make_user(role="Moderator"))
    back = client.post(f"/moderate/disable/{comment.id}", data={"next": f"/post/{post.id}"})
    assert back.headers["Location"] == f"/post/{post.id}"
    away = client.post(f"/moderate/enable/{comment.id}", data={"next": "https://evil.example/"})
    assert away.headers["Location"] == "/moderate"
    # The same rule as the login page's: a backslash is a slash to browsers.
    sideways = client.post(f"/moderate/disable/{comment.id}", data={"next": "/\\evil.example"})
    assert sideways.headers["Location"] == "/moderate"


@pytest.mark.parametrize("comment_id", ["123", "aaaaaaaaaaaaaaaaaaaaaaaa"])
def test_unknown_comment_ids_are_404(client, make_user, auth, comment_id):
    auth.login_as(make_user(role="Moderator"))
    assert client.post(f"/moderate/disable/{comment_id}").status_code == 404
    assert client.post(f"/moderate/enable/{comment_id}").status_code == 404


def test_moderation_is_post_only(client, make_user, auth, post):
    comment = post.add_comment(post.author, "x")
    auth.login_as(make_user(role="Moderator"))
    assert client.get(f"/moderate/disable/{comment.id}").status_code == 405


def test_comment_markup_is_sanitised(client, make_user, auth, post):
    auth.login_as(make_user())
    client.post(
        f"/post/{post.id}",
        data={"body": "<script>alert(1)</script>[x](javascript:alert(1)) <b onclick=x>hi</b>"},
    )
    page = client.get(f"/post/{post.id}").text
    assert "<script>alert(1)" not in page
    assert "javascript:alert" not in page
    assert "onclick" not in page
    assert re.search(r"<b>hi</b>", page)


def test_a_good_comment_lands_on_itself(app, client, make_user, auth, post):
    auth.login_as(make_user("rita"))
    response = client.post(f"/post/{post.id}", data={"body": "Where do I land?"})
    location = response.headers["Location"]
    comment = Post.objects.get(id=post.id).comments[-1]
    assert location.endswith(f"#comment-{comment.id}")
    assert f'id="comment-{comment.id}"' in client.get(location).text


def test_a_refused_comment_comes_back_on_the_form_with_its_error(client, make_user, auth, post):
    auth.login_as(make_user("rita"))
    response = client.post(f"/post/{post.id}", data={"body": "   "})
    assert response.status_code == 400
    page = response.text
    # The form posts to its own fragment, so the browser shows the answer
    # scrolled to the form, where the error is.
    form = re.search(r'<form[^>]*id="comment-form"[^>]*>', page)
    assert form and f'action="/post/{post.id}#comment-form"' in form.group(0)
    assert page.index('id="comment-form"') < page.index("invalid-feedback")


def test_a_moderator_returns_to_the_comment_they_hid(app, client, make_user, auth, post):
    app.config["COMMENTS_PER_PAGE"] = 3
    for n in range(5):
        post.add_comment(post.author, f"comment {n}")
    target = Post.objects.get(id=post.id).comments[4]
    auth.login_as(make_user("mo", role="Moderator"))
    page = client.get(f"/post/{post.id}?page=2").text
    hide = f"/post/{post.id}/comment/{target.id}/disable"
    next_field = re.search(rf'action="{hide}".*?name="next" value="([^"]+)"', page, re.S).group(1)
    response = client.post(hide, data={"next": next_field})
    assert response.headers["Location"] == f"/post/{post.id}?page=2#comment-{target.id}"


def test_the_queue_can_show_only_hidden_comments(client, make_user, auth, post):
    for n in range(4):
        post.add_comment(post.author, f"comment {n}")
    comments = Post.objects.get(id=post.id).comments
    for hidden in (comments[1], comments[3]):
        Post.set_comment_disabled(hidden.id, True)
    auth.login_as(make_user("mo", role="Moderator"))
    everything = client.get("/moderate?show=all").text
    assert all(f"comment {n}" in everything for n in range(4))
    page = client.get("/moderate?show=hidden").text
    assert "2 hidden comments" in page
    assert "comment 3" in page and "comment 1" in page
    assert "comment 0" not in page and "comment 2" not in page
    assert page.index("comment 3") < page.index("comment 1")  # newest first
    assert 'href="/moderate?show=hidden" aria-current="page"' in page


def test_the_hidden_queue_pages_and_says_when_it_is_empty(app, client, make_user, auth, post):
    app.config["COMMENTS_PER_PAGE"] = 2
    auth.login_as(make_user("mo", role="Moderator"))
    assert "No hidden comments." in client.get("/moderate?show=hidden").text
    for n in range(5):
        post.add_comment(post.author, f"hidden {n}")
    for comment in Post.objects.get(id=post.id).comments:
        Post.set_comment_disabled(comment.id, True)
    page = client.get("/moderate?show=hidden&page=3").text
    assert "hidden 0" in page and "hidden 1" not in page
    assert 'href="/moderate?page=2&amp;show=hidden"' in page


def test_comments_read_oldest_or_newest_first(app, client, make_user, post):
    app.config["COMMENTS_PER_PAGE"] = 2
    writer = make_user("ana")
    tops = [post.add_comment(writer, f"thread {n}") for n in range(5)]
    post.add_comment(writer, "first answer to 4", parent_id=tops[4].id)
    post.add_comment(writer, "second answer to 4", parent_id=tops[4].id)
    oldest = client.get(f"/post/{post.id}").text
    assert "thread 0" in oldest and "thread 4" not in oldest
    newest = client.get(f"/post/{post.id}?sort=newest").text
    assert (
        newest.index("thread 4")
        < newest.index("first answer to 4")
        < newest.index("second answer to 4")
        < newest.index("thread 3")
    )
    assert "thread 2" not in newest
    assert f'href="/post/{post.id}?sort=newest#comments" aria-current="page">Newest first' in newest
    assert f'href="/post/{post.id}?page=2&amp;sort=newest#comments"' in newest  # the pager keeps it
    assert "thread 0" in client.get(f"/post/{post.id}?page=3&sort=newest").text
    assert client.get(f"/post/{post.id}?sort=bogus").text.count("thread 0") == 1  # oldest first
    permalink = client.get(f"/post/{post.id}/comment/{tops[0].id}?sort=newest")
    assert permalink.headers["Location"] == f"/post/{post.id}?page=3&sort=newest#comment-{tops[0].id}"


def test_the_pager_has_next_and_a_separate_last(app, client, make_user, post):
    app.config["COMMENTS_PER_PAGE"] = 2
    for n in range(7):
        post.add_comment(post.author, f"thread {n}")
    first = client.get(f"/post/{post.id}").text
    assert f'href="/post/{post.id}?page=2#comments" aria-label="Next page">&raquo;</a>' in first
    assert f'href="/post/{post.id}?page=4#comments" aria-label="Last page">Last</a>' in first
    last = client.get(f"/post/{post.id}?page=4").text
    assert 'aria-label="Last page"' not in last and "Last page</span>" in last
