"""Import: a writer brings in their posts from an Inkwell export, WordPress,
Ghost, Medium or a feed; each on a small real-shaped file made here."""

import re
from datetime import datetime

import pytest
from import_samples import (
    ATOM,
    MEDIUM_POST,
    RSS,
    WXR,
    ghost_export,
    inkwell_export,
    inkwell_post,
    medium_export,
    png_bytes,
    summary,
    upload,
)

from site_app.models import Notification, Post, User
from site_app.models.imports import ImportRun


@pytest.fixture
def writer(make_user, auth):
    user = make_user("wendy")
    auth.login_as(user)
    return user


def posts_of(user):
    return {post.title: post for post in Post.objects(author=user.id)}


def test_an_inkwell_export_comes_back_with_dates_tags_details_drafts_and_images(app, client, writer):
    export = inkwell_export(
        {
            "2023-04-05-tides": inkwell_post(
                "Tides",
                "Twice a day.\n\n![the bay](bay.png)\n\n![again](posts/2023-04-05-tides/bay.png)",
                "64a000000000000000000001",
                tags=["sea", "moon"],
                draft=False,
                subtitle="What the harbour taught me",
                excerpt="About water.",
                canonical_url="https://elsewhere.example/tides",
                updated="2023-05-01T00:00:00Z",
            ),
            "2023-06-01-unfinished": inkwell_post(
                "Unfinished", "Still thinking.", "64a000000000000000000002", draft=True
            ),
        },
        extra={"posts/2023-04-05-tides/bay.png": png_bytes()},
    )

    text = summary(client, upload(client, export))
    assert "Done: 2 imported, 0 skipped, 0 failed." in text

    posts = posts_of(writer)
    tides, draft = posts["Tides"], posts["Unfinished"]
    assert tides.timestamp == datetime(2023, 4, 5, 6, 7, 8)
    assert tides.updated == datetime(2023, 5, 1)
    assert tides.tags == ["sea", "moon"] and not tides.draft and draft.draft
    assert (tides.subtitle, tides.custom_excerpt, tides.canonical_url) == (
        "What the harbour taught me",
        "About water.",
        "https://elsewhere.example/tides",
    )
    assert tides.import_source == "inkwell:64a000000000000000000001"
    # Both links to the image point at one stored file, served to readers.
    links = re.findall(r"\(/files/([0-9a-f]{24})\)", tides.body)
    assert len(links) == 2 and links[0] == links[1]
    assert [str(file_id) for file_id in tides.files] == [links[0]]
    image = app.test_client().get(f"/files/{links[0]}")
    assert image.status_code == 200 and image.mimetype == "image/png"
    page = app.test_client().get(f"/post/{tides.id}")
    assert f'src="/files/{links[0]}"' in page.text
    assert app.test_client().get(f"/post/{draft.id}").status_code == 404
    assert "Unfinished" in client.get("/drafts").text


def test_running_the_same_file_twice_imports_nothing_new(app, client, writer):
    export = inkwell_export(
        {
            "2023-01-01-one": inkwell_post("One", "First.", "id-one"),
            "2023-01-02-two": inkwell_post("Two", "Second.", "id-two"),
        }
    )
    assert "Done: 2 imported" in summary(client, upload(client, export))

    text = summary(client, upload(client, export))

    assert "Done: 0 imported, 2 skipped, 0 failed." in text
    assert text.count("Already imported.") == 2
    assert Post.objects(author=writer.id).count() == 2


def test_a_post_already_there_under_its_canonical_address_is_skipped(app, client, writer):
    Post.publish(
        writer,
        "Low tide",
        "Written here first.",
        details={"canonical_url": "https://harbour.example/2019/03/low-tide/"},
    )

    text = summary(client, upload(client, WXR, "harbour.xml"))

    assert "Done: 1 imported, 1 skipped, 0 failed." in text
    assert sorted(posts_of(writer)) == ["Half written", "Low tide"]
    assert posts_of(writer)["Low tide"].body == "Written here first."


