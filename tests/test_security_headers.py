"""Security headers on every kind of response, and cookie flags in production."""

import re

import pytest
from flask import session
from helpers import PRODUCTION_WITHOUT_DATABASE, publish_a_post_linking

from site_app.database import gridfs_for

STRICT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def assert_secure(response, nonce=True):
    for name, value in STRICT_HEADERS.items():
        assert response.headers.get(name) == value, name
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    if nonce:
        assert re.fullmatch(r"'self' 'nonce-[\w-]{16,}'", directives["script-src"])
    else:
        assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp
    return csp


def test_html_pages_carry_the_headers_and_a_fresh_nonce(client):
    # A page made for one reader (the login form writes a session).
    first = client.get("/auth/login")
    second = client.get("/auth/login")
    assert first.status_code == 200 and first.mimetype == "text/html"
    csp = assert_secure(first)
    assert csp != assert_secure(second)  # a new nonce on every request
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    for script in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", first.get_data(as_text=True)):
        assert f'nonce="{nonce}"' in script  # inline script only with the nonce


def test_a_shared_page_without_inline_scripts_needs_no_nonce(client):
    # What readers without a session share (and a CDN may keep) holds
    # nothing made for one response: no inline script, so no nonce.
    response = client.get("/")
    assert "<script" in response.get_data(as_text=True)
    assert not re.findall(r"<script(?![^>]*\bsrc=)", response.get_data(as_text=True))
    assert_secure(response, nonce=False)


def test_json_responses_carry_the_headers(client):
    response = client.get("/healthz")
    assert response.is_json
    assert_secure(response)


def test_error_pages_carry_the_headers(client):
    assert_secure(client.get("/no-such-page"))
    assert_secure(client.get("/api/v1/posts/", headers={"Accept": "application/json"}))


def test_static_files_carry_the_headers(client):
    # WhiteNoise serves them outside Flask, once for every request: the same
    # headers, and a policy that lets nothing run (no nonce to hand out).
    for path in ("/static/css/site.css", "/static/img/favicon.svg"):
        response = client.get(path)
        assert response.status_code == 200
        for name, value in STRICT_HEADERS.items():
            assert response.headers.get(name) == value, name
        assert response.headers["Content-Security-Policy"] == ("default-src 'none'; frame-ancestors 'none'")


def test_uploaded_files_carry_the_headers(client, app, make_user):
    file_id = gridfs_for(app).put(
        b"hello", filename="a.txt", metadata={"content_type": "text/plain", "kind": "attachment"}
    )
    publish_a_post_linking(app, make_user, file_id)  # a published post's file: everyone's
    response = client.get(f"/files/{file_id}")
    assert response.status_code == 200
    for name, value in STRICT_HEADERS.items():
        assert response.headers.get(name) == value, name
    # An uploaded file gets a stricter policy of its own: nothing runs, and
    # opened directly it is sandboxed (no scripts, no forms, its own origin).
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


@pytest.fixture
def production_app(make_app):
    """A production app with no database server (the start-up ping is
    skipped; a query would wait 200 ms and answer 503). Its sessions, which
    production stores in the database, are kept in memory (mongomock), so
    its pages answer as they do for a reader."""
    import mongomock

    app = make_app(
        config_name="production", **{**PRODUCTION_WITHOUT_DATABASE, "SITE_URL": "https://localhost"}
    )
    app.extensions["site_db"]["db"] = mongomock.MongoClient().db
    return app


def test_production_sends_hsts(production_app):
    client = production_app.test_client()
    page = client.get("/auth/login", base_url="https://localhost")
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert_secure(page)
    static = client.get("/static/css/site.css", base_url="https://localhost")
    assert static.headers["Strict-Transport-Security"] == page.headers["Strict-Transport-Security"]


def test_production_session_cookie_is_secure_httponly_and_lax(production_app):
    client = production_app.test_client()
    # The admin sends anonymous visitors to log in with a flashed message,
    # which writes the session cookie.
    response = client.get("/admin/", base_url="https://localhost")
    assert response.status_code == 302
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "secure" in flags and "httponly" in flags and "samesite=lax" in flags


def test_production_remember_me_cookie_flags(production_app):
    # "Keep me logged in" is a lasting server-side session: its cookie has
    # an expiry and the same flags.
    with production_app.test_request_context("/", base_url="https://localhost"):
        session["_user_id"] = "someone"
        session.permanent = True
        response = production_app.process_response(production_app.response_class())
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "secure" in flags and "httponly" in flags and "samesite=lax" in flags
    assert any(flag.startswith("expires=") for flag in flags)
    # And a form posted without its CSRF token is refused.
    assert production_app.test_client().post("/auth/logout", base_url="https://localhost").status_code == 400


def test_development_cookies_are_httponly_and_lax_but_not_secure(make_app):
    app = make_app(config_name="development")
    with app.test_request_context("/"):
        session["_user_id"] = "someone"
        response = app.process_response(app.response_class())
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in flags and "samesite=lax" in flags
    assert "secure" not in flags
