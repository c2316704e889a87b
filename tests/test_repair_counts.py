"""Counts kept beside the data are exact again after any crash: a like or
follow whose second write was lost, a count pushed below zero, a deleted
post whose likes and bookmarks could not be deleted. ``flask
repair-counts`` (and ``flask deploy``) recount them; a deleted post goes
before its likes and bookmarks, retried."""

from helpers import basic_auth
from pymongo.errors import AutoReconnect

from site_app.models import Bookmark, Like, Post, User


def test_repair_counts_makes_drifted_counts_exact(app, runner, make_user):
    writer, rita, sam = make_user("wendy"), make_user("rita"), make_user("sam")
    post = Post.publish(writer, "Tides", "The moon pulls.")
    Like.add(post, rita)
    Like.add(post, sam)
    rita.follow(writer)
    # A worker killed between the two writes of a like, of an unlike, of a follow:
    Post.objects(id=post.id).update_one(set__like_count=5)
    User.objects(id=writer.id).update_one(set__followers_total=0)
    User.objects(id=rita.id).update_one(set__following_total=9)

    result = runner.invoke(args=["repair-counts"])
    assert result.exit_code == 0, result.output
    assert "like counts: 1 repaired" in result.output
    assert post.reload().like_count == 2
    assert writer.followers_count == 1 and rita.reload().following_count == 1
    again = runner.invoke(args=["repair-counts"]).output
    assert "like counts: exact" in again and "follower counts: exact" in again


def test_a_like_count_never_shows_below_zero(app, client, auth, make_user):
    writer, rita = make_user("wendy"), make_user("rita")
    post = Post.publish(writer, "Tides", "The moon pulls.")
    Like.add(post, rita)
    Post.objects(id=post.id).update_one(set__like_count=0)  # a lost +1
    auth.login_as(rita)
    answer = client.post(f"/post/{post.id}/like", headers={"Accept": "application/json"})
    assert answer.get_json() == {"liked": False, "likes": 0, "likes_text": "0 likes", "button": "Like"}
    assert "0 likes" in client.get(f"/post/{post.id}").text
    assert (
        client.get(
            f"/api/v1/posts/{post.id}", headers=basic_auth(rita.email, "correct horse battery")
        ).get_json()["like_count"]
        == 0
    )
    runner = app.test_cli_runner()
    assert "like counts: 1 repaired" in runner.invoke(args=["repair-counts"]).output
    assert post.reload().like_count == 0


def test_deploy_repairs_the_counts_too(app, runner, make_user):
    writer = make_user("wendy")
    post = Post.publish(writer, "Tides", "The moon pulls.")
    Post.objects(id=post.id).update_one(set__like_count=3)
    assert "like counts: 1 repaired" in runner.invoke(args=["deploy"]).output
    assert post.reload().like_count == 0


def test_a_deleted_post_goes_first_and_its_likes_after_with_a_retry(
    app, client, auth, make_user, monkeypatch
):
    writer, rita = make_user("wendy"), make_user("rita")
    post = Post.publish(writer, "Tides", "The moon pulls.")
    Like.add(post, rita)
    Bookmark.toggle(rita, post)
    likes = Like._get_collection()
    real_delete_many, calls = likes.delete_many, []

    def flaky(query, *args, **kwargs):
        calls.append(Post.objects(id=post.id).count())  # is the post still there?
        if len(calls) == 1:
            raise AutoReconnect("connection lost")
        return real_delete_many(query, *args, **kwargs)

    monkeypatch.setattr(likes, "delete_many", flaky)
    auth.login_as(writer)
    assert client.post(f"/delete/{post.id}").status_code == 302
    assert calls == [0, 0]  # the post was gone before its likes, and they were retried
    assert Like.objects(post=post.id).count() == 0
    assert Bookmark.objects(post=post.id).count() == 0


def test_what_a_failed_deletion_left_is_swept_by_the_repair(app, runner, make_user):
    writer, rita = make_user("wendy"), make_user("rita")
    kept, gone = (Post.publish(writer, title, "Body") for title in ("Kept", "Gone"))
    for post in (kept, gone):
        Like.add(post, rita)
        Bookmark.toggle(rita, post)
    Post._get_collection().delete_one({"_id": gone.id})  # the likes' deletion never ran
    result = runner.invoke(args=["repair-counts"]).output
    assert "likes of deleted posts: 1 repaired" in result
    assert "bookmarks of deleted posts: 1 repaired" in result
    assert Like.objects.count() == Bookmark.objects.count() == 1
    assert kept.reload().like_count == 1


def test_deploy_gives_accounts_from_before_the_counts_theirs(app, runner, make_user):
    writer, rita = make_user("wendy"), make_user("rita")
    rita.follow(writer)
    User._get_collection().update_many({}, {"$unset": {"followers_total": "", "following_total": ""}})
    assert runner.invoke(args=["deploy"]).exit_code == 0
    stored = {u["username"]: u for u in User._get_collection().find()}
    assert stored["wendy"]["followers_total"] == 1 and stored["rita"]["followers_total"] == 0
    assert stored["rita"]["following_total"] == 1 and stored["wendy"]["following_total"] == 0
