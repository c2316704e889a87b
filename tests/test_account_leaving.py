"""Leaving the site: ``POST /account/delete`` removes the account and all it
owns, keeps every count elsewhere exact, shows "deleted member" where
replies hang under a comment, changes cached pages at once, and refuses
the last Administrator."""

import re

import pyotp
import pytest
from helpers import basic_auth, signed_in_client

from site_app.database import get_db
from site_app.indexes import documents
from site_app.models import Bookmark, Like, Notification, Post, User
from site_app.models.imports import ImportRun
from site_app.models.leaving import ACCOUNT_DATA
from site_app.models.post_days import PostDay
from site_app.models.reports import Report, find_target
from site_app.models.sizes import bson_size
from site_app.models.subscriptions import Delivery, Subscription
from site_app.models.two_factor import TwoFactor

pytestmark = pytest.mark.app_config(CACHE_TYPE="SimpleCache")
PASSWORD = "correct horse battery"


@pytest.fixture
def people(make_user):
    return make_user("ann"), make_user("bob"), make_user("cat")


@pytest.fixture
def world(app, people):
    """ann (who leaves) follows bob and is followed by bob and cat; she
    likes, bookmarks and comments on bob's post; cat comments on hers."""
    ann, bob, cat = people
    ann.follow(bob)
    bob.follow(ann)
    cat.follow(ann)
    cat.follow(bob)
    bobs = Post.publish(bob, "Bob's lamp", "A lamp of bob's", ["lamp"])
    anns = Post.publish(ann, "Ann's lamp", "A lamp of ann's", ["lamp"])
    answered = bobs.add_comment(ann, "Ann answered, then replied to")
    bobs.add_comment(cat, "Cat replies to ann", parent_id=answered.id)
    bobs.add_comment(ann, "Ann alone, no replies")
    cats = bobs.add_comment(cat, "Cat's own comment")
    bobs.add_comment(ann, "Ann replies to cat", parent_id=cats.id)
    own_thread = bobs.add_comment(ann, "Ann starts a thread")
    bobs.add_comment(ann, "Ann answers herself", parent_id=own_thread.id)
    anns.add_comment(cat, "Cat on ann's post")
    Like.add(bobs, cat)
    Like.add(bobs, ann)
    Like.add(anns, bob)
    Bookmark.toggle(ann, bobs)
    Bookmark.toggle(bob, anns)
    Report.file(bob, find_target(f"post:{anns.id}"), "spam")
    Report.file(ann, find_target(f"comment:{cats.id}"), "spam")
    return {"bobs": bobs, "anns": anns}


def delete(client, status=302, **fields):
    response = client.post("/account/delete", data={"password": PASSWORD, **fields})
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    return response


def counts_on_profile(reader, username):
    """``(followers, following)`` as the profile shows them."""
    page = reader.get(f"/user/{username}").get_data(as_text=True)
    return (
        re.search(r"<strong>(\d+)</strong> followers?", page).group(1),
        re.search(r"<strong>(\d+)</strong> following", page).group(1),
    )


def stored(post):
    return Post._get_collection().find_one({"_id": post.id})


def test_the_page_offers_the_export_first(app, people):
    page = signed_in_client(app, people[0]).get("/account/delete")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.index("/account/export") < text.index('name="password"')
    assert 'name="code"' not in text  # two-factor is off


def test_leaving_keeps_every_count_elsewhere_exact(app, people, world):
    ann, bob, cat = people
    bobs = world["bobs"]
    before = stored(bobs)
    assert (before["comment_count"], before["reply_count"], before["like_count"]) == (7, 3, 2)

    response = delete(signed_in_client(app, ann))
    assert response.headers["Location"] == "/"

    after = stored(bobs)
    # Left: cat's reply and the placeholder above it, cat's own comment.
    assert after["comment_count"] == 3
    assert after["reply_count"] == 1
    assert after["like_count"] == 1
    assert after["comment_bytes"] == sum(bson_size(c) for c in after["comments"])
    users = {u["username"]: u for u in User._get_collection().find()}
    assert set(users) == {"bob", "cat"}
    assert (users["bob"]["followers_total"], users["bob"]["following_total"]) == (1, 0)
    assert (users["cat"]["followers_total"], users["cat"]["following_total"]) == (0, 1)
    assert users["bob"]["following"] == [] and users["cat"]["following"] == [bob.id]
    assert Post.objects(author=ann.id).count() == 0
    assert Like.objects.count() == 1 and Bookmark.objects.count() == 0
    assert Report.objects.count() == 0
    told = Notification.objects(recipient=bob.id, kind="like").first()
    assert (told.count, told.actor, told.recent) == (1, cat.id, [cat.id])


