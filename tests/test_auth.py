"""Accounts: registering, confirming, logging in and out, passwords, email.

Each test is a visitor's story told through the test client.
"""

import re
import socket
import threading
import time

import pytest
from flask import url_for
from helpers import links_in, site_path

from site_app.models import Role, User

PASSWORD = "correct horse battery"


def register(client, email="ann@example.com", username="ann", password=PASSWORD, password2=None, **kwargs):
    return client.post(
        "/auth/register",
        data={
            "email": email,
            "username": username,
            "password": password,
            "password2": password if password2 is None else password2,
        },
        **kwargs,
    )


def typed_value(html, field):
    match = re.search(r'<input[^>]*name="%s"[^>]*>' % re.escape(field), html)
    assert match, f"no input named {field}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


# -- the whole journey --------------------------------------------------------


def test_newcomer_registers_confirms_logs_in_changes_password_and_logs_out(app, client, outbox):
    response = register(client)
    assert response.status_code == 302
    # Told to check the inbox (whether the address had an account or not).
    assert response.location == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)
    assert "We have sent an email to ann@example.com" in page and "Log out" not in page
    assert len(outbox) == 1
    message = outbox[0]
    assert message.recipients == ["ann@example.com"]
    link = links_in(message)[0]
    assert link.startswith("http://127.0.0.1:5000/auth/confirm/")
    assert link in message.html  # absolute in the HTML part too

    # Following the link while logged out leads through the login page.
    response = client.get(site_path(link))
    assert response.status_code == 302
    assert "/auth/login?next=" in response.location
    response = client.post(response.location, data={"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.location.startswith("/auth/confirm/")
    response = client.get(response.location, follow_redirects=True)
    assert "Your account is confirmed" in response.get_data(as_text=True)
    assert User.by_email("ann@example.com").confirmed

    response = client.post(
        "/auth/change-password",
        data={"old_password": PASSWORD, "password": "a brand new secret", "password2": "a brand new secret"},
    )
    assert response.status_code == 302
    # This browser stays logged in after the change.
    assert "Log out" in client.get("/").get_data(as_text=True)

    response = client.post("/auth/logout", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You have been logged out" in page
    assert "Log in" in page

    assert (
        client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD}).status_code == 200
    )
    assert (
        client.post(
            "/auth/login", data={"email": "ann@example.com", "password": "a brand new secret"}
        ).status_code
        == 302
    )


def test_changing_the_password_logs_out_other_browsers(app, make_user):
    ann = make_user("ann")
    laptop, phone = app.test_client(), app.test_client()
    for browser in (laptop, phone):
        assert browser.post("/auth/login", data={"email": ann.email, "password": PASSWORD}).status_code == 302
    laptop.post(
        "/auth/change-password",
        data={"old_password": PASSWORD, "password": "another long one", "password2": "another long one"},
    )
    assert laptop.get("/auth/change-password").status_code == 200
    response = phone.get("/auth/change-password")
    assert response.status_code == 302
    assert "/auth/login" in response.location


def test_change_password_needs_the_current_one(client, auth, make_user):
    ann = make_user("ann")
    auth.login_as(ann)
    response = client.post(
        "/auth/change-password",
        data={"old_password": "not it at all", "password": "new password 1", "password2": "new password 1"},
    )
    assert response.status_code == 200
    assert "That is not your current password" in response.get_data(as_text=True)
    ann.reload()
    assert ann.verify_password(PASSWORD)


def test_reader_resets_a_forgotten_password(app, client, make_user, outbox):
    ann = make_user("ann")
    response = client.post("/auth/reset", data={"email": "ANN@example.com"}, follow_redirects=True)
    assert "If an account uses that address" in response.get_data(as_text=True)
    assert len(outbox) == 1
    link = links_in(outbox[0])[0]
    assert "/auth/reset/" in link
    assert link in outbox[0].html

    assert client.get(site_path(link)).status_code == 200
    response = client.post(link, data={"password": "fresh password", "password2": "fresh password"})
    assert response.status_code == 302
    assert response.location.endswith("/auth/login")
    ann.reload()
    assert ann.verify_password("fresh password")
    # The link worked once: the password change made it stale.
    response = client.get(site_path(link))
    assert response.status_code == 302
    assert response.location.endswith("/auth/reset")


def test_reset_answers_the_same_whether_or_not_the_account_exists(client, make_user, outbox):
    make_user("ann")
    known = client.post("/auth/reset", data={"email": "ann@example.com"})
    unknown = client.post("/auth/reset", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    assert len(outbox) == 1
    with client.session_transaction() as session:
        flashes = session.get("_flashes")
    assert flashes[0] == flashes[1]


def test_reset_form_refuses_mismatched_passwords_and_keeps_the_token(app, client, make_user):
    ann = make_user("ann")
    token = ann.generate_reset_token()
    response = client.post(
        f"/auth/reset/{token}", data={"password": "one password", "password2": "another password"}
    )
    assert response.status_code == 200
    assert "The two passwords do not match" in response.get_data(as_text=True)
    ann.reload()
    assert ann.verify_password(PASSWORD)


def test_reader_changes_email_through_a_link_sent_to_the_new_address(client, auth, make_user, outbox):
    ann = make_user("ann")
    auth.login_as(ann)
    response = client.post("/auth/change_email", data={"email": "ann@new.example", "password": PASSWORD})
    assert response.status_code == 302
    assert outbox[-1].recipients == ["ann@new.example"]
    link = links_in(outbox[-1])[0]
    assert link in outbox[-1].html
    ann.reload()
    assert ann.email == "ann@example.com"  # nothing changes until the link is followed

    response = client.get(site_path(link), follow_redirects=True)
    assert "Your email address has been updated" in response.get_data(as_text=True)
    ann.reload()
    assert ann.email == "ann@new.example"
    auth.logout()
    assert auth.login("ann@new.example").status_code == 302


def test_change_email_checks_password_and_that_the_address_is_free(client, auth, make_user, outbox):
    ann = make_user("ann")
    make_user("bob")
    auth.login_as(ann)
    response = client.post("/auth/change_email", data={"email": "bob@example.com", "password": PASSWORD})
    assert "already registered" in response.get_data(as_text=True)
    response = client.post(
        "/auth/change_email", data={"email": "ann@new.example", "password": "wrong password"}
    )
    page = response.get_data(as_text=True)
    assert "That is not your password" in page
    assert typed_value(page, "email") == "ann@new.example"
    assert outbox == []


def test_unconfirmed_writer_is_sent_to_confirm_and_can_resend(app, client, auth, make_user, outbox):
    ann = make_user("ann", confirmed=False)
    auth.login_as(ann)
    response = client.get("/write")
    assert response.status_code == 302
    assert response.location.endswith("/auth/unconfirmed")
    page = client.get("/auth/unconfirmed").get_data(as_text=True)
    assert "ann@example.com" in page

    response = client.post("/auth/confirm", follow_redirects=True)
    assert "A new confirmation link is on its way" in response.get_data(as_text=True)
    assert len(outbox) == 1
    client.get(site_path(links_in(outbox[0])[0]))
    ann.reload()
    assert ann.confirmed
    assert client.get("/").status_code == 200


# -- tokens ---------------------------------------------------------------------


def test_a_tampered_or_foreign_confirmation_link_does_not_confirm(app, client, auth, make_user):
    ann = make_user("ann", confirmed=False)
    bob = make_user("bob", confirmed=False)
    auth.login_as(ann)
    token = ann.generate_confirmation_token()
    for bad in (
        token[:-2] + "xx",
        "not-a-token",
        bob.generate_confirmation_token(),
        ann.generate_reset_token(),
    ):
        response = client.get(f"/auth/confirm/{bad}", follow_redirects=True)
        assert response.status_code == 200
        assert "invalid or has expired" in response.get_data(as_text=True)
    ann.reload()
    assert not ann.confirmed


def test_an_expired_confirmation_link_is_refused(client, auth, make_user, monkeypatch):
    ann = make_user("ann", confirmed=False)
    auth.login_as(ann)
    token = ann.generate_confirmation_token()
    client.application.config["CONFIRM_TOKEN_MAX_AGE"] = 1
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 60)
    response = client.get(f"/auth/confirm/{token}", follow_redirects=True)
    assert "invalid or has expired" in response.get_data(as_text=True)
    monkeypatch.undo()
    ann.reload()
    assert not ann.confirmed


def test_a_confirmation_token_cannot_reset_a_password(client, make_user):
    ann = make_user("ann")
    token = ann.generate_confirmation_token()
    response = client.post(
        f"/auth/reset/{token}", data={"password": "hijacked pass", "password2": "hijacked pass"}
    )
    assert response.status_code == 302
    assert response.location.endswith("/auth/reset")
    ann.reload()
    assert ann.verify_password(PASSWORD)


def test_tampered_email_change_link_changes_nothing(client, auth, make_user):
    ann = make_user("ann")
    auth.login_as(ann)
    token = ann.generate_email_change_token("ann@new.example")
    response = client.get(f"/auth/change_email/{token}x", follow_redirects=True)
    assert "invalid or has expired" in response.get_data(as_text=True)
    ann.reload()
    assert ann.email == "ann@example.com"


# -- logging in -------------------------------------------------------------------


def test_wrong_password_is_refused_and_the_email_kept(client, make_user):
    make_user("ann")
    response = client.post("/auth/login", data={"email": "ann@example.com", "password": "guess guess"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wrong email or password" in page
    assert typed_value(page, "email") == "ann@example.com"
    assert typed_value(page, "password") == ""


def test_remember_me_sets_a_lasting_cookie(client, make_user):
    # The server-side session itself is kept (site_app/sessions.py), so that
    # logging out ends it; without "remember me" it ends with the browser.
    make_user("ann")
    response = client.post(
        "/auth/login", data={"email": "ann@example.com", "password": PASSWORD, "remember_me": "y"}
    )
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "Expires=" in cookie
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "Expires=" not in cookie


def test_disabled_account_cannot_log_in(client, make_user):
    ann = make_user("ann")
    ann.disabled = True
    ann.save()
    response = client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 200
    assert "This account has been disabled" in response.get_data(as_text=True)
    assert "Log out" not in response.get_data(as_text=True)


def test_login_follows_a_local_next(client, make_user):
    make_user("ann")
    response = client.post(
        "/auth/login?next=/user/ann%3Ftab%3Dposts", data={"email": "ann@example.com", "password": PASSWORD}
    )
    assert response.location == "/user/ann?tab=posts"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "http:/evil.example",
        "evil.example",
    ],
)
def test_login_ignores_a_next_that_leaves_the_site(client, make_user, target):
    make_user("ann")
    response = client.post(
        "/auth/login", query_string={"next": target}, data={"email": "ann@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.location == "/"


def test_logout_is_post_only(client, auth, make_user):
    auth.login_as(make_user("ann"))
    assert client.get("/auth/logout").status_code == 405
    assert "Log out" in client.get("/").get_data(as_text=True)


def test_login_attempts_are_rate_limited_per_address_and_per_account(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        User.register(email="ann@example.com", username="ann", password=PASSWORD)
    client = app.test_client()

    def attempt(email, address):
        return client.post(
            "/auth/login",
            data={"email": email, "password": "wrong guess"},
            environ_base={"REMOTE_ADDR": address},
        )

    # One address trying three accounts, then any fourth: refused.
    for n in range(3):
        assert attempt(f"someone{n}@example.com", "10.0.0.1").status_code == 200
    response = attempt("ann@example.com", "10.0.0.1")
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.get_data(as_text=True)
    assert "navbar" in response.get_data(as_text=True)  # the page is in the layout

    # One account tried from three addresses: each of them is refused on it
    # now; a fourth address still gets its check (no lockout of the owner).
    for n in range(3):
        assert attempt("ann@example.com", f"10.0.1.{n}").status_code == 200
    assert attempt("ann@example.com", "10.0.1.2").status_code == 429
    assert attempt("ann@example.com", "10.0.2.1").status_code == 200
    # Someone else, elsewhere, is unaffected.
    assert attempt("bob@example.com", "10.0.3.1").status_code == 200


def test_successful_logins_do_not_use_up_the_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    with app.app_context():
        User.register(email="ann@example.com", username="ann", password=PASSWORD)
    client = app.test_client()
    for _ in range(4):
        assert (
            client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD}).status_code
            == 302
        )
        client.post("/auth/logout")


def test_forms_need_a_csrf_token_outside_testing(make_user, make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        User.register(email="ann@example.com", username="ann", password=PASSWORD)
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert "Log out" not in response.get_data(as_text=True)
    # With the token from the form, the same login works.
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/auth/login", data={"email": "ann@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


# -- registering ----------------------------------------------------------------------


def test_site_admin_registers_as_administrator(client):
    client.application.config["SITE_ADMIN"] = "Boss@Example.com"
    register(client, email="boss@example.com", username="boss")
    register(client, email="ann@example.com", username="ann")
    assert User.by_email("boss@example.com").role.name == "Administrator"
    assert User.by_email("ann@example.com").role.name == "User"


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"email": ""}, "email", "Enter your email address"),
        ({"email": "not-an-email"}, "email", "Enter a valid email address"),
        ({"email": "a" * 250 + "@example.com"}, "email", "at most 254 characters"),
        ({"username": ""}, "username", "Choose a username"),
        ({"username": "ann smith"}, "username", "only letters, digits"),
        ({"username": "<b>ann</b>"}, "username", "only letters, digits"),
        ({"username": "a" * 65}, "username", "at most 64 characters"),
        ({"password": "", "password2": ""}, "password", "Choose a password"),
        ({"password": "short", "password2": "short"}, "password", "8 to 128 characters"),
        ({"password2": "something else"}, "password2", "do not match"),
    ],
)
def test_registration_rejects_bad_input_next_to_the_field(client, outbox, fields, field, message):
    data = {
        "email": "ann@example.com",
        "username": "ann",
        "password": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }
    response = client.post("/auth/register", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert re.search(r'name="%s"[^>]*class="[^"]*is-invalid' % field, page) or re.search(
        r'class="[^"]*is-invalid[^"]*"[^>]*name="%s"' % field, page
    )
    # What the user typed is still there, except the passwords.
    for kept in ("email", "username"):
        assert typed_value(page, kept) == data[kept].replace("<", "&lt;").replace(">", "&gt;")
    assert typed_value(page, "password") == ""
    assert User.objects.count() == 0
    assert outbox == []


def test_registration_answers_the_same_whether_the_email_has_an_account(client, make_user, outbox):
    make_user("ann")
    fresh = register(client, email="new@example.com", username="newcomer")
    taken = register(client, email="ANN@example.com", username="someone")
    assert (taken.status_code, taken.location) == (fresh.status_code, fresh.location) == (302, "/auth/login")
    page = client.get("/auth/login").get_data(as_text=True)
    assert "We have sent an email to new@example.com: follow its link" in page
    assert "We have sent an email to ann@example.com: follow its link" in page
    assert "already registered" not in page
    assert User.objects.count() == 2 and User.by_username("someone") is None
    confirmation, note = outbox
    assert confirmation.recipients == ["new@example.com"]
    assert note.recipients == ["ann@example.com"] and "already have an account" in note.subject
    assert "someone" not in note.body  # no attacker-chosen name in the owner's inbox
    assert [site_path(link) for link in links_in(note)] == ["/auth/login", "/auth/reset"]


def test_registration_refuses_a_taken_username(client, make_user, outbox):
    make_user("ann")
    response = register(client, email="other@example.com", username="ANN")
    assert response.status_code == 200
    assert "That username is taken" in response.get_data(as_text=True)
    assert User.objects.count() == 1 and outbox == []


def test_simultaneous_registrations_of_one_email_make_one_account(app, outbox):
    """Two browsers submit the same email at the same moment: the unique
    index lets one through; both are told to check the inbox."""
    start = threading.Barrier(2)
    results = {}

    def sign_up(username):
        client = app.test_client()
        start.wait()
        results[username] = register(client, email="same@example.com", username=username)

    threads = [threading.Thread(target=sign_up, args=(name,)) for name in ("ann", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert User.objects(email="same@example.com").count() == 1
    assert [r.status_code for r in results.values()] == [302, 302]
    assert sorted(m.subject.split("] ")[-1] for m in outbox) == [
        "Confirm your account",
        "You already have an account",
    ]


def test_a_username_race_lost_at_the_unique_index_is_a_field_error(client, make_user, outbox, monkeypatch):
    """The form check passed but the insert found the username taken."""
    make_user("ann")
    monkeypatch.setattr(User, "username_taken", classmethod(lambda cls, name: False))
    response = register(client, email="other@example.com", username="ann")
    assert response.status_code == 200
    assert "That username is taken" in response.get_data(as_text=True)
    assert User.objects.count() == 1 and outbox == []


def test_registrations_are_rate_limited_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    assert register(client, email="bad", username="x").status_code == 200  # sends nothing
    for n in range(2):
        assert register(client, email=f"target{n}@example.com", username=f"name{n}").status_code == 302
    refused = register(client, email="target9@example.com", username="name9")
    assert refused.status_code == 429
    assert "Too many emails asked for" in refused.get_data(as_text=True)
    assert client.get("/auth/register").status_code == 200  # the form is never limited
    with app.app_context():
        assert User.objects.count() == 2


# -- email delivery ------------------------------------------------------------------


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_registration_survives_a_mail_server_that_is_down(caplog, make_app):
    app = make_app(
        MAIL_SUPPRESS_SEND=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=_closed_port(), MAIL_USE_TLS=False
    )
    client = app.test_client()
    with caplog.at_level("ERROR"):
        response = register(client)
    assert response.status_code == 302
    with app.app_context():
        assert User.by_email("ann@example.com") is not None
    assert any("could not send" in record.getMessage() for record in caplog.records)
    # The user can ask again once logged in.
    client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD})
    assert client.post("/auth/confirm").status_code == 302


def test_development_without_a_mail_server_logs_the_link(caplog, make_app):
    app = make_app(config_name="development", MAIL_SERVER=None, WTF_CSRF_ENABLED=False)
    with app.app_context():
        Role.insert_roles()
    with caplog.at_level("WARNING"):
        register(app.test_client())
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "MAIL_SERVER is not set" in logged
    assert "http://127.0.0.1:5000/auth/confirm/" in logged


def test_emails_are_sent_from_a_background_thread_outside_testing(app):
    from flask_mail import email_dispatched

    from site_app import email as email_module

    delivered = threading.Event()
    threads = []

    def on_dispatch(app, message):
        threads.append(threading.current_thread())
        delivered.set()

    app.config.update(JOBS_RUN_AT_ONCE=False)
    email_dispatched.connect(on_dispatch)
    try:
        with app.test_request_context():
            email_module.send_email(
                "ann@example.com",
                "Hello",
                "confirm",
                user=User(username="ann"),
                url=url_for("main.index", _external=True),
            )
        assert delivered.wait(5)
    finally:
        email_dispatched.disconnect(on_dispatch)
    assert threads[0] is not threading.main_thread()


def test_reset_emails_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    for _ in range(2):
        assert client.post("/auth/reset", data={"email": "ann@example.com"}).status_code == 302
    response = client.post("/auth/reset", data={"email": "ann@example.com"})
    assert response.status_code == 429
    assert "Too many emails asked for" in response.get_data(as_text=True)
    # Reading the form is never limited.
    assert client.get("/auth/reset").status_code == 200


def test_an_unconfirmed_account_reads_everything_a_visitor_can(app, client, auth, make_user):
    """Reading needs no permission: only acting does (the bug: every page
    sent an unconfirmed account to /auth/unconfirmed)."""
    from site_app.models import Post

    writer = make_user("wendy")
    with app.app_context():
        post = Post.publish(writer, "Tides", "The moon pulls.", tags="sea")
    auth.login_as(make_user("newcomer", confirmed=False))
    for path in (
        "/",
        f"/post/{post.id}",
        "/user/wendy",
        "/tag/sea",
        "/search?q=moon",
        "/followers/wendy",
        "/following/wendy",
        "/feed.atom",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
    page = client.get(f"/post/{post.id}").get_data(as_text=True)
    assert "The moon pulls" in page and "Confirm your email address</a> to comment" in page
    # Acting still asks for the confirmation.
    response = client.post(f"/post/{post.id}", data={"body": "Nice"})
    assert response.location.endswith("/auth/unconfirmed")
    assert client.get("/edit-profile").location.endswith("/auth/unconfirmed")


@pytest.mark.parametrize("path", ["/auth/login", "/auth/register", "/auth/reset"])
def test_email_fields_ask_phones_for_the_email_keyboard(client, path):
    field = re.search(r'<input[^>]*name="email"[^>]*>', client.get(path).get_data(as_text=True))
    assert 'type="email"' in field.group(0) and 'autocomplete="email"' in field.group(0)


def test_every_email_field_is_typed_email_with_an_autocomplete_hint(app, client, auth, make_user):
    admin = make_user("ada", role="Administrator")
    other = make_user("bob")
    auth.login_as(admin)
    for path, hint in (
        ("/auth/change_email", "email"),
        (f"/edit-profile/{other.id}", "off"),
        (f"/admin/admin_users/edit/?id={other.id}", "off"),
    ):
        page = client.get(path).get_data(as_text=True)
        field = re.search(r'<input[^>]*name="email"[^>]*>', page)
        assert field, path
        assert 'type="email"' in field.group(0), (path, field.group(0))
        assert f'autocomplete="{hint}"' in field.group(0), (path, field.group(0))
