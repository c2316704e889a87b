"""A writer's newsletter, through the routes: subscribing (double opt-in),
the mail of each new post, one-click unsubscribing, followers switching
email on, the writer's list and CSV, bad input and floods, and a send cut
off half-way and resumed."""

import io
import re

import flask_mail
import pytest

from site_app import jobs
from site_app.models import Post
from site_app.models.subscriptions import Delivery, Subscription
from site_app.subscriptions.sending import SEND_JOB

pytestmark = pytest.mark.app_config(SITE_URL="https://blog.example")

LINK = re.compile(r"https://blog\.example(/subscriptions/(?:confirm|unsubscribe)/[\w.-]+)")


@pytest.fixture
def writer(make_user):
    return make_user("ann", name="Ann Writer")


def _publish(client, auth, writer, title="Tides", body="The sea comes in. And goes out.", **extra):
    auth.login_as(writer)
    response = client.post("/write", data={"title": title, "body": body, "tags": "", **extra})
    assert response.status_code == 302
    auth.logout()
    return Post.objects(title=title).first()


def _subscribe(client, outbox, email, username="ann"):
    """Subscribe and confirm through the mailed link; the confirm page's path."""
    before = len(outbox)
    assert client.post(f"/user/{username}/subscribe", data={"email": email}).status_code == 200
    (mail,) = outbox[before:]
    path = LINK.search(mail.body).group(1)
    assert client.post(path).status_code == 200
    return path


def test_a_reader_subscribes_confirms_and_gets_each_new_post(client, auth, writer, outbox):
    answer = client.post("/user/ann/subscribe", data={"email": "Reader@Example.com "})
    assert answer.status_code == 200
    assert "Check your inbox" in answer.text
    (confirmation,) = outbox
    assert confirmation.recipients == ["reader@example.com"]
    assert "Ann Writer" in confirmation.subject
    confirm_path = LINK.search(confirmation.body).group(1)
    assert confirm_path.startswith("/subscriptions/confirm/")

    # Opening the link (a mail scanner does) activates nothing; the button does.
    page = client.get(confirm_path)
    assert page.status_code == 200 and "Yes, subscribe me" in page.text
    assert Subscription.count_of(writer.id) == 0
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 200 and "You are subscribed" in confirmed.text
    assert Subscription.count_of(writer.id) == 1

    post = _publish(client, auth, writer)
    (letter,) = outbox[1:]
    assert letter.recipients == ["reader@example.com"]
    assert letter.subject == "Tides"
    assert "The sea comes in." in letter.body
    assert f"https://blog.example/post/{post.id}" in letter.body
    assert f'href="https://blog.example/post/{post.id}"' in letter.html
    unsubscribe = LINK.search(letter.extra_headers["List-Unsubscribe"]).group(0)
    assert letter.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert unsubscribe.startswith("https://")
    assert letter.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The headers reach the wire, not only the message object.
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in letter.as_string()


def test_the_form_is_on_the_profile_and_at_the_end_of_each_post(client, auth, writer):
    post = _publish(client, auth, writer)
    for path in ("/user/ann", f"/post/{post.id}"):
        page = client.get(path).text
        assert 'action="/user/ann/subscribe"' in page, path
        assert 'name="email"' in page


def test_subscribing_an_address_already_subscribed_answers_the_same(client, writer, outbox):
    _subscribe(client, outbox, "old@example.com")
    outbox.clear()
    again = client.post("/user/ann/subscribe", data={"email": "old@example.com"})
    new = client.post("/user/ann/subscribe", data={"email": "new@example.com"})
    assert again.status_code == new.status_code == 200
    assert again.text.replace("old@", "new@") == new.text
    # The subscribed address is told nothing; the new one gets its link.
    assert [m.recipients for m in outbox] == [["new@example.com"]]
    assert Subscription.count_of(writer.id) == 1


