"""A comment's author edits or deletes it; moderators delete any comment;
everyone else gets 403. The same through the API."""

import pytest
from helpers import basic_auth

from site_app.models import Post

PASSWORD = "correct horse battery"


@pytest.fixture
def post(make_user):
    return Post.publish(make_user("wendy"), "A post to discuss", "Body")


@pytest.fixture
def ana(make_user):
    return make_user("ana")


def stored_comments(post):
    return Post._get_collection().find_one({"_id": post.id}).get("comments", [])


def test_the_author_edits_a_comment_and_it_shows_as_edited(client, auth, ana, post):
    comment = post.add_comment(ana, "frist")
    auth.login_as(ana)
    page = client.get(f"/post/{post.id}").text
    edit = f"/post/{post.id}/comment/{comment.id}/edit"
    assert edit in page

    form = client.get(f"{edit}?next=/post/{post.id}")
    assert form.status_code == 200 and "frist" in form.text
    response = client.post(f"{edit}?next=/post/{post.id}", data={"body": "first, *really*"})
    assert response.status_code == 302  # at the comment, not the top of its post
    assert response.headers["Location"] == f"/post/{post.id}?page=1#comment-{comment.id}"

    page = client.get(f"/post/{post.id}").text
    assert "first, <em>really</em>" in page and "frist" not in page
    assert "edited" in page
    kept = stored_comments(post)[0]
    assert kept["edited"] is not None and kept["timestamp"] == comment.timestamp.replace(
        microsecond=comment.timestamp.microsecond // 1000 * 1000
    )
    stored = Post._get_collection().find_one({"_id": post.id})
    from site_app.models.sizes import comment_bytes

    assert stored["comment_bytes"] == comment_bytes(stored["comments"])  # moved by the difference


def test_an_empty_edit_is_refused_and_keeps_what_was_typed(client, auth, ana, post):
    comment = post.add_comment(ana, "original words")
    auth.login_as(ana)
    response = client.post(f"/comment/{comment.id}/edit", data={"body": "   "})
    assert response.status_code == 400
    assert stored_comments(post)[0]["body"] == "original words"


@pytest.mark.parametrize("role", ["User", "Moderator"])
def test_only_the_author_may_edit(client, auth, make_user, ana, post, role):
    comment = post.add_comment(ana, "mine")
    auth.login_as(make_user("other", role=role))
    edit = f"/post/{post.id}/comment/{comment.id}/edit"
    assert client.get(edit).status_code == 403
    assert client.post(edit, data={"body": "theirs"}).status_code == 403
    assert client.post(f"/comment/{comment.id}/edit", data={"body": "theirs"}).status_code == 403
    assert stored_comments(post)[0]["body"] == "mine"
    assert f"/comment/{comment.id}/edit" not in client.get(f"/post/{post.id}").text


def test_strangers_may_not_delete_and_anonymous_visitors_are_sent_to_log_in(
    client, auth, make_user, ana, post
):
    comment = post.add_comment(ana, "mine")
    response = client.post(f"/comment/{comment.id}/delete")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    auth.login_as(make_user("stranger"))
    assert client.post(f"/comment/{comment.id}/delete").status_code == 403
    assert len(stored_comments(post)) == 1


@pytest.mark.parametrize("deleter", ["author", "moderator"])
def test_the_author_or_a_moderator_deletes_a_comment(client, auth, make_user, ana, post, deleter):
    comment = post.add_comment(ana, "regrettable")
    auth.login_as(ana if deleter == "author" else make_user("mod", role="Moderator"))
    response = client.post(f"/comment/{comment.id}/delete", data={"next": f"/post/{post.id}"})
    assert response.status_code == 302
    assert stored_comments(post) == []
    doc = Post._get_collection().find_one({"_id": post.id})
    assert (doc["comment_count"], doc["comment_bytes"]) == (0, 0)
    assert client.post(f"/comment/{comment.id}/delete").status_code == 404


