"""Nothing is lost: concurrent writers, a database that drops out, a file
store that fails half way, a mail server that refuses connections."""

import threading

import pytest
from helpers import PRODUCTION_WITHOUT_DATABASE
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


def test_twenty_writers_at_once_lose_nothing(app, app_context):
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


def test_the_comment_limit_holds_under_a_race(app, app_context):
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


# -- faults ---------------------------------------------------------------------
def _collection_class(app):
    """The collection class the app's backend uses (mongomock's, or pymongo's
    on the driver lane): faults are injected there, so they run on both."""
    return type(app.extensions["site_db"]["db"]["posts"])


def _drop_out_once(app, monkeypatch, error):
    """Make the next database read raise ``error`` (the server went away in
    the middle of a request); later ones work again."""
    Collection = _collection_class(app)
    original = Collection.find
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise error
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Collection, "find", flaky)
    return calls


@pytest.mark.parametrize(
    "error", [AutoReconnect("connection reset"), ServerSelectionTimeoutError("no servers found")]
)
def test_a_database_drop_out_mid_request_gives_a_503_page_then_recovers(
    app, client, make_user, monkeypatch, error
):
    Post.publish(make_user("writer"), "Still here", "A body")
    calls = _drop_out_once(app, monkeypatch, error)
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert calls["n"] >= 1
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "<html" in page.lower() and "Traceback" not in page and "pymongo" not in page
    assert "Still here" in client.get("/").get_data(as_text=True)


def test_a_database_drop_out_in_the_api_gives_503_json_then_recovers(app, client, make_user, monkeypatch):
    make_user("reader", email="reader@example.com")
    token = client.post(
        "/api/v1/tokens/", headers=_basic("reader@example.com", "correct horse battery")
    ).get_json()
    headers = _basic(token["token"], "")
    _drop_out_once(app, monkeypatch, AutoReconnect("primary stepped down"))
    response = client.get("/api/v1/posts/", headers=headers)
    assert response.status_code == 503
    assert response.get_json()["error"] == "service unavailable"
    assert "Traceback" not in response.get_data(as_text=True)
    assert client.get("/api/v1/posts/", headers=headers).status_code == 200


def test_a_model_call_that_loses_the_database_gives_503(app, client, monkeypatch):
    def lost(*args, **kwargs):
        raise AutoReconnect("lost")

    monkeypatch.setattr(Post, "listing", classmethod(lost))
    assert client.get("/feed.atom").status_code == 503
    monkeypatch.undo()
    assert client.get("/feed.atom").status_code == 200


def _basic(user, password):
    import base64

    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _png(size=(640, 480)):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("failing", ["fs.files", "fs.chunks"])
def test_a_failed_gridfs_write_leaves_no_half_file_and_no_post(
    app, client, make_user, auth, monkeypatch, failing
):
    """The file store fails while an image is written (its chunks, or the
    file document after the chunks): no chunks, no file, no post."""
    Collection = _collection_class(app)
    writer = make_user("writer")
    auth.login_as(writer)
    database = app.extensions["site_db"]["db"]
    original = {name: getattr(Collection, name) for name in ("insert_one", "insert_many")}

    def failing_insert(name):
        def insert(self, *args, **kwargs):
            if self.name == failing:
                raise AutoReconnect(f"lost while writing {failing}")
            return original[name](self, *args, **kwargs)

        return insert

    for name in original:
        monkeypatch.setattr(Collection, name, failing_insert(name))
    upload = client.post("/upload", data={"file": (_png(), "photo.png")}, content_type="multipart/form-data")
    write = client.post(
        "/write",
        data={"title": "With a picture", "body": "Look", "images": [(_png(), "photo.png")]},
        content_type="multipart/form-data",
    )
    monkeypatch.undo()
    assert upload.status_code == 503 and write.status_code == 503
    assert database["fs.files"].count_documents({}) == 0
    assert database["fs.chunks"].count_documents({}) == 0, "half a file was left behind"
    assert Post.objects.count() == 0


