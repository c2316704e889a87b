"""An operator backs the site up with ``flask --app site_app backup PATH`` and
restores it with ``restore PATH [--replace]``: every collection, GridFS
files included, on the embedded default and through the driver alike."""

import re
import zipfile

import pytest

from site_app.database import get_db

SMALL = [
    "--users",
    "6",
    "--posts",
    "8",
    "--comments",
    "20",
    "--follows",
    "10",
    "--images",
    "2",
    "--seed",
    "11",
]


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def succeed(app, *args):
    result = run(app, *args)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


@pytest.fixture
def seeded(app):
    succeed(app, "seed", *SMALL)
    return app


@pytest.fixture
def fresh_app(make_app):
    """A second site with its own empty database, as after a new install."""
    return lambda **overrides: make_app(roles=False, **overrides)


def pages_to_compare(client):
    """The home page, a post, its writer's profile and a picture in it."""
    home = client.get("/").get_data(as_text=True)
    post = re.search(r'href="(/post/[0-9a-f]{24})"', home).group(1)
    post_page = client.get(post).get_data(as_text=True)
    profile = re.search(r'href="(/user/[^"/?#]+)"', post_page).group(1)
    return ["/", post, profile, first_picture(client)]


def first_picture(client):
    """A stored picture: the first post on the home pages showing one."""
    for page in range(1, 4):
        for post in re.findall(
            r'href="(/post/[0-9a-f]{24})"', client.get(f"/?page={page}").get_data(as_text=True)
        ):
            found = re.search(r'src="(/files/[0-9a-f]{24})[^"]*"', client.get(post).get_data(as_text=True))
            if found:
                return found.group(1)
    raise AssertionError("the seeded site shows no picture")


def answers(client, paths):
    """Each page's status and bytes."""
    responses = {path: client.get(path) for path in paths}
    return {path: (answer.status_code, answer.get_data()) for path, answer in responses.items()}


def test_a_restored_site_answers_the_same_pages(seeded, fresh_app, tmp_path):
    archive = tmp_path / "site.zip"
    succeed(seeded, "backup", str(archive))
    paths = pages_to_compare(seeded.test_client())
    before = answers(seeded.test_client(), paths)

    restored = fresh_app()
    result = succeed(restored, "restore", str(archive))

    after = answers(restored.test_client(), paths)
    for path in paths:
        assert before[path][0] == 200, path
        assert after[path] == before[path], f"{path} differs after the restore"
    assert "fs.chunks: " in result.output and "fs.files: " in result.output


def test_every_collection_and_index_comes_back(seeded, fresh_app, tmp_path):
    archive = tmp_path / "site.zip"
    succeed(seeded, "backup", str(archive))
    source = get_db(seeded)
    get_db(seeded)["an_operators_notes"].insert_one({"note": "kept by hand"})
    succeed(seeded, "backup", str(archive))

    restored = fresh_app()
    succeed(restored, "restore", str(archive))

    target = get_db(restored)
    names = sorted(n for n in source.list_collection_names() if not n.startswith("system."))
    assert sorted(n for n in target.list_collection_names() if not n.startswith("system.")) == names
    for name in names:
        assert list(target[name].find({})) == list(source[name].find({})), name
        assert sorted(target[name].index_information()) == sorted(source[name].index_information()), name


def test_the_archive_holds_each_collection_as_bson(seeded, tmp_path):
    archive = tmp_path / "site.zip"
    result = succeed(seeded, "backup", str(archive))

    with zipfile.ZipFile(archive) as opened:
        members = set(opened.namelist())
    assert {
        "manifest.json",
        "collections/fs.files.bson",
        "collections/fs.chunks.bson",
        "collections/posts.bson",
        "collections/users.bson",
    } <= members
    assert f"to {archive}" in result.output
    assert not (tmp_path / "site.zip.partial").exists()


