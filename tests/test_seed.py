"""The seed command: an operator fills a database with realistic demo content."""

import os
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from site_app.database import get_db, gridfs_for
from site_app.models import Like, Post, Role, User
from site_app.seed import DEMO_PASSWORD, DEMO_SIZES, commands

ROOT = Path(__file__).resolve().parent.parent
SMALL = [
    "--users",
    "12",
    "--posts",
    "20",
    "--comments",
    "150",
    "--follows",
    "30",
    "--images",
    "3",
    "--seed",
    "7",
]


def seed(runner, *args):
    result = runner.invoke(args=["seed", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def raw_posts():
    return list(Post._get_collection().find())


def raw_users():
    return list(User._get_collection().find())


def pictures(app):
    """Stored post images (their thumbnails are files of their own)."""
    return get_db(app)["fs.files"].count_documents({"metadata.kind": "image"})


def test_operator_gets_the_sizes_asked_for(app, runner):
    result = seed(runner, *SMALL)

    assert User.objects.count() == 12
    assert Post.objects.count() == 20
    assert sum(post["comment_count"] for post in raw_posts()) == 150
    assert sum(len(user["following"]) for user in raw_users()) == 30
    assert pictures(app) == 3
    assert "created 12 users, 30 follows, 20 posts, 150 comments, 3 images" in result.stdout
    assert "demo@example.com" in result.stdout


def test_seeded_like_counts_match_the_likes_stored(app, runner):
    result = seed(runner, *SMALL)

    likes = list(Like._get_collection().find())
    assert likes and f", {len(likes)} likes in" in result.stdout
    for post in raw_posts():
        mine = [like for like in likes if like["post"] == post["_id"]]
        assert post["like_count"] == len(mine)
        assert len({like["user"] for like in mine}) == len(mine)  # one like a reader


def test_comment_counts_match_and_every_comment_has_its_own_id(app, runner):
    seed(runner, *SMALL)

    ids = []
    for post in raw_posts():
        comments = post["comments"]
        assert post["comment_count"] == len(comments)
        times = [comment["timestamp"] for comment in comments]
        assert times == sorted(times)
        assert all(time >= post["timestamp"] for time in times)
        for comment in comments:
            assert comment["body_html"].startswith("<p>")
            assert "<script" not in comment["body_html"]
        ids.extend(comment["id"] for comment in comments)
    assert len(ids) == 150
    assert len(set(ids)) == len(ids)


def test_nobody_follows_themselves_or_anyone_twice(app, runner):
    seed(
        runner,
        "--users",
        "15",
        "--follows",
        "60",
        "--posts",
        "0",
        "--comments",
        "0",
        "--images",
        "0",
        "--seed",
        "3",
    )

    user_ids = {user["_id"] for user in raw_users()}
    total = 0
    for user in raw_users():
        following = user["following"]
        assert user["_id"] not in following
        assert len(following) == len(set(following))
        assert set(following) <= user_ids
        total += len(following)
    assert total == 60


def test_dense_follow_graph_fills_every_pair_once(app, runner):
    # 5 users can make at most 20 follows; asking for more gives all of them.
    seed(runner, "--users", "5", "--follows", "50", "--posts", "0", "--comments", "0", "--images", "0")

    assert sum(len(user["following"]) for user in raw_users()) == 20


def test_demo_logins_work_with_the_demo_password(app, runner):
    seed(runner, *SMALL)

    roles = {
        "demo@example.com": "User",
        "moderator@example.com": "Moderator",
        "admin@example.com": "Administrator",
    }
    for email, role in roles.items():
        user = User.by_email(email)
        assert user.verify_password(DEMO_PASSWORD)
        assert not user.verify_password("wrong")
        assert user.confirmed
        assert user.role.name == role
    demo = User.by_email("demo@example.com")
    assert demo.following_count > 0
    assert Post.objects(author=demo).count() > 0
    assert User.objects(role=Role.named("Administrator")).count() == 1
    assert all(user.confirmed for user in User.objects)


def test_fake_members_have_profiles_from_the_past(app, runner):
    seed(runner, *SMALL)

    usernames = set()
    for user in User.objects:
        assert user.name and user.location and user.about_me
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_.]*", user.username)
        assert user.username_key == user.username.lower()
        assert user.member_since < min(post.timestamp for post in Post.objects)
        usernames.add(user.username_key)
    assert len(usernames) == 12


def test_posts_are_rendered_markdown_with_tags_and_images(app, runner):
    seed(runner, *SMALL)

    posts = list(Post.objects)
    for post in posts:
        assert post.title and post.body
        assert post.body_html and "<script" not in post.body_html
        assert "<h2>" in post.body_html
        assert post.excerpt
        assert len(post.tags) <= 5
        assert all(tag == tag.lower().strip() for tag in post.tags)
    assert any(post.tags for post in posts)

    with_images = [post for post in posts if post.files]
    assert sum(len(post.files) for post in with_images) == 3
    store = gridfs_for(app)
    for post in with_images:
        for file_id in post.files:
            assert f'src="/files/{file_id}"' in post.body_html
            stored = store.get(file_id)
            assert stored.metadata["content_type"] in {"image/png", "image/jpeg"}
            assert stored.metadata["owner"] == post.author_id
            assert stored.metadata["size"] == stored.length
            Image.open(BytesIO(stored.read())).verify()


def test_seeded_documents_have_the_shape_the_models_write(app, runner, make_user):
    author = make_user("shape", name="Shape", location="Here", about_me="Hi")
    written = Post.publish(author, "Written", "Some *text*", tags="a")
    written.add_comment(author, "a comment")
    seed(runner, *SMALL)

    registered = User._get_collection().find_one({"_id": author.id})
    seeded_user = User._get_collection().find_one({"email": "demo@example.com"})
    assert set(seeded_user) == set(registered)
    written_raw = Post._get_collection().find_one({"_id": written.id})
    seeded_post = Post._get_collection().find_one({"_id": {"$ne": written.id}, "comment_count": {"$gt": 0}})
    assert set(seeded_post) == set(written_raw)
    assert set(seeded_post["comments"][0]) == set(written_raw["comments"][0])

    loaded = Post.objects(id=seeded_post["_id"]).first()
    assert isinstance(loaded.author, User)
    assert loaded.comments[0].id == seeded_post["comments"][0]["id"]
    assert Post.set_comment_disabled(loaded.comments[0].id, True)


def test_reset_empties_the_database_first(app, runner, make_user):
    make_user("keeper")
    seed(runner, *SMALL)

    seed(
        runner,
        "--reset",
        "--users",
        "4",
        "--posts",
        "3",
        "--comments",
        "5",
        "--follows",
        "2",
        "--images",
        "1",
    )

    assert User.objects(username="keeper").count() == 0
    assert User.objects.count() == 4
    assert Post.objects.count() == 3
    assert pictures(app) == 1
    files = get_db(app)["fs.files"]
    assert files.count_documents({"metadata.kind": {"$ne": "image"}}) <= 1  # its thumbnail
    kept = set(files.distinct("_id"))
    assert set(get_db(app)["fs.chunks"].distinct("files_id")) <= kept
    assert sorted(role.name for role in Role.objects) == ["Administrator", "Moderator", "User"]
    assert User.by_email("demo@example.com").role.name == "User"


def test_seeding_again_adds_to_what_is_there(app, runner):
    seed(runner, *SMALL)
    again = seed(runner, "--users", "5", "--posts", "4", "--comments", "6", "--images", "0")

    assert User.objects.count() == 17
    assert User.objects(email="demo@example.com").count() == 1
    assert Post.objects.count() == 24
    assert "created 5 users" in again.stdout
    assert "demo@example.com" in again.stdout  # still there, still printed


def test_logins_not_created_are_not_printed(app, runner):
    result = seed(runner, "--users", "1", "--posts", "1", "--comments", "0", "--images", "0")

    assert User.objects.count() == 1
    assert "demo@example.com" in result.stdout
    assert "admin@example.com" not in result.stdout


def test_same_seed_gives_the_same_content(app, runner):
    seed(runner, *SMALL)
    first = (sorted(user["username"] for user in raw_users()), sorted(post["title"] for post in raw_posts()))
    seed(runner, "--reset", *SMALL)
    second = (sorted(user["username"] for user in raw_users()), sorted(post["title"] for post in raw_posts()))

    assert first == second


def test_more_comments_than_posts_can_hold_are_capped(app, runner):
    app.config["MAX_COMMENTS_PER_POST"] = 3
    seed(runner, "--users", "4", "--posts", "2", "--comments", "50", "--images", "0")

    assert [post["comment_count"] for post in raw_posts()] == [3, 3]


@pytest.mark.embedded_only("the demo seeds only the embedded database")
def test_make_run_seeds_an_empty_embedded_database_once(monkeypatch, make_app):
    served = []
    monkeypatch.setattr(
        commands, "run_simple", lambda host, port, app, **options: served.append((host, port, app))
    )
    app = make_app()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["demo"])

    assert result.exit_code == 0, result.output + repr(result.exception)
    with app.app_context():
        assert User.objects.count() == DEMO_SIZES.users
        assert Post.objects.count() == DEMO_SIZES.posts
        assert User.by_email("demo@example.com").verify_password(DEMO_PASSWORD)
    printed = result.stderr
    assert "http://127.0.0.1:5000" in printed
    assert "demo@example.com" in printed
    assert served == [("127.0.0.1", 5000, app)]

    assert runner.invoke(args=["demo", "--port", "5001"]).exit_code == 0
    with app.app_context():
        assert User.objects.count() == DEMO_SIZES.users
    assert served[-1] == ("127.0.0.1", 5001, app)


