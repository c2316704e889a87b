"""Readers answer each other: a reply sits under the comment it answers,
one level deep, in the same post document, and the post page pages by
top-level comment."""

import threading

import pytest
from helpers import basic_auth, signed_in_client

from site_app.models import Post
from site_app.models.signals import comment_posted


@pytest.fixture
def post(make_user):
    return Post.publish(make_user("wendy"), "A post to discuss", "Body")


def stored(post):
    return Post._get_collection().find_one({"_id": post.id})


def test_a_reader_replies_through_the_reply_link(client, make_user, auth, post):
    first = post.add_comment(make_user("ana"), "What about tabs?")
    auth.login_as(make_user("rita"))

    page = client.get(f"/post/{post.id}").text
    assert f"reply_to={first.id}" in page  # a Reply link, no script needed
    form_page = client.get(f"/post/{post.id}?page=1&reply_to={first.id}").text
    assert "Replying to" in form_page and f'value="{first.id}"' in form_page

    response = client.post(
        f"/post/{post.id}?page=1&reply_to={first.id}",
        data={"body": "Spaces, always.", "parent_id": str(first.id)},
    )
    assert response.status_code == 302
    reply = stored(post)["comments"][1]
    assert reply["parent"] == first.id
    assert response.headers["Location"].endswith(f"#comment-{reply['id']}")

    shown = client.get(response.headers["Location"]).text
    # Under its parent: inside the parent's item, in the replies list.
    parent_item = shown[shown.index(f'id="comment-{first.id}"') :]
    assert parent_item.index("comment-replies") < parent_item.index("Spaces, always.")


def test_a_reply_to_a_reply_joins_the_same_parent(make_user, post):
    top = post.add_comment(make_user("ana"), "top")
    reply = post.add_comment(make_user("bob"), "reply", parent_id=top.id)
    deeper = post.add_comment(make_user("cy"), "reply to the reply", parent_id=str(reply.id))
    assert reply.parent == top.id and deeper.parent == top.id
    doc = stored(post)
    assert (doc["comment_count"], doc["reply_count"]) == (3, 2)


def test_the_post_page_pages_by_top_level_comment(app, client, make_user, post):
    app.config["COMMENTS_PER_PAGE"] = 2
    writer = make_user("ana")
    tops = [post.add_comment(writer, f"top {n}") for n in range(3)]
    for n in range(4):  # replies do not push their parent's siblings to another page
        post.add_comment(writer, f"reply {n} to top 0", parent_id=tops[0].id)

    first = client.get(f"/post/{post.id}").text
    assert "top 0" in first and "top 1" in first and "top 2" not in first
    assert all(f"reply {n} to top 0" in first for n in range(4))
    assert "7 comments" in first
    second = client.get(f"/post/{post.id}?page=2").text
    assert "top 2" in second and "top 0" not in second and "reply 0" not in second
    assert "?page=3" not in first  # two pages: three threads, two a page

    api = client.get(f"/api/v1/posts/{post.id}/comments/?page=1", headers=_basic("ana@example.com"))
    body = api.get_json()
    assert body["count"] == 3
    assert [c["parent_id"] for c in body["comments"]].count(str(tops[0].id)) == 4


def _basic(email):
    return basic_auth(email, "correct horse battery")


def test_a_reply_to_an_unknown_or_other_posts_comment_loses_nothing(client, make_user, auth, post):
    other = Post.publish(post.author, "Another post", "Body")
    elsewhere = other.add_comment(post.author, "on the other post")
    auth.login_as(make_user("rita"))

    for parent in (str(elsewhere.id), "0" * 24, "not-an-id"):
        response = client.post(f"/post/{post.id}", data={"body": "my careful answer", "parent_id": parent})
        assert response.status_code == 400, parent
        page = response.text
        assert "my careful answer" in page  # the text is kept for another try
        assert "The comment you answered was deleted" in page
    assert stored(post).get("comments", []) == []


