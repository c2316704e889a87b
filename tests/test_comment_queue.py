"""The newest comments across posts (moderation queue, API) and the bounds
that keep a post far below MongoDB's 16 MB document limit."""

import itertools
import random
import time
from datetime import timedelta

import bson
import pytest
from pymongo.errors import AutoReconnect

from site_app import dbstats
from site_app.models import CommentsClosed, Post
from site_app.models.backfill import backfill_comment_stats
from site_app.models.comments import Comment
from site_app.models.sizes import comment_bytes
from site_app.models.users import utcnow
from site_app.pagination import MAX_NUMBERED_PAGE


def newest_first(posts):
    """Every comment on the site, by brute force, in the queue's order."""
    comments = [c for post in posts for c in Post.objects.get(id=post.id).comments]
    return [c.id for c in sorted(comments, key=lambda c: (c.timestamp, c.id), reverse=True)]


def queue_ids(per_page):
    first = Post.recent_comments(1, per_page)
    ids = []
    for page in range(1, first.pages + 1):
        ids += [entry.comment.id for entry in Post.recent_comments(page, per_page).items]
    return ids, first.total


def test_the_queue_equals_a_full_sort_through_adds_and_deletes(app, make_user):
    """Random comments on old and new posts, then deletions of the newest
    ones (which would leave a post's newest-comment time stale): every page
    of the queue matches sorting every comment on the site."""
    rng = random.Random(7)
    writer = make_user("writer")
    posts = [Post.publish(writer, f"Post {n}", "Body") for n in range(12)]
    made = []
    for n in range(90):
        made.append(rng.choice(posts).add_comment(writer, f"comment {n}"))
    for comment in made[-10:] + rng.sample(made[:-10], 10):
        assert Post.delete_comment(comment.id)
    for n in range(15):  # old posts get new comments after the deletions
        rng.choice(posts[:3]).add_comment(writer, f"late {n}")
    expected = newest_first(posts)
    for per_page in (1, 4, 7, 30, 200):
        ids, total = queue_ids(per_page)
        # The queue reaches MAX_NUMBERED_PAGE pages deep (its cost is bounded).
        reachable = expected[: MAX_NUMBERED_PAGE * per_page]
        assert ids == reachable, f"per_page={per_page}"
        assert total == len(reachable) and len(expected) == 85


def test_deleting_the_newest_comment_lowers_the_posts_time(app, make_user):
    writer = make_user("writer")
    post = Post.publish(writer, "Post", "Body")
    first = post.add_comment(writer, "first")
    last = post.add_comment(writer, "last")
    assert Post.objects.get(id=post.id).last_comment_at == Post.objects.get(id=post.id).comments[-1].timestamp
    Post.delete_comment(last.id)
    stored = Post.objects.get(id=post.id)
    assert stored.last_comment_at == stored.comments[0].timestamp
    assert stored.comments[0].id == first.id
    Post.delete_comment(first.id)
    stored = Post.objects.get(id=post.id)
    assert stored.last_comment_at is None and stored.comment_bytes == 0


def test_comment_bytes_follow_adds_and_deletes(app, make_user):
    writer = make_user("writer")
    post = Post.publish(writer, "Post", "Body")
    a = post.add_comment(writer, "x" * 1000)
    post.add_comment(writer, "short")
    stored = Post.objects.get(id=post.id)
    both = stored.comment_bytes
    assert both > 1000
    Post.delete_comment(a.id)
    assert 0 < Post.objects.get(id=post.id).comment_bytes < both - 1000


def test_a_post_closes_when_its_comments_reach_the_byte_bound(app, client, make_user, auth):
    """Long comments fill a post by bytes long before the count limit."""
    app.config["MAX_COMMENT_BYTES"] = 12_000
    writer = make_user("writer")
    post = Post.publish(writer, "Busy", "Body")
    auth.login_as(writer)
    accepted = 0
    for _ in range(10):
        if client.post(f"/post/{post.id}", data={"body": "y" * 4000}).status_code == 302:
            accepted += 1
    stored = Post.objects.get(id=post.id)
    assert accepted == stored.comment_count == len(stored.comments)
    assert 0 < accepted < 10
    assert stored.comment_bytes <= 12_000
    with pytest.raises(CommentsClosed):
        stored.add_comment(writer, "z" * 4000)
    # A short comment still fits if there is room for it, never past the bound.
    response = client.post(f"/post/{post.id}", data={"body": "y" * 4000})
    assert response.status_code == 400 and "Comments are closed" in response.get_data(as_text=True)


def test_deploy_backfills_posts_stored_before_the_statistics(app, runner, make_user):
    writer = make_user("writer")
    post = Post.publish(writer, "Old post", "Body")
    post.add_comment(writer, "kept")
    Post._get_collection().update_one(
        {"_id": post.id}, {"$unset": {"last_comment_at": "", "comment_bytes": ""}}
    )
    assert Post.recent_comments(1, 10).items == []  # invisible until backfilled
    result = runner.invoke(args=["deploy"])
    assert result.exit_code == 0 and "posts given comment statistics: 1" in result.output
    stored = Post.objects.get(id=post.id)
    assert stored.last_comment_at == stored.comments[0].timestamp and stored.comment_bytes > 0
    assert [e.comment.body for e in Post.recent_comments(1, 10).items] == ["kept"]
    assert "post comment statistics: up to date" in runner.invoke(args=["deploy"]).output