def test_script_refuses_without_mongodb_uri():
    env = {key: value for key, value in os.environ.items() if key != "MONGODB_URI"}
    finished = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "seed.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode != 0
    assert "MONGODB_URI is not set" in finished.stderr
    assert len(finished.stderr.strip().splitlines()) == 1


def test_script_says_when_the_server_cannot_be_reached():
    env = dict(
        os.environ,
        MONGODB_URI="mongodb://127.0.0.1:9/inkwell_seed_test",
        MONGODB_SERVER_SELECTION_TIMEOUT_MS="200",
        MONGODB_TIMEOUT_MS="200",
        SITE_CONFIG="development",
    )
    finished = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "seed.py"), "--users", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert finished.returncode != 0
    assert "cannot reach the MongoDB server named by MONGODB_URI" in finished.stderr
    assert "Traceback" not in finished.stderr


@pytest.mark.parametrize(
    "argument", ["--users", "--posts", "--comments", "--follows", "--images", "--reset", "--seed"]
)
def test_help_lists_every_option(runner, argument):
    result = runner.invoke(args=["seed", "--help"])
    assert argument in result.output


def test_seeded_pictures_survive_the_media_cleanup(app, runner):
    seed(runner, *SMALL)
    before = get_db(app)["fs.files"].count_documents({})

    result = runner.invoke(args=["media", "gc", "--grace-hours", "0"])

    assert result.exit_code == 0, result.output
    assert get_db(app)["fs.files"].count_documents({}) == before


def test_seeding_without_faker_says_what_to_install(runner, app, monkeypatch):
    monkeypatch.setitem(sys.modules, "faker", None)  # as in the production image
    result = runner.invoke(args=["seed", "--users", "2"])
    assert result.exit_code == 1
    assert "pip install -r requirements-embedded.txt" in result.output
