"""Readers report posts, comments and members; moderators work through the
open reports in /moderate, and the readers who reported are told."""

import re

import pytest
from helpers import signed_in_client

from site_app.models import Post, Role, User
from site_app.models.audit import AuditEntry
from site_app.models.reports import Report


@pytest.fixture
def scene(make_user):
    wendy = make_user("wendy")
    post = Post.publish(wendy, "Cheap watches here", "Buy now", tags="spam")
    comment = post.add_comment(make_user("troll"), "You are all idiots")
    return {"wendy": wendy, "post": post, "comment": comment}


def report(client, target, reason="spam", note=""):
    return client.post("/report", data={"target": target, "reason": reason, "note": note})


def test_a_reader_reports_a_post_and_is_thanked_on_it(client, auth, make_user, scene):
    auth.login_as(make_user("rita"))
    page = client.get(f"/post/{scene['post'].id}").text
    assert f'href="/report?target=post:{scene["post"].id}"' in page
    form = client.get(f"/report?target=post:{scene['post'].id}").text
    assert "Report a post" in form and "Cheap watches here" in form and "Harassment or hate" in form
    sent = report(client, f"post:{scene['post'].id}", "spam", "Selling watches")
    assert sent.status_code == 302 and sent.location == f"/post/{scene['post'].id}"
    assert "a moderator will look at your report" in client.get(sent.location).text
    stored = Report.objects.get()
    assert (stored.reason, stored.note, stored.author) == ("spam", "Selling watches", scene["wendy"].id)


def test_a_reader_reports_a_comment_and_a_member(client, auth, make_user, scene):
    auth.login_as(make_user("rita"))
    page = client.get(f"/post/{scene['post'].id}").text
    assert f'href="/report?target=comment:{scene["comment"].id}"' in page
    assert report(client, f"comment:{scene['comment'].id}", "harassment").status_code == 302
    assert 'href="/report?target=user:troll"' in client.get("/user/troll").text
    assert report(client, "user:troll", "other", "Insults everyone").status_code == 302
    assert sorted(r.target.split(":")[0] for r in Report.objects) == ["comment", "user"]


def test_one_open_report_per_reader_and_target(client, auth, make_user, scene):
    auth.login_as(make_user("rita"))
    assert report(client, f"post:{scene['post'].id}").status_code == 302
    again = report(client, f"post:{scene['post'].id}", "other", "Still selling")
    assert again.status_code == 409
    assert "You have reported this already" in again.text and "Still selling" in again.text
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    "target",
    [
        "post:nothing",
        "post:5f0000000000000000000000",
        "comment:5f0000000000000000000000",
        "user:nobody",
        "planet:mars",
        "",
        "user:",
    ],
)
def test_a_target_that_is_not_there_is_a_404(client, auth, make_user, target):
    auth.login_as(make_user("rita"))
    assert report(client, target).status_code == 404
    assert client.get(f"/report?target={target}").status_code == 404


def test_a_draft_cannot_be_reported_by_others(client, auth, make_user):
    draft = Post.publish(make_user("wendy"), "Not yet", "Soon", draft=True)
    auth.login_as(make_user("rita"))
    assert report(client, f"post:{draft.id}").status_code == 404


def test_a_report_without_a_reason_is_refused_and_keeps_the_note(client, auth, make_user, scene):
    auth.login_as(make_user("rita"))
    refused = report(client, f"post:{scene['post'].id}", reason="boring", note="My words")
    assert refused.status_code == 400 and "My words" in refused.text
    assert Report.objects.count() == 0


def test_readers_who_may_not_report_see_no_report_link(client, auth, make_user, scene):
    post_page = f"/post/{scene['post'].id}"
    assert "/report?" not in client.get(post_page).text  # anonymous: the cached page
    auth.login_as(make_user("newcomer", confirmed=False))
    assert "/report?" not in client.get(post_page).text
    assert (
        client.post("/report", data={"target": f"post:{scene['post'].id}", "reason": "spam"}).location
        == "/auth/unconfirmed"
    )
    auth.logout()
    auth.login_as(scene["wendy"])  # one's own post and profile
    assert f"/report?target=post:{scene['post'].id}" not in client.get(post_page).text
    assert "/report?target=user:wendy" not in client.get("/user/wendy").text


def test_reports_are_rate_limited_per_reader(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REPORT_RATE_LIMIT="2 per hour")
    with app.app_context():
        Role.insert_roles()
        for name in ("ann", "rita"):
            user = User.register(email=f"{name}@example.com", username=name, password="correct horse battery")
            user.confirmed = True
            user.save()
        ann = User.by_username("ann")
        posts = [Post.publish(ann, f"Post {n}", "Body") for n in range(3)]
        client = signed_in_client(app, User.by_username("rita"))
    answers = [report(client, f"post:{post.id}").status_code for post in posts]
    assert answers == [302, 302, 429]
    with app.app_context():
        assert Report.objects.count() == 2


# -- the moderation queue ------------------------------------------------------
def _reported_by(make_user, names, target, reason="spam"):
    for name in names:
        Report.file(make_user(name), _target(target), reason)


def _target(text):
    from site_app.models.reports import find_target

    return find_target(text)


