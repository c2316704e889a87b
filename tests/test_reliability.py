"""Nothing is lost: concurrent writers, a database that drops out, a file
store that fails half way, a mail server that refuses connections."""
import threading

import pytest
from pymongo.errors import AutoReconnect, ServerSelectionTimeoutError

from site_app.models import Post, User

THREADS = 20
COMMENTS_EACH = 5


def _quick_user(username):
    """An account without password hashing (hashing 21 passwords would cost
    seconds and tests nothing here)."""
    user = User(email=f"{username}@example.com", username=username, confirmed=True)
    user.save()
    return user


def _run_together(app, work, threads=THREADS):
    """Run ``work(i)`` in ``threads`` threads released at the same moment;
    re-raise the first failure."""
    barrier = threading.Barrier(threads)
    errors = []

    def run(i):
        try:
            with app.app_context():
                barrier.wait(timeout=10)
                work(i)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in pool), "a writer hung"
    if errors:
        raise errors[0]


def test_twenty_writers_at_once_lose_nothing(app):
    """Twenty readers comment on one post, follow and unfollow one writer,
    while the writer edits the post: every comment is there exactly once,
    the counts equal the real lengths, and the edit is kept."""
    writer = _quick_user("writer")
    readers = [_quick_user(f"reader{i}") for i in range(THREADS)]
    post = Post.publish(writer, "First title", "First *body*", tags="a, b")

    def work(i):
        reader = User.objects(id=readers[i].id).first()
        mine = Post.objects(id=post.id).exclude("comments").first()
        for n in range(COMMENTS_EACH):
            mine.add_comment(reader, f"comment {i}-{n}")
            # Odd readers end up not following; even readers following.
            reader.follow(writer)
            if i % 2:
                reader.unfollow(writer)
        if i == 0:
            Post.objects(id=post.id).first().edit("Edited title", "Edited *body*", "c")

    _run_together(app, work)

    stored = Post.objects(id=post.id).first()
    bodies = [comment.body for comment in stored.comments]
    expected = {f"comment {i}-{n}" for i in range(THREADS) for n in range(COMMENTS_EACH)}
    assert sorted(bodies) == sorted(expected), "a comment was lost or doubled"
    assert len({comment.id for comment in stored.comments}) == len(expected)
    assert stored.comment_count == len(stored.comments) == THREADS * COMMENTS_EACH
    assert stored.title == "Edited title"
    assert stored.tags == ["c"]
    assert "<em>body</em>" in stored.body_html

    writer.reload()
    following = [User.objects(id=r.id).first() for r in readers]
    real_followers = [u for u in following if writer.id in u.following_ids()]
    assert [u.username for u in real_followers] == [f"reader{i}" for i in range(0, THREADS, 2)]
    assert writer.followers_count == len(real_followers) == THREADS // 2
    for user in following:
        assert user.following_count == len(set(user.following_ids())) <= 1


def test_the_comment_limit_holds_under_a_race(app):
    """With room for 7 more comments and 20 readers racing, exactly 7 land."""
    app.config["MAX_COMMENTS_PER_POST"] = 7
    writer = _quick_user("writer")
    readers = [_quick_user(f"reader{i}") for i in range(THREADS)]
    post = Post.publish(writer, "Nearly full", "body")
    landed = []

    def work(i):
        from site_app.models import CommentsClosed
        mine = Post.objects(id=post.id).exclude("comments").first()
        try:
            mine.add_comment(readers[i], f"race {i}")
            landed.append(i)
        except CommentsClosed:
            pass

    _run_together(app, work)
    stored = Post.objects(id=post.id).first()
    assert len(landed) == 7
    assert stored.comment_count == len(stored.comments) == 7