def test_restore_refuses_a_database_with_documents(seeded, fresh_app, tmp_path):
    archive = tmp_path / "site.zip"
    succeed(seeded, "backup", str(archive))
    other = fresh_app()
    succeed(
        other,
        "seed",
        "--users",
        "3",
        "--posts",
        "2",
        "--comments",
        "0",
        "--follows",
        "0",
        "--images",
        "0",
        "--seed",
        "5",
    )
    before = {name: list(get_db(other)[name].find({})) for name in get_db(other).list_collection_names()}

    result = run(other, "restore", str(archive))

    assert result.exit_code == 1
    assert "is not empty" in result.output and "--replace" in result.output
    assert "Nothing was restored" in result.output
    assert {name: list(get_db(other)[name].find({})) for name in before} == before


def test_replace_makes_the_database_the_backup(seeded, fresh_app, tmp_path):
    archive = tmp_path / "site.zip"
    succeed(seeded, "backup", str(archive))
    other = fresh_app()
    succeed(
        other,
        "seed",
        "--users",
        "3",
        "--posts",
        "2",
        "--comments",
        "0",
        "--follows",
        "0",
        "--images",
        "0",
        "--seed",
        "5",
    )
    get_db(other)["left_from_before"].insert_one({"x": 1})
    paths = pages_to_compare(seeded.test_client())

    succeed(other, "restore", str(archive), "--replace")

    assert "left_from_before" not in get_db(other).list_collection_names()
    assert answers(other.test_client(), paths) == answers(seeded.test_client(), paths)
    # Dropped with the collections, the indexes are built again (the unique
    # ones first of all, that keep two accounts from one address).
    for name in ("users", "posts", "fs.files", "fs.chunks"):
        assert sorted(get_db(other)[name].index_information()) == sorted(
            get_db(seeded)[name].index_information()
        ), name


def test_a_damaged_archive_changes_nothing(seeded, fresh_app, tmp_path):
    archive = tmp_path / "site.zip"
    succeed(seeded, "backup", str(archive))
    cut = tmp_path / "cut.zip"
    with zipfile.ZipFile(archive) as whole, zipfile.ZipFile(cut, "w") as damaged:
        for item in whole.infolist():
            data = whole.read(item)
            if item.filename == "collections/posts.bson":
                data = data[: len(data) // 2]
            damaged.writestr(item, data)
    other = fresh_app()
    succeed(
        other,
        "seed",
        "--users",
        "2",
        "--posts",
        "1",
        "--comments",
        "0",
        "--follows",
        "0",
        "--images",
        "0",
        "--seed",
        "5",
    )
    posts_before = list(get_db(other)["posts"].find({}))

    result = run(other, "restore", str(cut), "--replace")

    assert result.exit_code == 1
    assert "is damaged in collection posts" in result.output
    assert list(get_db(other)["posts"].find({})) == posts_before


def test_a_file_that_is_no_backup_is_refused(app, tmp_path):
    stray = tmp_path / "notes.zip"
    with zipfile.ZipFile(stray, "w") as archive:
        archive.writestr("notes.txt", "hello")

    result = run(app, "restore", str(stray))

    assert result.exit_code == 1
    assert f"{stray} is not an Inkwell backup (no manifest.json)" in result.output


@pytest.mark.embedded_only("the embedded default kept in EMBEDDED_DATA_DIR between runs")
def test_embedded_default_backs_up_and_restores_the_kept_store(seeded, fresh_app, tmp_path):
    archive = tmp_path / "site.zip"
    succeed(seeded, "backup", str(archive))
    kept = tmp_path / "instance"

    succeed(fresh_app(EMBEDDED_DATA_DIR=str(kept)), "restore", str(archive))
    # The next command (another process, another in-memory store) loads the
    # kept file: backing it up gives back every document.
    again = tmp_path / "again.zip"
    result = succeed(fresh_app(EMBEDDED_DATA_DIR=str(kept)), "backup", str(again))

    users = len(list(get_db(seeded)["users"].find({})))
    assert f"users: {users} documents" in result.output
