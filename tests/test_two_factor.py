"""Two-factor sign-in, through the pages and the API: setting it up, the
sign-in's second step, recovery codes, trusted devices, turning it off, the
staff rule, the API's rules, the limits on wrong codes, and the page listing
where an account is signed in. Codes are computed with pyotp from the
secret the setup page shows, as an authenticator app would."""

import re
import time

import pyotp
import pytest
from helpers import basic_auth

from site_app.models import Role, User
from site_app.models.two_factor import TwoFactor

PASSWORD = "correct horse battery"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def log_in(client, user, next_page=None, **extra):
    url = "/auth/login" + (f"?next={next_page}" if next_page else "")
    return client.post(url, data={"email": user.email, "password": PASSWORD}, **extra)


def shown_secret(client):
    page = client.get("/auth/two-factor")
    assert page.status_code == 200
    return re.search(r'id="totp-secret"[^>]*>([A-Z2-7]+)<', page.text).group(1)


def enable_two_factor(client):
    """Turn two-factor on for the signed-in account: its secret and recovery codes."""
    secret = shown_secret(client)
    page = client.post("/auth/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert page.status_code == 200
    return secret, re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", page.text)


def next_code(secret):
    """The code of the next time step: the current one was spent enabling."""
    return pyotp.TOTP(secret).at(time.time() + 30)


@pytest.fixture
def ann(make_user):
    return make_user("ann")


@pytest.fixture
def ann_with_two_factor(client, auth, ann):
    auth.login_as(ann)
    secret, codes = enable_two_factor(client)
    auth.logout()
    return secret, codes


def test_enabling_with_a_wrong_code_fails_and_leaves_it_off(client, auth, ann):
    auth.login_as(ann)
    secret = shown_secret(client)
    page = client.post("/auth/two-factor", data={"code": "000000"})
    assert page.status_code == 200
    assert "That code is not right" in page.text
    assert shown_secret(client) == secret  # still the setup, same secret
    auth.logout()
    assert log_in(client, ann).location == "/"


def test_enabling_shows_ten_recovery_codes_once(client, auth, ann):
    auth.login_as(ann)
    secret = shown_secret(client)
    page = client.post("/auth/two-factor", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", page.text)
    assert len(set(codes)) == 10
    assert page.headers["Cache-Control"] == "no-store"
    again = client.get("/auth/two-factor")
    assert "Two-factor sign-in is on" in again.text
    assert "10 unused recovery codes" in again.text
    assert not any(code in again.text for code in codes)
    assert 'id="totp-secret"' not in again.text


def test_the_qr_code_is_an_svg_the_csp_allows(client, auth, ann):
    auth.login_as(ann)
    page = client.get("/auth/two-factor")
    assert 'src="/auth/two-factor/qr.svg"' in page.text
    qr = client.get("/auth/two-factor/qr.svg")
    assert qr.status_code == 200
    assert qr.content_type == "image/svg+xml"
    assert qr.headers["Cache-Control"] == "no-store"
    svg = qr.get_data(as_text=True)
    assert svg.startswith("<svg") and "style" not in svg


def test_sign_in_needs_the_second_step(client, ann, ann_with_two_factor):
    secret, _codes = ann_with_two_factor
    step = log_in(client, ann, next_page="/bookmarks")
    assert step.status_code == 302
    assert step.location == "/auth/two-factor/verify?next=/bookmarks"
    # The password alone signed nobody in.
    assert client.get("/bookmarks").location.startswith("/auth/login")
    assert "Trust this device for 30 days" in client.get(step.location).text
    wrong = client.post(step.location, data={"code": "123456"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.text
    right = client.post(step.location, data={"code": next_code(secret)})
    assert right.status_code == 302
    assert right.location == "/bookmarks"
    assert client.get("/bookmarks").status_code == 200


def test_a_code_is_accepted_once(client, auth, ann, ann_with_two_factor):
    secret, _codes = ann_with_two_factor
    code = next_code(secret)
    log_in(client, ann)
    assert client.post("/auth/two-factor/verify", data={"code": code}).status_code == 302
    auth.logout()
    log_in(client, ann)
    replay = client.post("/auth/two-factor/verify", data={"code": code})
    assert replay.status_code == 200
    assert "That code is not right" in replay.text


def test_the_next_page_after_the_code_stays_on_this_site(client, ann, ann_with_two_factor):
    secret, _codes = ann_with_two_factor
    step = log_in(client, ann, next_page="https://evil.example/")
    assert step.location == "/auth/two-factor/verify"
    answer = client.post("/auth/two-factor/verify?next=//evil.example/", data={"code": next_code(secret)})
    assert answer.location == "/"


def test_the_second_step_without_a_right_password_goes_back_to_login(client):
    page = client.get("/auth/two-factor/verify")
    assert page.status_code == 302
    assert page.location.startswith("/auth/login")


def test_a_pending_sign_in_expires(client, ann, ann_with_two_factor):
    secret, _codes = ann_with_two_factor
    log_in(client, ann)
    with client.session_transaction() as session:
        session["two_factor_pending"] = {**session["two_factor_pending"], "until": time.time() - 1}
    late = client.post("/auth/two-factor/verify", data={"code": next_code(secret)})
    assert late.status_code == 302
    assert late.location.startswith("/auth/login")
    assert client.get("/bookmarks").location.startswith("/auth/login")


def test_a_recovery_code_works_once(client, auth, ann, ann_with_two_factor):
    _secret, codes = ann_with_two_factor
    log_in(client, ann)
    used = client.post("/auth/two-factor/verify", data={"code": codes[0].upper()})
    assert used.status_code == 302
    assert "9 unused recovery codes" in client.get("/auth/two-factor").text
    auth.logout()
    log_in(client, ann)
    again = client.post("/auth/two-factor/verify", data={"code": codes[0]})
    assert again.status_code == 200
    assert "That code is not right" in again.text


def test_a_trusted_device_skips_the_step_until_the_password_changes(client, auth, ann, ann_with_two_factor):
    secret, _codes = ann_with_two_factor
    log_in(client, ann)
    trusted = client.post("/auth/two-factor/verify", data={"code": next_code(secret), "trust_device": "y"})
    assert "trusted_device=" in " ".join(trusted.headers.getlist("Set-Cookie"))
    auth.logout()
    assert log_in(client, ann).location == "/"  # no code asked
    changed = client.post(
        "/auth/change-password",
        data={
            "old_password": PASSWORD,
            "password": "a new horse battery",
            "password2": "a new horse battery",
        },
    )
    assert changed.status_code == 302
    auth.logout()
    asked = client.post("/auth/login", data={"email": ann.email, "password": "a new horse battery"})
    assert asked.location == "/auth/two-factor/verify"


def test_another_browser_is_not_trusted(app, client, ann, ann_with_two_factor):
    secret, _codes = ann_with_two_factor
    log_in(client, ann)
    client.post("/auth/two-factor/verify", data={"code": next_code(secret), "trust_device": "y"})
    assert log_in(app.test_client(), ann).location == "/auth/two-factor/verify"


def test_turning_off_needs_the_password_and_a_code(client, auth, ann):
    auth.login_as(ann)
    secret, _codes = enable_two_factor(client)
    no_code = client.post("/auth/two-factor/disable", data={"password": PASSWORD, "code": "1"})
    assert no_code.status_code == 400
    assert "That code is not right" in no_code.text
    wrong_password = client.post(
        "/auth/two-factor/disable", data={"password": "not it at all", "code": next_code(secret)}
    )
    assert wrong_password.status_code == 400
    assert "That is not your password" in wrong_password.text
    off = client.post("/auth/two-factor/disable", data={"password": PASSWORD, "code": next_code(secret)})
    assert off.status_code == 302
    auth.logout()
    assert log_in(client, ann).location == "/"


def test_turning_off_revokes_trusted_devices(client, auth, ann, ann_with_two_factor):
    secret, codes = ann_with_two_factor
    log_in(client, ann)
    client.post("/auth/two-factor/verify", data={"code": next_code(secret), "trust_device": "y"})
    client.post("/auth/two-factor/disable", data={"password": PASSWORD, "code": codes[0]})
    secret, _codes = enable_two_factor(client)  # on again: a new nonce
    auth.logout()
    assert log_in(client, ann).location == "/auth/two-factor/verify"


def staff_app(make_app, required):
    app = make_app(TWO_FACTOR_REQUIRED_FOR_STAFF=required)
    with app.app_context():
        for name, role in (("mo", "Moderator"), ("reader", "User")):
            user = User.register(email=f"{name}@example.com", username=name, password=PASSWORD)
            User.objects(id=user.id).update_one(set__confirmed=True, set__role=Role.named(role))
    return app


def test_staff_are_sent_to_setup_when_it_is_required(make_app):
    app = staff_app(make_app, required=True)
    moderator = app.test_client()
    moderator.post("/auth/login", data={"email": "mo@example.com", "password": PASSWORD})
    for page in ("/moderate", "/", "/write"):
        assert moderator.get(page).location == "/auth/two-factor", page
    secret = shown_secret(moderator)
    moderator.post("/auth/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert moderator.get("/moderate").status_code == 200
    reader = app.test_client()
    reader.post("/auth/login", data={"email": "reader@example.com", "password": PASSWORD})
    assert reader.get("/write").status_code == 200


def test_staff_may_go_without_it_when_it_is_not_required(make_app):
    app = staff_app(make_app, required=False)
    moderator = app.test_client()
    moderator.post("/auth/login", data={"email": "mo@example.com", "password": PASSWORD})
    assert moderator.get("/moderate").status_code == 200


def test_the_api_refuses_a_password_for_an_account_with_two_factor(client, ann, ann_with_two_factor):
    secret, _codes = ann_with_two_factor
    refused = client.get("/api/v1/posts/", headers=basic_auth(ann.email, PASSWORD))
    assert refused.status_code == 401
    assert "two-factor" in refused.get_json()["message"]
    no_code = client.post("/api/v1/tokens/", headers=basic_auth(ann.email, PASSWORD))
    assert no_code.status_code == 401
    assert "X-TOTP" in no_code.get_json()["message"]
    wrong = client.post("/api/v1/tokens/", headers={**basic_auth(ann.email, PASSWORD), "X-TOTP": "000000"})
    assert wrong.status_code == 401
    created = client.post(
        "/api/v1/tokens/", headers={**basic_auth(ann.email, PASSWORD), "X-TOTP": next_code(secret)}
    )
    assert created.status_code == 200
    token = created.get_json()["token"]
    assert client.get("/api/v1/posts/", headers=basic_auth(token)).status_code == 200


def limited_app(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        user = User.register(email="ann@example.com", username="ann", password=PASSWORD)
        User.objects(id=user.id).update_one(set__confirmed=True)
    return app


def test_wrong_codes_count_against_the_password_limit(make_app):
    app = limited_app(make_app)
    client = app.test_client()
    client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD})
    secret, _codes = enable_two_factor(client)
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD})
    for _ in range(3):
        assert client.post("/auth/two-factor/verify", data={"code": "000000"}).status_code == 200
    refused = client.post("/auth/two-factor/verify", data={"code": next_code(secret)})
    assert refused.status_code == 429
    # The API's X-TOTP shares the same limit.
    api = client.post(
        "/api/v1/tokens/", headers={**basic_auth("ann@example.com", PASSWORD), "X-TOTP": next_code(secret)}
    )
    assert api.status_code == 429


def test_the_sessions_page_lists_devices_and_signs_out_another(app, ann):
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, ann, headers={"User-Agent": FIREFOX})
    log_in(phone, ann, headers={"User-Agent": IPHONE})
    page = laptop.get("/auth/sessions", headers={"User-Agent": FIREFOX})
    assert page.status_code == 200
    assert "Firefox on Linux" in page.text
    assert "Safari on iPhone" in page.text
    assert page.text.count("This device") == 1
    keys = re.findall(r'action="/auth/sessions/([0-9a-f]{64})/sign-out"', page.text)
    assert len(keys) == 2
    this_one = re.search(r"This device.*?/auth/sessions/([0-9a-f]{64})/sign-out", page.text, re.DOTALL).group(
        1
    )
    other = next(key for key in keys if key != this_one)
    signed_out = laptop.post(f"/auth/sessions/{other}/sign-out")
    assert signed_out.status_code == 302
    assert phone.get("/bookmarks").location.startswith("/auth/login")
    assert laptop.get("/bookmarks").status_code == 200
    assert "Safari on iPhone" not in laptop.get("/auth/sessions").text


def test_nobody_signs_out_a_session_of_another_account(app, make_user, ann):
    ben = make_user("ben")
    ann_browser, ben_browser = app.test_client(), app.test_client()
    log_in(ann_browser, ann)
    log_in(ben_browser, ben)
    ann_key = re.search(
        r"/auth/sessions/([0-9a-f]{64})/sign-out", ann_browser.get("/auth/sessions").text
    ).group(1)
    assert ben_browser.post(f"/auth/sessions/{ann_key}/sign-out").status_code == 404
    assert ben_browser.post("/auth/sessions/not-a-key/sign-out").status_code == 404
    assert ann_browser.get("/bookmarks").status_code == 200


def test_staff_need_two_factor_in_production_and_not_in_development(make_app):
    production = make_app(
        config_name="production",
        MONGODB_URI="mongodb://127.0.0.1:1/site",
        SKIP_DB_CHECK=True,
        SECRET_KEY="a-long-random-production-secret-0123456789",
        MONGODB_SERVER_SELECTION_TIMEOUT_MS=200,
        SITE_URL="https://localhost",
    )
    assert production.config["TWO_FACTOR_REQUIRED_FOR_STAFF"] is True
    assert make_app().config["TWO_FACTOR_REQUIRED_FOR_STAFF"] is False


def test_deleting_an_account_deletes_its_two_factor_secret(client, auth, ann):
    auth.login_as(ann)
    enable_two_factor(client)
    assert TwoFactor.objects(user_id=ann.id).count() == 1
    ann.delete()
    assert TwoFactor.objects(user_id=ann.id).count() == 0


def test_signing_out_this_session_from_the_list_logs_out(app, ann):
    browser = app.test_client()
    log_in(browser, ann)
    key = re.search(r"/auth/sessions/([0-9a-f]{64})/sign-out", browser.get("/auth/sessions").text).group(1)
    answer = browser.post(f"/auth/sessions/{key}/sign-out", follow_redirects=True)
    assert answer.status_code == 200
    assert "You have been logged out" in answer.text
    assert browser.get("/bookmarks").location.startswith("/auth/login")