def test_a_deleted_comment_with_replies_stays_as_a_placeholder_until_they_go(
    client, auth, make_user, ana, post
):
    top = post.add_comment(ana, "the question")
    reply = post.add_comment(post.author, "the answer", parent_id=top.id)
    auth.login_as(ana)
    assert client.post(f"/comment/{top.id}/delete").status_code == 302

    page = client.get(f"/post/{post.id}").text
    assert "This comment was deleted." in page and "the question" not in page
    assert "the answer" in page
    placeholder = stored_comments(post)[0]
    assert placeholder["deleted"] and placeholder["author"] is None
    assert client.post(f"/comment/{top.id}/edit", data={"body": "back"}).status_code == 404
    headers = basic_auth(ana.email, PASSWORD)
    assert client.put(f"/api/v1/comments/{top.id}", json={"body": "back"}, headers=headers).status_code == 404
    assert client.delete(f"/api/v1/comments/{top.id}", headers=headers).status_code == 404

    # The last reply gone, the placeholder goes with it.
    Post.delete_comment(reply.id)
    doc = Post._get_collection().find_one({"_id": post.id})
    assert doc["comments"] == []
    assert (doc["comment_count"], doc["reply_count"], doc["comment_bytes"]) == (0, 0, 0)


def test_the_moderation_queue_and_the_admin_show_replies_and_edits(client, auth, make_user, ana, post):
    top = post.add_comment(ana, "top words")
    reply = post.add_comment(post.author, "reply words", parent_id=top.id)
    Post.edit_comment(top.id, "top words, edited")
    auth.login_as(make_user("admin", role="Administrator"))
    queue = client.get("/moderate?show=all").text
    reply_item = queue[queue.index(f'id="comment-{reply.id}"') :]
    assert "replied" in reply_item[:1500] and ">reply<" in reply_item[:1500]
    top_item = queue[queue.index(f'id="comment-{top.id}"') :]
    assert "edited" in top_item[:1500]
    admin = client.get("/admin/comments/").text
    assert "reply" in admin and "edited" in admin


def test_the_api_edits_and_deletes_with_the_same_rules(client, make_user, ana, post):
    comment = post.add_comment(ana, "api words")
    url = f"/api/v1/comments/{comment.id}"
    other = make_user("other")
    moderator = make_user("mod", role="Moderator")

    refused = client.put(url, json={"body": "hijack"}, headers=basic_auth(other.email, PASSWORD))
    assert refused.status_code == 403 and refused.get_json()["error"] == "forbidden"
    assert (
        client.put(
            url, json={"body": "by a moderator"}, headers=basic_auth(moderator.email, PASSWORD)
        ).status_code
        == 403
    )
    assert client.put(url, json={"body": ""}, headers=basic_auth(ana.email, PASSWORD)).status_code == 400

    edited = client.put(url, json={"body": "api *words*"}, headers=basic_auth(ana.email, PASSWORD))
    assert edited.status_code == 200
    assert edited.get_json()["edited"] is not None
    assert edited.get_json()["body_html"] == "<p>api <em>words</em></p>"

    assert client.delete(url, headers=basic_auth(other.email, PASSWORD)).status_code == 403
    assert client.delete(url, headers=basic_auth(moderator.email, PASSWORD)).status_code == 204
    assert client.get(url, headers=basic_auth(ana.email, PASSWORD)).status_code == 404
    assert client.delete(url, headers=basic_auth(ana.email, PASSWORD)).status_code == 404


def test_the_api_answers_a_reply(client, ana, post):
    top = post.add_comment(post.author, "top")
    url = f"/api/v1/posts/{post.id}/comments/"
    headers = basic_auth(ana.email, PASSWORD)
    made = client.post(url, json={"body": "via the API", "parent_id": str(top.id)}, headers=headers)
    assert made.status_code == 201 and made.get_json()["parent_id"] == str(top.id)
    assert client.post(url, json={"body": "x", "parent_id": "0" * 24}, headers=headers).status_code == 404
    assert client.post(url, json={"body": "x", "parent_id": 5}, headers=headers).status_code == 400


def test_a_post_whose_only_comment_was_deleted_takes_a_new_one(client, make_user, ana, post):
    """Deleting the last comment left a null newest-comment time that the
    next comment's $max could not compare with on the embedded backend (a
    500, found by the API fuzz run once comments could be deleted)."""
    comment = post.add_comment(ana, "first")
    headers = basic_auth(ana.email, PASSWORD)
    assert client.delete(f"/api/v1/comments/{comment.id}", headers=headers).status_code == 204
    again = client.post(f"/api/v1/posts/{post.id}/comments/", json={"body": "second"}, headers=headers)
    assert again.status_code == 201
    assert Post._get_collection().find_one({"_id": post.id})["last_comment_at"] is not None