def test_a_comment_with_replies_shows_deleted_member(app, people, world):
    ann, bob, cat = people
    reader = app.test_client()
    path = f"/post/{world['bobs'].id}"
    assert counts_on_profile(reader, "bob") == ("2", "1")
    assert "Ann answered, then replied to" in reader.get(path).get_data(as_text=True)
    assert reader.get(path).headers.get("X-Page-Cache") == "hit"

    delete(signed_in_client(app, ann))

    page = reader.get(path).get_data(as_text=True)  # the cached copy is stale at once
    assert "deleted member" in page
    assert "Cat replies to ann" in page and "Cat's own comment" in page
    for gone in ("Ann answered", "Ann alone", "Ann replies to cat", "Ann starts", "Ann answers"):
        assert gone not in page
    api = reader.get(
        f"/api/v1/posts/{world['bobs'].id}/comments/", headers=basic_auth(bob.email, PASSWORD)
    ).get_json()
    kept = [c for c in api["comments"] if c["deleted"]]
    assert [(c["member_left"], c["author"], c["body"]) for c in kept] == [(True, None, "[deleted]")]
    assert reader.get(f"/post/{world['anns'].id}").status_code == 404
    assert reader.get("/user/ann").status_code == 404
    assert counts_on_profile(reader, "bob") == ("1", "0")  # cached, stale at once


def test_nothing_of_the_account_is_left_anywhere(app, people, world):
    ann, bob, cat = people
    signed_in_client(app, bob).post(f"/follow/{ann.username}")
    client = signed_in_client(app, ann)
    app.config["EXPORT_INLINE_MAX_BYTES"] = 0  # her export is built by a job, into GridFS
    assert client.get("/account/export").status_code == 302
    assert get_db(app)["fs.files"].count_documents({"metadata.owner": ann.id}) == 1
    # Her newsletter (a subscriber, a post mailed to them), her address on
    # bob's list, a day of views of her post.
    mine = Subscription.switch_on(ann.id, "reader@example.com")
    Delivery.claim(world["anns"].id, mine.id)
    Subscription.switch_on(bob.id, ann.email)
    PostDay.count(world["anns"].id, ann.id)
    ImportRun(owner=ann.id, filename="old-blog.xml", state="done").save()
    delete(client)
    database = get_db(app)
    assert Delivery.objects(post=world["anns"].id).count() == 0
    assert Subscription.objects(email=ann.email).count() == 0
    kept = {"audit_log"}  # ACCOUNT_DATA: the moderators' record, by name
    left = {
        name: database[name].count_documents({"$or": _mentions(ann.id)})
        for name in database.list_collection_names()
        if name not in kept and not name.startswith("system.")
    }
    assert {name: n for name, n in left.items() if n} == {}
    assert TwoFactor.objects(user_id=ann.id).count() == 0
    assert Notification.objects(recipient=ann.id).count() == 0


def _mentions(user_id):
    """Filters matching a document that names ``user_id`` in any field the
    site stores people under (top level, in comments, in GridFS metadata)."""
    fields = [
        "_id",
        "user",
        "user_id",
        "author",
        "recipient",
        "actor",
        "reporter",
        "owner",
        "other",
        "following",
        "comments.author",
        "metadata.owner",
        "recent",
        "writer",
    ]
    return [{field: user_id} for field in fields] + [
        {"key": {"$regex": f"^{user_id}:"}},
        {"open_key": {"$regex": f"^{user_id}:"}},
    ]


def test_every_collection_says_what_happens_to_a_leaving_member(app):
    """A new document holding members' data must say in ACCOUNT_DATA what
    leaving does to it (and leaving.py do it)."""
    collections = {document._get_collection_name() for document in documents()}
    assert collections - set(ACCOUNT_DATA) == set(), "add these to models/leaving.ACCOUNT_DATA"
    assert set(ACCOUNT_DATA) - collections == set()


def test_a_wrong_password_deletes_nothing(app, people, world):
    client = signed_in_client(app, people[0])
    page = delete(client, status=400, password="not it")
    assert "That is not your password." in page.get_data(as_text=True)
    assert User.objects(username="ann").count() == 1
    assert stored(world["bobs"])["comment_count"] == 7


def test_two_factor_needs_a_code(app, people, client, auth):
    ann = people[0]
    auth.login_as(ann)
    secret = TwoFactor.setup_for(ann).secret
    assert TwoFactor.objects(user_id=ann.id).first().enable(pyotp.TOTP(secret).now())
    page = delete(client, status=400)
    assert "Enter the code from your app" in page.get_data(as_text=True)
    page = delete(client, status=400, code="000000")
    assert "That code is not right." in page.get_data(as_text=True)
    assert User.objects(username="ann").count() == 1
    delete(client, code=pyotp.TOTP(secret).at(__import__("time").time() + 30))
    assert User.objects(username="ann").count() == 0
    assert TwoFactor.objects(user_id=ann.id).count() == 0


def test_the_last_administrator_is_refused(app, make_user):
    admin = make_user("root", role="Administrator")
    client = signed_in_client(app, admin)
    assert "last Administrator" in client.get("/account/delete").get_data(as_text=True)
    page = delete(client, status=409)
    assert "make another member Administrator first" in page.get_data(as_text=True)
    assert User.objects(id=admin.id).count() == 1

    make_user("second", role="Administrator")
    delete(client)
    assert User.objects(id=admin.id).count() == 0


def test_signed_out_readers_are_sent_to_sign_in(client):
    response = client.post("/account/delete", data={"password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_the_form_needs_its_csrf_token(app, people):
    client = signed_in_client(app, people[0])
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 400
    assert User.objects(username="ann").count() == 1