def test_the_queue_shows_open_reports_first_grouped_by_target(client, auth, make_user, scene):
    post_key, comment_key = f"post:{scene['post'].id}", f"comment:{scene['comment'].id}"
    _reported_by(make_user, ["r1"], post_key, "spam")
    _reported_by(make_user, ["r2", "r3"], comment_key, "harassment")
    Report.file(make_user("r4"), _target(comment_key), "other", "Rude to everyone")
    auth.login_as(make_user("mod", role="Moderator"))
    page = client.get("/moderate").text
    assert 'aria-current="page">Reports<' in page
    items = re.findall(r'<li class="reported[^"]*" id="report-([a-z]+)-', page)
    assert items == ["comment", "post"]  # most reported first
    comment_item = page.split('id="report-comment-')[1].split("</li>")[0]
    assert "3 reports" in comment_item and "You are all idiots" in comment_item
    assert "Harassment or hate, Something else" in comment_item
    assert "Rude to everyone" in comment_item
    assert [b for b in ("Hide", "Delete", "Disable the author", "Dismiss") if b in comment_item] == [
        "Hide",
        "Delete",
        "Disable the author",
        "Dismiss",
    ]
    # Every comment stays a tab of its own.
    assert "You are all idiots" in client.get("/moderate?show=all").text


def test_hiding_a_reported_comment_closes_its_reports_and_tells_the_reporters(client, auth, make_user, scene):
    key = f"comment:{scene['comment'].id}"
    _reported_by(make_user, ["r1", "r2"], key, "harassment")
    moderator = make_user("mod", role="Moderator")
    auth.login_as(moderator)
    done = client.post("/moderate/reports", data={"target": key, "decision": "hide"})
    assert done.status_code == 302 and done.location == "/moderate"
    page = client.get("/moderate").text
    assert "2 reports closed" in page and "No open reports." in page
    anonymous = client.application.test_client()
    assert "This comment was hidden by a moderator." in anonymous.get(f"/post/{scene['post'].id}").text
    auth.logout()
    auth.login_as(User.by_username("r1"))
    told = client.get("/notifications").text
    assert "mod</a>" in told and "handled your report on" in told
    assert "Cheap watches here" in told
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target) == (moderator.id, "hide comment", key)


def test_disabling_the_author_of_a_reported_member(client, auth, make_user, scene):
    _reported_by(make_user, ["r1"], "user:troll")
    auth.login_as(make_user("mod", role="Moderator"))
    troll = User.by_username("troll")
    assert (
        client.post(
            "/moderate/reports", data={"target": f"user:{troll.id}", "decision": "disable"}
        ).status_code
        == 302
    )
    troll.reload()
    assert troll.disabled is True
    assert Report.objects.get().decision == "disable"


def test_deleting_a_reported_post_and_dismissing(client, auth, make_user, scene):
    post_key = f"post:{scene['post'].id}"
    _reported_by(make_user, ["r1"], post_key)
    other = Post.publish(scene["wendy"], "A fine post", "Fine")
    _reported_by(make_user, ["r2"], f"post:{other.id}")
    auth.login_as(make_user("mod", role="Moderator"))
    assert (
        client.post("/moderate/reports", data={"target": post_key, "decision": "delete"}).status_code == 302
    )
    assert Post.by_id(scene["post"].id) is None
    assert (
        client.post(
            "/moderate/reports", data={"target": f"post:{other.id}", "decision": "dismiss"}
        ).status_code
        == 302
    )
    assert Post.by_id(other.id) is not None
    assert Report.objects(decision=None).count() == 0
    assert [e.action for e in AuditEntry.objects.order_by("created")] == ["delete post", "dismiss reports"]
    # Decided: the reader may report the same post again.
    Report.file(User.by_username("r2"), _target(f"post:{other.id}"), "other")


@pytest.mark.parametrize("decision", ["hide", "explode", ""])
def test_a_decision_that_does_not_fit_is_a_400(client, auth, make_user, scene, decision):
    key = f"post:{scene['post'].id}"
    _reported_by(make_user, ["r1"], key)
    auth.login_as(make_user("mod", role="Moderator"))
    assert client.post("/moderate/reports", data={"target": key, "decision": decision}).status_code == 400
    assert Report.objects(decision=None).count() == 1


@pytest.mark.parametrize("target", ["user:zzz", "comment:", "post:5f0000000000000000000000", ""])
def test_a_decision_on_no_target_is_a_400(client, auth, make_user, target):
    auth.login_as(make_user("mod", role="Moderator"))
    assert client.post("/moderate/reports", data={"target": target, "decision": "delete"}).status_code == 400


def test_reports_on_a_comment_deleted_meanwhile_can_only_be_dismissed(client, auth, make_user, scene):
    key = f"comment:{scene['comment'].id}"
    _reported_by(make_user, ["r1"], key, "spam")
    Post.delete_comment(scene["comment"].id)
    auth.login_as(make_user("mod", role="Moderator"))
    item = client.get("/moderate").text.split('id="report-comment-')[1].split("</li>")[0]
    assert "(gone)" in item and ">Dismiss<" in item and ">Hide<" not in item
    assert client.post("/moderate/reports", data={"target": key, "decision": "hide"}).status_code == 400
    assert client.post("/moderate/reports", data={"target": key, "decision": "dismiss"}).status_code == 302
    assert Report.objects.get().decision == "dismiss"


def test_a_moderator_cannot_disable_staff_through_a_report(client, auth, make_user, scene):
    boss = make_user("boss", role="Administrator")
    _reported_by(make_user, ["r1"], "user:boss")
    auth.login_as(make_user("mod", role="Moderator"))
    refused = client.post("/moderate/reports", data={"target": f"user:{boss.id}", "decision": "disable"})
    assert refused.status_code == 400
    boss.reload()
    assert boss.disabled is False and Report.objects.get().decision is None


def test_one_reader_reporting_at_once_from_many_tabs_files_one_report(app, make_user, scene):
    from concurrent.futures import ThreadPoolExecutor

    rita = make_user("rita")
    browsers = [signed_in_client(app, rita) for _ in range(5)]
    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(
            pool.map(lambda browser: report(browser, f"post:{scene['post'].id}").status_code, browsers)
        )
    assert sorted(answers) == [302, 409, 409, 409, 409]
    assert Report.objects.count() == 1