# -- interrupted and concurrent writers ---------------------------------------
def _drop_out_after_the_next_write(monkeypatch):
    """The database answers one more write, then nothing: what a request
    cut off right after its first update leaves behind. Patched on the
    posts collection's own class, so it works on either backend."""
    collection_class = type(Post._get_collection())
    state = {"wrote": False}

    def wrap(name):
        original = getattr(collection_class, name)

        def call(self, *args, **kwargs):
            if state["wrote"]:
                raise AutoReconnect("connection lost")
            result = original(self, *args, **kwargs)
            state["wrote"] = state["wrote"] or name.startswith("update")
            return result

        monkeypatch.setattr(collection_class, name, call)

    for name in ("find_one", "find", "update_one", "update_many", "aggregate"):
        wrap(name)


@pytest.fixture
def ticking_clock(monkeypatch):
    """Each new comment dated a second after the one before: distinct times
    without sleeping (the stored times have millisecond precision)."""
    start, ticks = utcnow(), itertools.count(1)
    monkeypatch.setattr(
        Comment._fields["timestamp"], "default", lambda: start + timedelta(seconds=next(ticks))
    )


def test_a_comment_deletion_cut_off_midway_never_hides_other_comments(
    app, make_user, monkeypatch, ticking_clock
):
    writer = make_user("writer")
    busy, quiet = Post.publish(writer, "Busy", "Body"), Post.publish(writer, "Quiet", "Body")
    busy.add_comment(writer, "old on busy")
    on_quiet = quiet.add_comment(writer, "newest that stays")
    doomed = busy.add_comment(writer, "newest, then deleted")

    _drop_out_after_the_next_write(monkeypatch)
    try:
        Post.delete_comment(doomed.id)
    except AutoReconnect:
        pass  # the request answers 503; what it wrote must leave the queue right
    monkeypatch.undo()

    assert [e.comment.id for e in Post.recent_comments(1, 1).items] == [on_quiet.id]
    assert queue_ids(1)[0] == newest_first([busy, quiet])


def test_a_comment_added_while_deploy_backfills_is_counted_and_queued(app, make_user, monkeypatch):
    writer = make_user("writer")
    post = Post.publish(writer, "Old post", "Body")
    post.add_comment(writer, "from before the statistics")
    collection = Post._get_collection()
    collection.update_one({"_id": post.id}, {"$unset": {"last_comment_at": "", "comment_bytes": ""}})
    collection_class = type(collection)
    original_update = collection_class.update_one
    arrived = []

    def comment_arrives_first(self, filter_, update, *args, **kwargs):
        if not arrived and "$set" in update and "comment_bytes" in update["$set"]:
            time.sleep(0.01)
            arrived.append(post.add_comment(writer, "written during the backfill"))
        return original_update(self, filter_, update, *args, **kwargs)

    monkeypatch.setattr(collection_class, "update_one", comment_arrives_first)
    backfill_comment_stats()
    monkeypatch.undo()

    stored = collection.find_one({"_id": post.id})
    assert stored["comment_count"] == len(stored["comments"]) == 2
    assert stored["comment_bytes"] == sum(len(bson.encode(c)) for c in stored["comments"])
    assert stored["last_comment_at"] == max(c["timestamp"] for c in stored["comments"])
    assert [e.comment.id for e in Post.recent_comments(1, 1).items] == [arrived[0].id]


def test_deploy_reads_the_posts_for_comment_statistics_once_ever(app, runner, make_user):
    writer = make_user("writer")
    post = Post.publish(writer, "Post", "Body")
    post.add_comment(writer, "a comment")
    assert runner.invoke(args=["deploy"]).exit_code == 0
    with dbstats.recording() as ops:
        assert backfill_comment_stats() == 0
    assert [op for collection, op, *_ in ops.operations if collection == "posts"] == []


def test_an_edit_landing_between_the_read_and_the_deletion_leaves_exact_bytes(app, make_user, monkeypatch):
    """``comment_bytes`` is the stored comments' size after a deletion even
    when the comment was edited (to another size) after the deletion read it."""
    writer = make_user("writer")
    post = Post.publish(writer, "Post", "Body")
    post.add_comment(writer, "kept")
    doomed = post.add_comment(writer, "short")
    collection = Post._get_collection()
    real_update_one, edited = collection.update_one, []

    def edit_first(filter_, update, *args, **kwargs):
        if not edited and isinstance(update, list):  # the removal, after its read
            edited.append(Post.edit_comment(doomed.id, "a much longer body " * 20))
        return real_update_one(filter_, update, *args, **kwargs)

    monkeypatch.setattr(collection, "update_one", edit_first)
    assert Post.delete_comment(doomed.id)
    monkeypatch.undo()
    stored = collection.find_one({"_id": post.id})
    assert edited and [c["body"] for c in stored["comments"]] == ["kept"]
    assert stored["comment_bytes"] == comment_bytes(stored["comments"])