def test_a_wordpress_export_brings_posts_and_drafts_as_markdown(app, client, writer):
    text = summary(client, upload(client, WXR, "wordpress.2019-03-05.xml"))

    assert "Done: 2 imported, 0 skipped, 0 failed." in text  # the page is no post
    posts = posts_of(writer)
    low = posts["Low tide"]
    assert low.body.startswith("The water **left** the harbour.")
    assert "## Mud" in low.body and "- crabs" in low.body and "alert" not in low.body
    assert low.tags == ["sea", "tides"]
    assert low.timestamp == datetime(2019, 3, 2, 10, 20, 30)
    assert low.updated == datetime(2019, 3, 4, 8)
    assert low.canonical_url == "https://harbour.example/2019/03/low-tide/"
    assert low.custom_excerpt == "Where the water goes."
    assert "<strong>left</strong>" in low.body_html and "<h2>Mud</h2>" in low.body_html
    assert posts["Half written"].draft and not low.draft


def test_a_ghost_export_brings_its_posts_with_their_tags(app, client, writer):
    text = summary(client, upload(client, ghost_export(), "ghost-backup.json"))

    assert "Done: 2 imported, 0 skipped, 0 failed." in text
    posts = posts_of(writer)
    fog = posts["Fog signals"]
    assert fog.body == "Two long blasts *every* two minutes."
    assert fog.tags == ["navigation", "sound"]
    assert fog.timestamp == datetime(2021, 6, 7, 8, 9, 10)
    assert fog.canonical_url == "https://ghost.example/fog-signals/"
    assert fog.import_source == "ghost:a1b2"
    assert posts["Buoys"].draft and "Contact" not in posts


def test_a_medium_export_brings_its_posts_and_drafts(app, client, writer):
    text = summary(client, upload(client, medium_export(), "medium-export.zip"))

    assert "Done: 2 imported, 0 skipped, 0 failed." in text
    posts = posts_of(writer)
    keepers = posts["Lighthouse keepers"]
    assert "They kept the [lamp](https://example.org/lamp) lit." in keepers.body
    assert "> Every night." in keepers.body
    assert keepers.subtitle == "The last of them"
    assert keepers.timestamp == datetime(2018, 9, 10, 11, 12, 13)
    assert keepers.canonical_url == "https://medium.com/@wendy/lighthouse-keepers-abc123"
    assert posts["Untold"].draft
    assert "<blockquote>" in keepers.body_html


@pytest.mark.parametrize(
    "feed, title, when, tags, canonical",
    [
        (ATOM, "Storm warning", datetime(2020, 2, 1, 8), ["weather"], "https://log.example/storm"),
        (RSS, "Calm", datetime(2020, 3, 10, 9), ["weather"], "https://rss.example/calm"),
    ],
)
def test_an_atom_or_rss_feed_brings_its_entries(app, client, writer, feed, title, when, tags, canonical):
    text = summary(client, upload(client, feed, "feed.txt"))

    assert "Done: 1 imported, 0 skipped, 0 failed." in text
    post = posts_of(writer)[title]
    assert (post.timestamp, post.tags, post.canonical_url, post.draft) == (when, tags, canonical, False)


def test_the_contents_decide_the_kind_not_the_name(app, client, writer):
    text = summary(client, upload(client, ghost_export(), "photo.png"))

    assert "a Ghost export" in text and "Done: 2 imported" in text


def test_an_image_the_media_store_refuses_fails_its_post_alone(app, client, writer):
    export = inkwell_export(
        {
            "2023-01-01-good": inkwell_post("Good", "Plain text.", "good"),
            "2023-01-02-bad": inkwell_post("Bad", "![x](x.png)", "bad"),
        },
        extra={"posts/2023-01-02-bad/x.png": b"<html><script>alert(1)</script></html>"},
    )

    text = summary(client, upload(client, export))

    assert "Done: 1 imported, 0 skipped, 1 failed." in text
    failed = re.search(r'<tr class="import-failed"><td>Bad</td><td>failed</td><td>([^<]+)</td>', text)
    assert failed and "x.png" in failed.group(1)
    assert list(posts_of(writer)) == ["Good"]