def test_a_mail_server_that_refuses_connections_does_not_fail_registration(app, client, caplog):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, MAIL_USE_TLS=False, MAIL_SUPPRESS_SEND=False
    )
    app.extensions["mail"].server = "127.0.0.1"
    app.extensions["mail"].port = closed_port
    app.extensions["mail"].use_tls = False
    app.extensions["mail"].suppress = False
    response = client.post(
        "/auth/register",
        data={
            "email": "new@example.com",
            "username": "newcomer",
            "password": "correct horse battery",
            "password2": "correct horse battery",
        },
    )
    assert response.status_code == 302
    assert User.by_email("new@example.com") is not None
    assert any("could not send" in record.getMessage() for record in caplog.records)
    # Signed in (or able to), the newcomer can ask for the email again.
    client.post("/auth/login", data={"email": "new@example.com", "password": "correct horse battery"})
    caplog.clear()
    again = client.post("/auth/confirm")
    assert again.status_code == 302
    assert again.headers["Location"] == "/auth/unconfirmed"
    assert any("could not send" in record.getMessage() for record in caplog.records)


# -- soak -------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.soak
def test_a_short_soak_of_mixed_requests_has_no_error_and_flat_memory():
    """1,000 mixed requests (reads, web and API comments, uploads, API
    reads) from 4 clients against one gunicorn worker; the full 10,000 is
    ``scripts/soak.py`` (numbers in BENCHMARKS.md)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
    import soak

    result = soak.run_soak(
        total=1000,
        clients=4,
        seed="10,40,200,30,2",
        max_growth_mb=20,
        sample_every=200,
        log=lambda line: None,
    )
    assert result["errors"] == 0, result["first_errors"]
    assert result["same_worker_throughout"]
    assert result["rss_growth_mb"] <= 20, result["rss_mb_samples"]


def test_gunicorn_never_recycles_the_worker_that_holds_the_embedded_database(monkeypatch):
    """A recycled worker starts empty on the embedded backend: every post
    would vanish after ``max_requests``. With MongoDB recycling stays on."""
    import runpy
    from pathlib import Path

    conf = str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py")
    monkeypatch.delenv("GUNICORN_MAX_REQUESTS", raising=False)
    monkeypatch.delenv("MONGODB_URI", raising=False)
    assert runpy.run_path(conf)["max_requests"] == 0
    monkeypatch.setenv("MONGODB_URI", "mongodb://db.example/site")
    assert runpy.run_path(conf)["max_requests"] > 0


SITE = PRODUCTION_WITHOUT_DATABASE["SITE_URL"]


def _database_down_lines(caplog):
    return [
        r
        for r in caplog.records
        if r.name == "site_app.errors" and r.getMessage().startswith("database unavailable")
    ]


def test_a_page_whose_session_cannot_be_stored_answers_503_not_500(make_app, caplog):
    """The sign-in form needs no data, but its form token lives in the
    session, which is stored in the database: with the database down the
    page is the database's 503 (it was a 500 after waiting twice)."""
    client = make_app(config_name="production", **PRODUCTION_WITHOUT_DATABASE).test_client()
    page = client.get("/auth/login", base_url=SITE)
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    assert "The database is not answering" in page.get_data(as_text=True)
    assert "Set-Cookie" not in page.headers  # a session that was never stored
    assert len(_database_down_lines(caplog)) == 1  # one wait, not a second try


def test_a_signed_in_browser_whose_session_cannot_be_loaded_gets_503(make_app, caplog):
    client = make_app(config_name="production", **PRODUCTION_WITHOUT_DATABASE).test_client()
    client.set_cookie("session", "an-existing-session-id", domain="blog.example.com")
    page = client.get("/auth/login", base_url=SITE)
    assert page.status_code == 503
    assert "The database is not answering" in page.get_data(as_text=True)
    assert len(_database_down_lines(caplog)) == 1
