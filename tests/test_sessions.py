"""Sessions live on the server: logging out, changing the password,
disabling the account and "log out everywhere" end them for real, and a
session cookie copied before any of those opens nothing afterwards."""

import pytest
from helpers import signed_in_client

from site_app.database import get_db
from site_app.models import User
from site_app.sessions import COLLECTION, ensure_session_indexes

PASSWORD = "correct horse battery"


def session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def browser_with(app, cookie_value):
    """Another browser, holding a copy of a session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie_value)
    return thief


def can_write(client):
    return client.get("/write").status_code == 200


def stored_sessions(app):
    return get_db(app)[COLLECTION]


def test_a_cookie_copied_before_logout_opens_nothing_after(app, client, auth, make_user):
    auth.login_as(make_user("ann"))
    copied = session_cookie(client)
    assert can_write(browser_with(app, copied))
    auth.logout()
    assert not can_write(browser_with(app, copied))
    assert client.get("/write").status_code == 302  # the owner is logged out too


def test_a_remembered_login_also_ends_at_logout(app, client, make_user):
    make_user("ann")
    client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD, "remember_me": "y"})
    copied = session_cookie(client)
    client.post("/auth/logout")
    thief = browser_with(app, copied)
    assert not can_write(thief)
    assert "remember_token" not in {c.key for c in client._cookies.values()}


def test_logging_in_gives_a_new_session_id(app, client, make_user):
    make_user("ann")
    with client.session_transaction() as planted_session:  # e.g. a CSRF token
        planted_session["csrf_token"] = "known to the attacker"
    planted = session_cookie(client)
    assert planted
    client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD})
    assert session_cookie(client) not in (None, planted)
    assert stored_sessions(app).count_documents({}) == 1  # the planted one is gone
    assert not can_write(browser_with(app, planted))  # session fixation fails


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, client, auth, make_user):
    ann = make_user("ann")
    other_device = signed_in_client(app, ann)
    assert can_write(other_device)
    auth.login_as(ann)
    response = client.post(
        "/auth/change-password",
        data={"old_password": PASSWORD, "password": "a new password", "password2": "a new password"},
    )
    assert response.status_code == 302
    assert can_write(client)
    assert not can_write(other_device)
    assert stored_sessions(app).count_documents({"user_id": ann.id}) == 1


def test_disabling_an_account_deletes_its_sessions(app, make_user):
    ann = make_user("ann")
    browser = signed_in_client(app, ann)
    assert can_write(browser)
    User.objects.get(id=ann.id).disable()
    assert stored_sessions(app).count_documents({"user_id": ann.id}) == 0
    assert not can_write(browser)


def test_log_out_everywhere_ends_every_session_and_token(app, client, auth, make_user, api_headers):
    ann = make_user("ann")
    phone = signed_in_client(app, ann)
    token = client.post("/api/v1/tokens/", headers=api_headers(ann.email, PASSWORD)).get_json()
    auth.login_as(ann)
    page = client.get("/auth/change-password").get_data(as_text=True)
    assert 'action="/auth/logout-everywhere"' in page
    response = client.post("/auth/logout-everywhere")
    assert response.status_code == 302 and response.location == "/auth/login"
    assert not can_write(client)
    assert not can_write(phone)
    assert client.get("/api/v1/posts/", headers=api_headers(token["token"])).status_code == 401
    assert stored_sessions(app).count_documents({"user_id": ann.id}) == 0


def test_log_out_everywhere_is_post_only_and_needs_the_csrf_token(make_user, make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        ann = User.register(email="ann@example.com", username="ann", password=PASSWORD)
        User.objects(id=ann.id).update_one(set__confirmed=True)
        browser = signed_in_client(app, ann)
        assert browser.get("/auth/logout-everywhere").status_code == 405
        assert browser.post("/auth/logout-everywhere").status_code == 400
        assert can_write(browser)


def test_anonymous_readers_get_no_cookie_and_no_stored_session(app, client, make_user):
    post_author = make_user("ann")
    from site_app.models import Post

    post = Post.publish(post_author, "Hello", "Body")
    for path in ("/", "/feed.atom", "/user/ann", f"/post/{post.id}", "/search?q=hello"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
    assert session_cookie(client) is None
    assert stored_sessions(app).count_documents({}) == 0


def test_sessions_expire_through_a_ttl_index(app):
    indexes = stored_sessions(app).index_information()
    assert indexes["session_expiry"]["key"] == [("expires_at", 1)]
    assert indexes["session_expiry"]["expireAfterSeconds"] == 0
    assert indexes["session_user"]["key"] == [("user_id", 1)]
    assert ensure_session_indexes(get_db(app)) == {COLLECTION: []}  # idempotent


def test_an_expired_stored_session_is_not_honoured(app, client, auth, make_user):
    from datetime import datetime

    auth.login_as(make_user("ann"))
    stored_sessions(app).update_many({}, {"$set": {"expires_at": datetime(2000, 1, 1)}})
    assert not can_write(client)


def test_the_cookie_holds_only_an_id(app, client, auth, make_user):
    auth.login_as(make_user("ann"))
    cookie = session_cookie(client)
    assert "." not in cookie and len(cookie) >= 40
    stored = stored_sessions(app).find_one({"user_id": {"$ne": None}})
    assert stored["_id"] != cookie  # kept hashed


@pytest.mark.parametrize("garbage", ["x", "a" * 3000, "../../etc"])
def test_a_forged_cookie_is_an_anonymous_visit(app, garbage):
    browser = browser_with(app, garbage)
    assert browser.get("/").status_code == 200
    assert not can_write(browser)


def test_a_remember_me_cookie_of_flask_login_opens_nothing(app, make_user):
    # "Keep me logged in" is a lasting server-side session now; a remember
    # cookie (only ever issued before) would outlive logout, so none is honoured.
    from flask_login.utils import encode_cookie

    ann = make_user("ann")
    with app.test_request_context():
        remembered = encode_cookie(ann.get_id())
    browser = app.test_client()
    browser.set_cookie("remember_token", remembered)
    assert not can_write(browser)


def test_a_request_in_flight_at_logout_does_not_bring_the_session_back(app, client, auth, make_user):
    """A request that read the session before logout and writes it after
    (a refreshed expiry, a flash) must not recreate the deleted record."""
    ann = make_user("ann")
    auth.login_as(ann)
    copied = session_cookie(client)
    interface = app.session_interface
    with app.test_request_context("/", headers={"Cookie": f"session={copied}"}) as in_flight:
        started = interface.open_session(app, in_flight.request)
        assert started.get("_user_id")
        auth.logout()
        started["_flashes"] = [("info", "written after logout")]
        answer = app.response_class()
        interface.save_session(app, started, answer)
    assert stored_sessions(app).count_documents({"user_id": ann.id}) == 0
    assert not can_write(browser_with(app, copied))
    assert f"session={copied}" not in answer.headers.get("Set-Cookie", "")


def test_an_anonymous_visit_to_a_form_keeps_its_session_briefly(make_app):
    """A form page stores a session (its CSRF token) for a cookie-less
    visitor: it lives ANONYMOUS_SESSION_MINUTES, not the signed-in lifetime."""
    import re
    from datetime import timedelta

    from site_app.models import Role, utcnow

    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        Role.insert_roles()
        ann = User.register(email="ann@example.com", username="ann", password=PASSWORD)
    visitor = app.test_client()
    form = visitor.get("/auth/login").get_data(as_text=True)
    [stored] = stored_sessions(app).find({})
    assert stored["user_id"] is None
    brief = timedelta(minutes=app.config["ANONYMOUS_SESSION_MINUTES"])
    assert timedelta(minutes=1) <= brief <= timedelta(hours=1)
    assert stored["expires_at"] - utcnow() <= brief
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    signed_in = visitor.post(
        "/auth/login", data={"email": "ann@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    [kept] = stored_sessions(app).find({})
    assert kept["user_id"] == ann.id
    assert kept["expires_at"] - utcnow() > app.permanent_session_lifetime - timedelta(hours=1)