def test_imported_posts_tell_nobody(app, client, writer, make_user):
    follower, named = make_user("fern"), make_user("ned")
    follower.follow(writer)
    export = inkwell_export({"2023-01-01-hello": inkwell_post("Hello", "Hi @ned and all.", "h")})

    assert "Done: 1 imported" in summary(client, upload(client, export))

    assert Notification.objects(recipient__in=[follower.id, named.id]).count() == 0


def test_a_run_is_its_writers_alone_and_import_needs_a_writer(app, client, writer, make_user):
    response = upload(client, ghost_export())
    run_page = response.headers["Location"]
    assert client.get("/import").status_code == 200
    assert "ghost-backup" not in client.get("/import").text
    stranger = make_user("sam")
    other = app.test_client()
    other.post("/auth/login", data={"email": stranger.email, "password": "correct horse battery"})
    assert other.get(run_page).status_code == 404
    anonymous = app.test_client().get("/import")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    assert ImportRun.objects.count() == 1 and User.objects(username="sam").count() == 1


def test_a_medium_post_page_alone_is_not_a_file_to_import(app, client, writer):
    response = upload(client, MEDIUM_POST, "post.html")

    assert response.status_code == 400
    assert "This file is not one Inkwell can import" in response.text


def test_two_runs_racing_store_each_post_once(app, client, writer, monkeypatch):
    """A second run that looked before the first stored (both saw nothing
    yet) is stopped by the unique (author, source) index: skipped, not doubled."""
    export = inkwell_export({"2023-01-01-one": inkwell_post("One", "First.", "id-one")})
    assert "Done: 1 imported" in summary(client, upload(client, export))
    monkeypatch.setattr(Post, "already_imported", classmethod(lambda cls, *args: set()))

    text = summary(client, upload(client, export))

    assert "Done: 0 imported, 1 skipped, 0 failed." in text
    assert Post.objects(author=writer.id).count() == 1


def test_a_job_that_died_half_way_and_is_delivered_again_finishes_without_doubles(
    app, client, writer, monkeypatch
):
    from site_app.imports import runner

    export = inkwell_export(
        {
            "2023-01-01-one": inkwell_post("One", "First.", "id-one"),
            "2023-01-02-two": inkwell_post("Two", "Second.", "id-two"),
        }
    )
    import_one, calls = runner._import_one, []

    def dies_before_the_second_post(*args):
        calls.append(args)
        if len(calls) == 2:
            raise ConnectionError("the worker lost its database")
        return import_one(*args)

    monkeypatch.setattr(runner, "_import_one", dies_before_the_second_post)
    run_page = upload(client, export).headers["Location"]
    assert "1 of 2 posts done" in client.get(run_page).text  # left running
    monkeypatch.setattr(runner, "_import_one", import_one)

    with app.test_request_context():  # the queue delivers it again
        runner.run_import(str(ImportRun.objects.get().id), "/files/000000000000000000000000")

    assert "Done: 1 imported, 1 skipped, 0 failed." in client.get(run_page).text
    assert sorted(posts_of(writer)) == ["One", "Two"]


def test_the_run_page_shows_progress_and_refreshes_itself_until_done(app, client, writer):
    run_page = upload(client, ghost_export()).headers["Location"]
    ImportRun.objects.get().update(set__state="running", set__done=1, set__total=2)

    running = client.get(run_page).text
    assert "1 of 2 posts done" in running
    assert '<meta http-equiv="refresh" content="3">' in running

    ImportRun.objects.get().update(set__state="done", set__done=2)
    assert 'http-equiv="refresh"' not in client.get(run_page).text


def test_a_writers_own_export_brought_back_to_the_same_account_imports_nothing(app, client, writer):
    post = Post.publish(writer, "Mine", "Written here.")
    export = inkwell_export({"2024-01-01-mine": inkwell_post("Mine", "Written here.", str(post.id))})

    text = summary(client, upload(client, export))

    assert "Done: 0 imported, 1 skipped, 0 failed." in text
    assert Post.objects(author=writer.id).count() == 1
