"""Scheduled publishing: a time on the write and edit pages (the writer's
local time, stored in UTC) or in the API keeps a post a draft until then;
``flask publish-due`` (what the scheduler runs each minute) publishes it
once, with its notifications, feeds and cached pages changing then."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from helpers import signed_in_client

from site_app.models import Notification, Post
from site_app.models import schedule as schedule_module
from site_app.models.signals import post_published

SECRET = "Quokkaville"  # a word no other text of these tests holds
PASSWORD = "correct horse battery"


def post_id_from(response):
    return re.search(r"/post/([0-9a-f]{24})", response.headers["Location"]).group(1)


def local_text(utc, zone_hours=1):
    """What a datetime-local field sends for ``utc`` on a clock ``zone_hours`` ahead."""
    return f"{utc + timedelta(hours=zone_hours):%Y-%m-%dT%H:%M}"


def in_minutes(minutes):
    now = datetime.now(UTC).replace(tzinfo=None, second=0, microsecond=0)
    return now + timedelta(minutes=minutes)


@pytest.fixture
def writer(make_user):
    return make_user("wendy")


@pytest.fixture
def wendy(app, writer):
    return signed_in_client(app, writer)


@pytest.fixture
def later(monkeypatch):
    """Move the scheduler's clock ``minutes`` ahead (the time comes)."""

    def move(minutes):
        moved = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=minutes)
        monkeypatch.setattr(schedule_module, "utcnow", lambda: moved)

    return move


@pytest.fixture
def announced():
    """The ``post_published`` signals sent, as (post id, author id)."""
    sent = []

    def record(sender, post, author, **_):
        sent.append((str(post), str(author)))

    post_published.connect(record)
    yield sent
    post_published.disconnect(record)


def schedule_through_the_form(client, minutes=90, zone="Europe/Madrid", zone_hours=1, **extra):
    when = in_minutes(minutes)
    data = {
        "title": f"{SECRET} launch",
        "body": f"Soon, @rita: {SECRET}.",
        "tags": "launches",
        "publish_at": local_text(when, zone_hours),
        "timezone": zone,
        "submit": "Publish",
    }
    data.update(extra)
    return client.post("/write", data=data), when


def test_a_time_on_the_write_page_keeps_the_post_a_draft_until_then(app, wendy, writer, make_user):
    reader = make_user("rita")
    reader.follow(writer)
    # December: Madrid is one hour ahead of UTC.
    response, when = schedule_through_the_form(wendy)
    assert response.status_code == 302
    post = Post.objects.get(id=post_id_from(response))
    assert post.draft is True and post.publish_at == when
    assert "scheduled" in wendy.get(response.headers["Location"]).get_data(as_text=True)

    drafts = wendy.get("/drafts").get_data(as_text=True)
    assert "Scheduled for" in drafts
    assert f'datetime="{when:%Y-%m-%dT%H:%M:%SZ}"' in drafts  # shown in the reader's zone by script
    assert f"/unschedule/{post.id}" in drafts and "Cancel schedule" in drafts
    anyone = app.test_client()
    for path in ("/", "/feed.atom", "/user/wendy", "/tag/launches"):
        assert SECRET not in anyone.get(path).get_data(as_text=True), path
    assert anyone.get(f"/post/{post.id}").status_code == 404
    assert Notification.objects(recipient=reader.id).count() == 0  # the mention waits too


def test_publish_due_publishes_at_the_time_once_and_tells_then(
    app, runner, wendy, writer, make_user, later, announced
):
    reader = make_user("rita")
    response, when = schedule_through_the_form(wendy, minutes=30)
    post_id = post_id_from(response)
    saved_at = Post.objects.get(id=post_id).timestamp

    early = runner.invoke(args=["publish-due"])
    assert early.exit_code == 0 and "scheduled posts published: 0" in early.output
    assert Post.objects.get(id=post_id).draft is True

    later(31)
    result = runner.invoke(args=["publish-due"])
    assert result.exit_code == 0, result.output
    assert "scheduled posts published: 1" in result.output
    post = Post.objects.get(id=post_id)
    assert post.draft is False and post.publish_at is None
    assert post.timestamp > saved_at  # dated at publication, not at saving
    assert announced == [(post_id, str(writer.id))]
    assert Notification.objects(recipient=reader.id).count() == 1  # the mention, told now
    anyone = app.test_client()
    assert SECRET in anyone.get("/").get_data(as_text=True)
    assert SECRET in anyone.get("/feed.atom").get_data(as_text=True)

    again = runner.invoke(args=["publish-due"])
    assert "scheduled posts published: 0" in again.output
    assert announced == [(post_id, str(writer.id))]