def test_an_invalid_address_is_refused_and_kept_in_the_form(client, writer, outbox):
    response = client.post("/user/ann/subscribe", data={"email": "not an address"})
    assert response.status_code == 400
    assert "Enter a valid email address" in response.text
    assert 'value="not an address"' in response.text
    assert outbox == [] and Subscription.objects.count() == 0


def test_subscribing_to_nobody_is_a_404(client, outbox):
    assert client.post("/user/nobody/subscribe", data={"email": "a@example.com"}).status_code == 404


@pytest.mark.app_config(
    RATELIMIT_ENABLED=True, SUBSCRIBE_RATE_LIMIT="2 per hour", SUBSCRIBE_TARGET_RATE_LIMIT="5 per hour"
)
def test_floods_are_limited_per_address_and_per_writer(client, make_user):
    make_user("bob")
    statuses = [
        client.post("/user/bob/subscribe", data={"email": "same@example.com"}).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    # Other addresses go on, until the writer's own limit (which counted
    # the refused request too).
    statuses = [
        client.post("/user/bob/subscribe", data={"email": f"r{n}@example.com"}).status_code for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert Subscription.objects.count() == 3  # nothing refused was stored


def test_one_click_unsubscribe_ends_it_without_signing_in(app, client, auth, writer, outbox):
    _subscribe(client, outbox, "leaving@example.com")
    _publish(client, auth, writer, title="First")
    letter = outbox[-1]
    path = LINK.search(letter.extra_headers["List-Unsubscribe"]).group(1)

    page = client.get(path)
    assert page.status_code == 200 and "leaving@example.com" in page.text
    # A mail client's one-click POST: no session, no CSRF token.
    app.config["WTF_CSRF_ENABLED"] = True
    mail_client = app.test_client()
    done = mail_client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    app.config["WTF_CSRF_ENABLED"] = False
    assert mail_client.post(path).status_code == 200  # twice: still done

    outbox.clear()
    _publish(client, auth, writer, title="Second")
    assert outbox == []


def test_a_tampered_link_is_refused(client, writer, outbox):
    path = _subscribe(client, outbox, "r@example.com")
    token = path.rsplit("/", 1)[1]
    assert client.get(f"/subscriptions/unsubscribe/{token}").status_code == 404  # other purpose
    assert client.post(f"/subscriptions/confirm/{token[:-2]}xx").status_code == 404
    assert client.post("/subscriptions/unsubscribe/forged").status_code == 404
    assert Subscription.count_of(writer.id) == 1


def test_a_draft_mails_nobody_until_it_is_published(client, auth, writer, outbox):
    _subscribe(client, outbox, "r@example.com")
    outbox.clear()
    draft = _publish(client, auth, writer, title="Soon", save_draft="Save draft")
    assert outbox == []
    auth.login_as(writer)
    assert client.post(f"/publish/{draft.id}").status_code == 302
    assert [m.subject for m in outbox] == ["Soon"]
    # Editing the published post mails nobody again.
    client.post(f"/edit/{draft.id}", data={"title": "Soon", "body": "Changed.", "tags": ""})
    assert [m.subject for m in outbox] == ["Soon"]


def test_the_writer_chooses_the_whole_post_with_images_as_links(client, auth, writer, outbox):
    _subscribe(client, outbox, "r@example.com")
    auth.login_as(writer)
    assert client.post("/subscribers/settings", data={"whole_post": "y"}).status_code == 302
    auth.logout()
    body = "First part.\n\n![A map](/files/0123456789abcdef01234567)\n\nSecond part, the end."
    _publish(client, auth, writer, title="Whole", body=body)
    letter = outbox[-1]
    assert "Second part, the end." in letter.body
    assert "<img" not in letter.html
    assert '<a href="https://blog.example/files/0123456789abcdef01234567">[A map]</a>' in letter.html


def test_excerpt_by_default(client, auth, writer, outbox):
    _subscribe(client, outbox, "r@example.com")
    _publish(client, auth, writer, title="Long", body="Opening words. " * 40 + "\n\nThe hidden end.")
    letter = outbox[-1]
    assert "Opening words." in letter.body and "The hidden end." not in letter.body
    assert "Read the whole post" in letter.body


def test_a_follower_switches_email_on_and_off(client, auth, writer, make_user, outbox):
    reader = make_user("rita")
    auth.login_as(reader)
    assert client.post("/user/ann/email-on").status_code == 403  # not following yet
    client.post("/follow/ann")
    assert client.post("/user/ann/email-on").status_code == 302
    assert "Stop emails" in client.get("/user/ann").text
    assert outbox == []  # the account's address is confirmed already
    auth.logout()
    _publish(client, auth, writer, title="For followers")
    assert [m.recipients for m in outbox] == [["rita@example.com"]]
    auth.login_as(reader)
    assert client.post("/user/ann/email-off").status_code == 302
    assert "Email me new posts" in client.get("/user/ann").text
    auth.logout()
    _publish(client, auth, writer, title="Not mailed")
    assert len(outbox) == 1


def test_the_writer_sees_counts_lists_and_exports_subscribers(client, auth, writer, outbox):
    for email in ("a@example.com", "=cmd@example.com"):
        _subscribe(client, outbox, email)
    client.post("/user/ann/subscribe", data={"email": "pending@example.com"})
    auth.login_as(writer)
    assert 'href="/subscribers"' in client.get("/user/ann").text
    page = client.get("/subscribers")
    assert page.status_code == 200
    assert re.search(r'id="subscriber-count"><strong>2</strong> subscribers', page.text)
    assert "a@example.com" in page.text and "pending@example.com" not in page.text
    export = client.get("/subscribers.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    lines = export.text.splitlines()
    assert lines[0] == "email,subscribed_at"
    assert [line.split(",")[0] for line in lines[1:]] == ["a@example.com", "'=cmd@example.com"]


def test_others_cannot_see_a_writers_list(client, auth, writer, make_user):
    assert client.get("/subscribers").status_code == 302  # to sign in
    auth.login_as(make_user("reader", role="User"))
    assert "Nobody yet" in client.get("/subscribers").text  # their own, empty list


def test_imported_addresses_each_get_the_opt_in_mail_first(client, auth, writer, outbox):
    auth.login_as(writer)
    csv_file = b"email\nOne@example.com\ntwo@example.com\nnot-an-address\n\none@example.com\n"
    response = client.post("/subscribers/import", data={"file": (io.BytesIO(csv_file), "list.csv")})
    assert response.status_code == 200
    assert "2 addresses sent the opt-in mail" in response.text
    assert "not-an-address" in response.text
    assert sorted(m.recipients[0] for m in outbox) == ["one@example.com", "two@example.com"]
    assert all("/subscriptions/confirm/" in m.body for m in outbox)
    assert Subscription.count_of(writer.id) == 0  # nothing active without the yes


@pytest.mark.parametrize(
    "upload, message",
    [((io.BytesIO(b"\xff\xfe\x00bad"), "list.csv"), "not UTF-8"), (None, "Choose a CSV file.")],
)
def test_an_unreadable_import_is_refused_with_its_reason(client, auth, writer, outbox, upload, message):
    auth.login_as(writer)
    response = client.post("/subscribers/import", data={"file": upload} if upload else {})
    assert response.status_code == 400
    assert message in response.text
    assert outbox == [] and Subscription.objects.count() == 0


@pytest.mark.app_config(SITE_URL="https://blog.example", SUBSCRIBER_IMPORT_MAX_ROWS=2)
def test_an_import_over_the_row_limit_is_refused_whole(client, auth, writer, outbox):
    auth.login_as(writer)
    rows = b"a@example.com\nb@example.com\nc@example.com\n"
    response = client.post("/subscribers/import", data={"file": (io.BytesIO(rows), "l.csv")})
    assert response.status_code == 400 and "at most 2 at once" in response.text
    assert outbox == []


@pytest.mark.app_config(SITE_URL="https://blog.example", MAIL_RATE_PER_MINUTE=2)
def test_a_send_cut_off_half_way_and_resumed_mails_each_subscriber_once(
    app, client, auth, writer, outbox, monkeypatch
):
    readers = [f"r{n}@example.com" for n in range(6)]
    for email in readers:
        _subscribe(client, outbox, email)
    outbox.clear()

    # The worker dies while handing over the fourth mail (batches of two).
    real_send, calls = flask_mail.Connection.send, []

    def dies_on_the_fourth(connection, message, *args, **kwargs):
        calls.append(message.recipients[0])
        if len(calls) == 4:
            raise SystemExit("worker killed")
        return real_send(connection, message, *args, **kwargs)

    monkeypatch.setattr(flask_mail.Connection, "send", dies_on_the_fourth)
    with pytest.raises(SystemExit):
        post = _publish(client, auth, writer, title="Cut off")
    assert len(outbox) == 3

    # The job runs again (RQ's retry, or an operator): from the start.
    monkeypatch.setattr(flask_mail.Connection, "send", real_send)
    post = Post.objects(title="Cut off").first()
    with app.app_context():
        jobs.enqueue(SEND_JOB, str(post.id))
        jobs.enqueue(SEND_JOB, str(post.id))  # and once more: at-least-once delivery
    assert sorted(m.recipients[0] for m in outbox) == readers
    assert Delivery.objects(post=post.id).count() == 6


@pytest.mark.app_config(SITE_URL="https://blog.example", MAIL_RATE_PER_MINUTE=2)
def test_a_post_goes_out_in_batches_a_minute_apart(app, client, auth, writer, outbox, monkeypatch):
    for n in range(3):
        _subscribe(client, outbox, f"r{n}@example.com")
    outbox.clear()
    scheduled = []
    monkeypatch.setattr(
        "site_app.subscriptions.sending.enqueue_in", lambda *args, **kwargs: scheduled.append((args, kwargs))
    )
    post = _publish(client, auth, writer, title="Batched")
    assert len(outbox) == 2  # the first batch: MAIL_RATE_PER_MINUTE mails
    (((seconds, job, post_id), after),) = scheduled
    assert (seconds, job, post_id) == (60, SEND_JOB, str(post.id))
    with app.app_context():
        jobs.enqueue(job, post_id, **after)  # a minute later
    assert sorted(m.recipients[0] for m in outbox) == [f"r{n}@example.com" for n in range(3)]
    assert len(scheduled) == 1  # a short batch: the send is over


def test_on_the_embedded_default_the_next_batch_waits_its_pause(monkeypatch, make_app):
    """Without RQ the batches run on the in-process job thread, the next
    one on a timer (a short pause here in place of the minute)."""
    import threading
    import time

    from flask_mail import email_dispatched

    from site_app.models import User

    monkeypatch.setattr("site_app.subscriptions.sending.BATCH_PAUSE_SECONDS", 0.3)
    app = make_app(JOBS_RUN_AT_ONCE=False, MAIL_RATE_PER_MINUTE=1, SITE_URL="https://blog.example")
    arrivals, both = [], threading.Event()

    def arrived(_app, message, **_extra):
        arrivals.append((time.monotonic(), message.recipients[0]))
        if len(arrivals) == 2:
            both.set()

    email_dispatched.connect(arrived, app)
    try:
        with app.app_context():
            ann = User.register(email="ann@example.com", username="ann", password="correct horse battery")
            for email in ("r1@example.com", "r2@example.com"):
                Subscription.switch_on(ann.id, email)
            Post.publish(ann, "Paced", "Slowly.")
        assert both.wait(5)
    finally:
        email_dispatched.disconnect(arrived, app)
    (first, to_first), (second, to_second) = arrivals
    assert {to_first, to_second} == {"r1@example.com", "r2@example.com"}
    assert second - first >= 0.3
