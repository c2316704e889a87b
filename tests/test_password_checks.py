"""Every password check (web login, API Basic auth, API tokens, the
password asked for by account pages) shares one rate limit per address and
per account, and costs one hash whether or not the account exists."""

import pytest
from helpers import basic_auth, links_in

from site_app.models import User

PASSWORD = "correct horse battery"


def limited_app(make_app, limit="3 per minute"):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT=limit)
    with app.app_context():
        user = User.register(email="ann@example.com", username="ann", password=PASSWORD)
        User.objects(id=user.id).update_one(set__confirmed=True)
    return app


def test_api_token_requests_share_the_login_limit_per_account(make_app):
    app = limited_app(make_app)
    client = app.test_client()
    for n in range(3):
        response = client.post(
            "/api/v1/tokens/",
            headers=basic_auth("ann@example.com", "guess"),
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )
        assert response.status_code == 401
    # The account is over its limit: an address that already guessed wrong
    # is refused before any check, on the API and the form alike.
    refused = client.post(
        "/api/v1/tokens/",
        headers=basic_auth("ann@example.com", "guess"),
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert refused.status_code == 429
    assert refused.get_json()["error"] == "too many requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert "password" in refused.get_json()["message"]
    page = client.post(
        "/auth/login",
        data={"email": "ann@example.com", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert page.status_code == 429


def test_guesses_from_many_addresses_never_lock_the_owner_out(make_app):
    app = limited_app(make_app)
    client = app.test_client()
    for n in range(10):  # an attacker, from ten addresses, over the account's limit
        client.post(
            "/auth/login",
            data={"email": "ann@example.com", "password": "guess"},
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )
    owner = {"REMOTE_ADDR": "192.168.1.20"}
    page = client.post(
        "/auth/login", data={"email": "ann@example.com", "password": PASSWORD}, environ_base=owner
    )
    assert page.status_code == 302 and page.location == "/"
    assert (
        client.get(
            "/api/v1/posts/",
            headers=basic_auth("ann@example.com", PASSWORD),
            environ_base={"REMOTE_ADDR": "192.168.1.21"},
        ).status_code
        == 200
    )
    # A fresh address gets one try while the account is over its limit, no more.
    stranger = {"REMOTE_ADDR": "10.9.9.9"}
    assert (
        client.post(
            "/api/v1/tokens/", headers=basic_auth("ann@example.com", "guess"), environ_base=stranger
        ).status_code
        == 401
    )
    assert (
        client.post(
            "/api/v1/tokens/", headers=basic_auth("ann@example.com", "guess"), environ_base=stranger
        ).status_code
        == 429
    )


def test_basic_auth_calls_share_the_login_limit_per_address(make_app):
    app = limited_app(make_app)
    client = app.test_client()
    for n in range(3):
        assert (
            client.post(
                "/auth/login",
                data={"email": f"x{n}@example.com", "password": "guess"},
                environ_base={"REMOTE_ADDR": "10.0.0.1"},
            ).status_code
            == 200
        )
    # The right password, through the API, from the same address: refused.
    refused = client.get(
        "/api/v1/posts/",
        headers=basic_auth("ann@example.com", PASSWORD),
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )
    assert refused.status_code == 429
    # Elsewhere, the account works.
    assert (
        client.get(
            "/api/v1/posts/",
            headers=basic_auth("ann@example.com", PASSWORD),
            environ_base={"REMOTE_ADDR": "10.0.0.2"},
        ).status_code
        == 200
    )


def test_right_passwords_through_the_api_use_up_nothing(make_app):
    app = limited_app(make_app, "2 per minute")
    client = app.test_client()
    for _ in range(5):
        assert (
            client.get("/api/v1/posts/", headers=basic_auth("ann@example.com", PASSWORD)).status_code == 200
        )


def test_the_password_asked_by_change_email_is_limited_too(make_app):
    app = limited_app(make_app, "2 per minute")
    client = app.test_client()
    assert (
        client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD}).status_code == 302
    )
    for _ in range(2):
        page = client.post("/auth/change_email", data={"email": "new@example.com", "password": "guess"})
        assert "That is not your password" in page.get_data(as_text=True)
    assert (
        client.post("/auth/change_email", data={"email": "new@example.com", "password": PASSWORD}).status_code
        == 429
    )


def test_change_email_requests_are_rate_limited(make_app):
    app = limited_app(make_app, "2 per minute")
    client = app.test_client()
    sent = []
    from flask_mail import email_dispatched

    def record(app, message, **extra):
        sent.append(message)

    email_dispatched.connect(record, app)
    try:
        client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD})
        for n in range(2):
            response = client.post(
                "/auth/change_email", data={"email": f"target{n}@example.com", "password": PASSWORD}
            )
            assert response.status_code == 302
        response = client.post(
            "/auth/change_email", data={"email": "target9@example.com", "password": PASSWORD}
        )
        assert response.status_code == 429
        assert "Too many emails asked for" in response.get_data(as_text=True)
        assert [m.recipients for m in sent] == [["target0@example.com"], ["target1@example.com"]]
        assert all(links_in(m) for m in sent)
        assert client.get("/auth/change_email").status_code == 200  # the form is never limited
    finally:
        email_dispatched.disconnect(record, app)


# -- one hash per check, account or not ----------------------------------------


@pytest.fixture
def hash_checks(monkeypatch):
    """The password hashes checked during the test (werkzeug's check)."""
    import werkzeug.security

    from site_app.models import dummy_hash, users

    checked = []
    real = werkzeug.security.check_password_hash

    def counting(pwhash, password):
        checked.append(pwhash)
        return real(pwhash, password)

    for module in (users, dummy_hash):  # an account's hash, and the stand-in for none
        monkeypatch.setattr(module, "check_password_hash", counting)
    return checked


def test_a_web_login_for_a_missing_account_checks_a_hash_too(client, make_user, hash_checks):
    make_user("ann")
    client.post("/auth/login", data={"email": "ann@example.com", "password": "wrong guess"})
    assert len(hash_checks) == 1
    client.post("/auth/login", data={"email": "nobody@example.com", "password": "wrong guess"})
    assert len(hash_checks) == 2
    # The stand-in uses the configured method, so it costs what a real check costs.
    method = User.by_email("ann@example.com").password_hash.split("$")[0]
    assert hash_checks[1].split("$")[0] == method


def test_an_api_login_for_a_missing_account_checks_a_hash_too(client, make_user, hash_checks):
    make_user("ann")
    assert client.get("/api/v1/posts/", headers=basic_auth("ann@example.com", "wrong")).status_code == 401
    assert len(hash_checks) == 1
    assert client.get("/api/v1/posts/", headers=basic_auth("nobody@example.com", "wrong")).status_code == 401
    assert len(hash_checks) == 2