def test_two_runs_at_the_same_moment_publish_once(app, app_context, writer, announced):
    post = Post.publish(writer, f"{SECRET} twice", "Once only.", publish_at=in_minutes(5))
    moment = in_minutes(6)
    # Both runs read the post as due before either publishes it.
    first_run, second_run = list(Post.due(moment)), list(Post.due(moment))
    assert [p.id for p in first_run] == [p.id for p in second_run] == [post.id]
    assert first_run[0].publish_draft(due_by=moment) is True
    assert second_run[0].publish_draft(due_by=moment) is False
    assert announced == [(str(post.id), str(writer.id))]


def test_a_time_that_passed_while_nothing_ran_is_published_at_the_next_run(
    app, runner, app_context, writer, later
):
    post = Post.publish(writer, f"{SECRET} overnight", "Nobody ran.", publish_at=in_minutes(10))
    later(60 * 24 * 3)  # three days with no scheduler
    assert "scheduled posts published: 1" in runner.invoke(args=["publish-due"]).output
    assert post.reload().draft is False


@pytest.mark.app_config(CACHE_TYPE="SimpleCache")
def test_cached_pages_change_at_publication_not_at_saving(app, runner, wendy, later):
    anyone = app.test_client()
    assert SECRET not in anyone.get("/").get_data(as_text=True)  # now cached
    response, _ = schedule_through_the_form(wendy, minutes=5)
    assert SECRET not in anyone.get("/").get_data(as_text=True)
    later(6)
    runner.invoke(args=["publish-due"])
    assert SECRET in anyone.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "publish_at, zone, message",
    [
        ("next tuesday", "Europe/Madrid", "is not a date and time"),
        ("2026-02-30T10:00", "Europe/Madrid", "is not a date and time"),
        ("2001-01-01T10:00", "Europe/Madrid", "That time has passed"),
        ("9999-12-31T23:59", "Europe/Madrid", "more than five years ahead"),
        (None, "Mars/Olympus_Mons", "Unknown time zone"),
    ],
)
def test_a_bad_time_is_a_clear_400_that_loses_nothing_typed(app, wendy, publish_at, zone, message):
    publish_at = publish_at or local_text(in_minutes(60))
    response = wendy.post(
        "/write",
        data={
            "title": f"{SECRET} kept",
            "body": f"Every word {SECRET} kept.",
            "tags": "keep",
            "publish_at": publish_at,
            "timezone": zone,
            "submit": "Publish",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f"{SECRET} kept" in page and f"Every word {SECRET} kept." in page
    assert f'value="{publish_at}"' in page
    assert Post.objects.count() == 0


def test_the_past_minute_is_not_refused_and_is_published_at_the_next_run(app, runner, wendy):
    response, _ = schedule_through_the_form(wendy, minutes=0, zone="UTC", zone_hours=0)
    assert response.status_code == 302
    assert "scheduled posts published: 1" in runner.invoke(args=["publish-due"]).output


def test_without_the_browsers_zone_the_time_is_read_as_utc(app, wendy):
    page = wendy.get("/write").get_data(as_text=True)
    assert 'type="datetime-local"' in page and "Read as UTC" in page and "js/publish-at." in page
    response, when = schedule_through_the_form(wendy, zone="", zone_hours=0)
    assert Post.objects.get(id=post_id_from(response)).publish_at == when


def test_the_writer_changes_or_cancels_the_time(app, wendy):
    response, _ = schedule_through_the_form(wendy)
    post_id = post_id_from(response)
    edit_page = wendy.get(f"/edit/{post_id}").get_data(as_text=True)
    stored = Post.objects.get(id=post_id).publish_at
    assert f'data-utc="{stored:%Y-%m-%dT%H:%M:%SZ}"' in edit_page  # the script shows it locally

    new_time = in_minutes(240)
    changed = wendy.post(
        f"/edit/{post_id}",
        data={
            "title": f"{SECRET} launch",
            "body": "Moved.",
            "publish_at": local_text(new_time, -5),
            "timezone": "America/New_York",
            "submit": "Publish",
        },
    )
    assert changed.status_code == 302
    post = Post.objects.get(id=post_id)
    assert post.draft is True and post.publish_at == new_time and post.body == "Moved."

    cancelled = wendy.post(f"/unschedule/{post_id}")
    assert cancelled.status_code == 302 and cancelled.headers["Location"].endswith("/drafts")
    post = Post.objects.get(id=post_id)
    assert post.draft is True and post.publish_at is None
    assert "Scheduled for" not in wendy.get("/drafts").get_data(as_text=True)


def test_an_empty_time_on_the_edit_page_cancels_it_and_publish_now_publishes(app, wendy, announced):
    response, _ = schedule_through_the_form(wendy)
    post_id = post_id_from(response)
    kept = wendy.post(
        f"/edit/{post_id}",
        data={"title": "Kept", "body": "Still a draft.", "publish_at": "", "save_draft": "Save draft"},
    )
    assert kept.status_code == 302
    post = Post.objects.get(id=post_id)
    assert post.draft is True and post.publish_at is None

    schedule_through_the_form(wendy)  # another one, published at once by the button
    other = Post.objects(publish_at__ne=None).get()
    assert wendy.post(f"/publish/{other.id}").status_code == 302
    other.reload()
    assert other.draft is False and other.publish_at is None
    assert announced == [(str(other.id), str(other.author_id))]


def test_others_cannot_cancel_a_schedule(app, wendy, make_user):
    response, _ = schedule_through_the_form(wendy)
    post_id = post_id_from(response)
    stranger = signed_in_client(app, make_user("sam"))
    assert stranger.post(f"/unschedule/{post_id}").status_code == 404
    assert Post.objects.get(id=post_id).publish_at is not None


def test_the_api_schedules_changes_and_cancels(app, writer, api_headers, runner, later):
    client = app.test_client()
    headers = api_headers("wendy@example.com", PASSWORD)
    when = in_minutes(120)
    created = client.post(
        "/api/v1/posts/",
        headers=headers,
        json={
            "title": f"{SECRET} by API",
            "body": "Later.",
            "publish_at": f"{when + timedelta(hours=2):%Y-%m-%dT%H:%M:%S}+02:00",
        },
    )
    assert created.status_code == 201
    answer = created.get_json()
    assert answer["draft"] is True and answer["publish_at"] == f"{when:%Y-%m-%dT%H:%M:%S}.000Z"
    url = f"/api/v1/posts/{answer['id']}"

    moved = client.put(
        url, headers=headers, json={"publish_at": local_text(when, 9), "timezone": "Asia/Tokyo"}
    )
    assert moved.status_code == 200 and moved.get_json()["publish_at"] == f"{when:%Y-%m-%dT%H:%M:%S}.000Z"
    assert client.put(url, headers=headers, json={"publish_at": None}).get_json()["publish_at"] is None
    assert client.put(url, headers=headers, json={"publish_at": f"{when:%Y-%m-%dT%H:%M}"}).status_code == 200

    later(121)
    runner.invoke(args=["publish-due"])
    published = client.get(url, headers=headers).get_json()
    assert published["draft"] is False and published["publish_at"] is None


@pytest.mark.parametrize(
    "body, message",
    [
        ({"publish_at": "soonish"}, "'publish_at': “soonish” is not a date and time"),
        ({"publish_at": 1767225600}, "'publish_at' must be an ISO 8601 date and time"),
        ({"publish_at": "2001-01-01T00:00:00Z"}, "'publish_at': That time has passed"),
        ({"publish_at": "2030-01-01T00:00", "timezone": "Nowhere/Land"}, "Unknown time zone"),
    ],
)
def test_the_api_refuses_a_bad_time_with_a_400(app, writer, api_headers, body, message):
    response = app.test_client().post(
        "/api/v1/posts/",
        headers=api_headers("wendy@example.com", PASSWORD),
        json={"title": "T", "body": "B", **body},
    )
    assert response.status_code == 400
    assert message in response.get_json()["message"]
    assert Post.objects.count() == 0


def test_the_api_refuses_a_time_for_a_published_post(app, writer, api_headers):
    headers = api_headers("wendy@example.com", PASSWORD)
    client = app.test_client()
    url = client.post("/api/v1/posts/", headers=headers, json={"title": "T", "body": "B"}).get_json()["url"]
    path = url.split("localhost", 1)[-1]
    response = client.put(path, headers=headers, json={"publish_at": local_text(in_minutes(60), 0)})
    assert response.status_code == 400
    assert "The post is published" in response.get_json()["message"]
    assert client.get(path, headers=headers).get_json()["draft"] is False


def test_a_draft_saved_with_its_time_just_passed_keeps_it_and_goes_out_next_run(app, runner, wendy):
    """The time came while the writer had the edit page open: sending the
    stored time back unchanged is no error; another past time is."""
    response, _ = schedule_through_the_form(wendy)
    post_id = post_id_from(response)
    passed = in_minutes(-3)
    Post.objects(id=post_id).update_one(set__publish_at=passed)  # its minute has gone by
    form = {"title": "Kept", "body": "Saved late.", "timezone": "", "submit": "Publish"}
    saved = wendy.post(f"/edit/{post_id}", data={**form, "publish_at": f"{passed:%Y-%m-%dT%H:%M}"})
    assert saved.status_code == 302
    other = wendy.post(
        f"/edit/{post_id}", data={**form, "publish_at": f"{passed - timedelta(minutes=5):%Y-%m-%dT%H:%M}"}
    )
    assert other.status_code == 400 and "That time has passed" in other.get_data(as_text=True)
    assert "scheduled posts published: 1" in runner.invoke(args=["publish-due"]).output
    assert Post.objects.get(id=post_id).body == "Saved late."