def test_a_reply_to_a_comment_deleted_meanwhile_is_refused_not_orphaned(make_user, post):
    from site_app.models import CommentGone

    top = post.add_comment(make_user("ana"), "soon gone")
    Post.delete_comment(top.id)
    with pytest.raises(CommentGone):
        post.add_comment(make_user("bob"), "too late", parent_id=top.id)
    doc = stored(post)
    assert doc["comments"] == [] and doc["comment_count"] == 0 and doc["reply_count"] == 0


def test_every_comment_and_reply_is_announced(make_user, post):
    heard = []

    def listen(sender, **kwargs):
        heard.append(kwargs)

    comment_posted.connect(listen)
    try:
        ana = make_user("ana")
        top = post.add_comment(ana, "top")
        reply = post.add_comment(post.author, "reply", parent_id=top.id)
    finally:
        comment_posted.disconnect(listen)
    assert heard == [
        {
            "post": post.id,
            "comment": top.id,
            "author": ana.id,
            "parent": None,
            "answered": None,
            "answered_author": None,
            "mentioned": [],
            "html": "<p>top</p>",
        },
        {
            "post": post.id,
            "comment": reply.id,
            "author": post.author.id,
            "parent": top.id,
            "answered": top.id,
            "answered_author": ana.id,
            "mentioned": [],
            "html": "<p>reply</p>",
        },
    ]


def test_twenty_readers_replying_at_once_lose_nothing(app, make_user, post):
    """Replies and top-level comments race on one post: all land exactly
    once, each under its parent, and the counts equal what is stored."""
    tops = [post.add_comment(post.author, f"thread {n}") for n in range(4)]
    readers = [make_user(f"reader{i}") for i in range(20)]
    barrier = threading.Barrier(len(readers))
    errors = []

    def run(i):
        try:
            client = signed_in_client(app, readers[i])
            barrier.wait(timeout=10)
            for n in range(3):
                data = {"body": f"answer {i}-{n}"}
                if (i + n) % 3:
                    data["parent_id"] = str(tops[(i + n) % 4].id)
                assert client.post(f"/post/{post.id}", data=data).status_code == 302
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(len(readers))]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not errors, errors[0]

    doc = stored(post)
    bodies = sorted(c["body"] for c in doc["comments"][4:])
    assert bodies == sorted(f"answer {i}-{n}" for i in range(20) for n in range(3))
    replies = [c for c in doc["comments"] if c.get("parent")]
    assert doc["comment_count"] == len(doc["comments"]) == 64
    assert doc["reply_count"] == len(replies) == sum(1 for i in range(20) for n in range(3) if (i + n) % 3)
    for reply in replies:
        i, n = map(int, reply["body"].split()[1].split("-"))
        assert reply["parent"] == tops[(i + n) % 4].id


def test_a_comments_own_address_opens_the_page_that_shows_it(app, client, make_user, post):
    app.config["COMMENTS_PER_PAGE"] = 2
    writer = make_user("ana")
    tops = [post.add_comment(writer, f"top {n}") for n in range(5)]
    reply = post.add_comment(writer, "late reply to top 2", parent_id=tops[2].id)

    for comment, page in ((tops[0], 1), (tops[3], 2), (reply, 2), (tops[4], 3)):
        response = client.get(f"/post/{post.id}/comment/{comment.id}")
        assert response.status_code == 302
        assert response.headers["Location"] == (f"/post/{post.id}?page={page}#comment-{comment.id}")
    assert "late reply to top 2" in client.get(f"/post/{post.id}?page=2").text
    assert client.get(f"/post/{post.id}/comment/{'0' * 24}").status_code == 404
    assert client.get(f"/post/{'0' * 24}/comment/{tops[0].id}").status_code == 404


def test_the_old_address_of_a_comment_moves_to_one_with_its_post(client, auth, make_user, post):
    ana = make_user("ana")
    comment = post.add_comment(ana, "hello")
    auth.login_as(ana)
    response = client.get(f"/comment/{comment.id}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/post/{post.id}/comment/{comment.id}"
    edit = client.get(f"/comment/{comment.id}/edit?next=/somewhere")
    assert edit.status_code == 301
    assert edit.headers["Location"] == f"/post/{post.id}/comment/{comment.id}/edit?next=/somewhere"
    assert client.get(f"/comment/{'0' * 24}").status_code == 404