def test_edits_and_deletions_racing_replies_keep_every_count_exact(app, make_user, post):
    """Authors edit while others reply, then delete at once: what is stored
    is what the counts say (comments, replies, bytes), and no reply is
    orphaned. (The deletions wait for the replies: a reply to a comment
    deleted first is refused, rightly, with CommentGone.)"""
    import threading

    from site_app.models.sizes import comment_bytes

    writers = [make_user(f"w{i}") for i in range(8)]
    tops = [post.add_comment(writers[i], f"thread {i}") for i in range(8)]
    barrier, replied = threading.Barrier(8), threading.Barrier(8)
    errors = []

    def run(i):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                mine = Post.objects(id=post.id).exclude("comments").first()
                for n in range(4):
                    Post.edit_comment(tops[i].id, f"thread {i}, edit {n} " + "x" * (n * 50))
                    # The same comment edited twice at once (a double submit):
                    # the slower edit reads again, so the bytes stay exact.
                    Post.edit_comment(tops[0].id, f"thread 0, edit {n} " + "y" * (i * 10))
                    mine.add_comment(writers[i], f"reply {i}-{n}", parent_id=tops[(i + 1) % 8].id)
                replied.wait(timeout=30)
                if i % 2:
                    Post.delete_comment(tops[i].id)  # has replies: blanked, kept
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not errors, errors[0]

    doc = Post._get_collection().find_one({"_id": post.id})
    comments = doc["comments"]
    replies = [c for c in comments if c.get("parent")]
    assert doc["comment_count"] == len(comments) == 8 + 32
    assert doc["reply_count"] == len(replies) == 32
    assert doc["comment_bytes"] == comment_bytes(comments)
    ids = {c["id"] for c in comments}
    assert all(reply["parent"] in ids for reply in replies)
    for i, top in enumerate(comments[:8]):
        assert top.get("deleted", False) == bool(i % 2)
        if i % 2 == 0 and i:
            assert top["body"].startswith(f"thread {i}, edit 3") and top["edited"]


def test_after_deleting_a_comment_the_reader_lands_where_it_was(app, client, auth, ana, post):
    app.config["COMMENTS_PER_PAGE"] = 2
    tops = [post.add_comment(ana, f"thread {n}") for n in range(5)]
    reply = post.add_comment(post.author, "an answer", parent_id=tops[2].id)
    auth.login_as(ana)
    on_post = f"/post/{post.id}/comment"
    gone = client.post(f"{on_post}/{tops[3].id}/delete", data={"next": f"/post/{post.id}?page=-1"})
    assert gone.headers["Location"] == f"/post/{post.id}?page=2#comments"
    auth.login_as(post.author)
    answer = client.post(f"{on_post}/{reply.id}/delete", data={"next": f"/post/{post.id}"})
    assert answer.headers["Location"] == f"/post/{post.id}?page=2#comment-{tops[2].id}"
    # From the moderation queue, back to the queue.
    auth.login_as(ana)
    queued = client.post(f"{on_post}/{tops[0].id}/delete", data={"next": "/moderate?page=2"})
    assert queued.headers["Location"] == "/moderate?page=2"


def test_after_editing_a_comment_on_a_later_page_the_reader_lands_at_it(app, client, auth, ana, post):
    app.config["COMMENTS_PER_PAGE"] = 2
    tops = [post.add_comment(ana, f"thread {n}") for n in range(5)]
    auth.login_as(ana)
    edit = f"/post/{post.id}/comment/{tops[2].id}/edit"
    response = client.post(
        f"{edit}?next=/post/{post.id}%3Fpage%3D-1&sort=newest", data={"body": "thread two, edited"}
    )
    # Newest first, thread 2 of 0..4 is on page 2.
    assert response.headers["Location"] == f"/post/{post.id}?page=2&sort=newest#comment-{tops[2].id}"
    page = client.get(response.headers["Location"]).text
    assert "thread two, edited" in page


def test_an_edit_sent_by_the_page_script_is_answered_in_json(client, auth, ana, post):
    comment = post.add_comment(ana, "before")
    auth.login_as(ana)
    edit = f"/post/{post.id}/comment/{comment.id}/edit"
    json = {"Accept": "application/json"}
    answer = client.post(edit, data={"body": "after, *edited*"}, headers=json)
    assert answer.status_code == 200
    assert answer.get_json() == {"body_html": "<p>after, <em>edited</em></p>"}
    refused = client.post(edit, data={"body": "  "}, headers=json)
    assert refused.status_code == 400 and refused.get_json()["error"] == "bad request"
    assert stored_comments(post)[0]["body"] == "after, *edited*"
