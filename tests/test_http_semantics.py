"""HTTP that shared caches and feed readers do not have to guess about:
what an answer varies on, which pages set cookies, conditional GETs of the
feed, rate-limit headers only where they mean something, and no login form
for a reader who is already signed in."""

import base64
from email.utils import parsedate_to_datetime

import pytest
from helpers import assert_compressed_answer_revalidates

from site_app.models import Post, User

PASSWORD = "correct horse battery"


# -- error pages negotiate on Accept, so they say so ---------------------------


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_error_pages_chosen_by_accept_vary_on_accept(client, accept):
    response = client.get("/no-such-page", headers={"Accept": accept})
    assert response.status_code == 404
    assert response.mimetype == accept
    assert "Accept" in response.vary


# -- anonymous pages without a form set no cookie ------------------------------


@pytest.fixture
def csrf_app(make_app):
    """CSRF on, as in development and production: forms write a token into
    the session, which is what makes a cookie."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        writer = User.register(email="ann@example.com", username="ann", password=PASSWORD)
        User.objects(id=writer.id).update_one(set__confirmed=True)
        Post.publish(writer, "A post", "Some `code` here", "notes")
    return app


def _anonymous_pages(app):
    with app.app_context():
        post = Post.objects.first()
    return [
        "/",
        f"/post/{post.id}",
        "/user/ann",
        "/tag/notes",
        "/search?q=post",
        "/followers/ann",
        "/following/ann",
        "/feed.atom",
        "/no-such-page",
    ]


def test_anonymous_pages_without_a_form_set_no_cookie(csrf_app):
    for path in _anonymous_pages(csrf_app):
        response = csrf_app.test_client().get(path)
        assert response.headers.getlist("Set-Cookie") == [], path


def test_login_and_register_forms_still_carry_a_csrf_token(csrf_app):
    for path in ("/auth/login", "/auth/register"):
        response = csrf_app.test_client().get(path)
        assert 'name="csrf_token"' in response.get_data(as_text=True)
        assert any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))


def test_a_signed_in_reader_still_gets_the_comment_form(csrf_app):
    client = csrf_app.test_client()
    with csrf_app.app_context():
        post_id = Post.objects.first().id
    login = client.get("/auth/login").get_data(as_text=True)
    token = login.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/auth/login", data={"email": "ann@example.com", "password": PASSWORD, "csrf_token": token})
    page = client.get(f"/post/{post_id}").get_data(as_text=True)
    assert 'name="body"' in page and 'name="csrf_token"' in page


# -- the feed answers conditional GETs -----------------------------------------


def test_feed_has_validators_and_answers_304(client, make_user):
    Post.publish(make_user("ann"), "First", "Hello", "")
    first = client.get("/feed.atom")
    assert first.status_code == 200
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    again = client.get("/feed.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/feed.atom", headers={"If-Modified-Since": modified})
    assert since.status_code == 304


def test_a_compressed_feed_answers_304_to_its_own_etag(client, make_user):
    Post.publish(make_user("ann"), "First", "Hello " * 200, "")
    assert_compressed_answer_revalidates(client, "/feed.atom")


def test_a_new_post_changes_the_feed_validators(client, make_user):
    author = make_user("ann")
    post = Post.publish(author, "First", "Hello", "")
    first = client.get("/feed.atom")
    newer = Post.publish(author, "Second", "Hello again", "")
    Post.objects(id=newer.id).update_one(set__timestamp=post.timestamp.replace(year=post.timestamp.year + 1))
    second = client.get(
        "/feed.atom",
        headers={"If-None-Match": first.headers["ETag"], "If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    assert parsedate_to_datetime(second.headers["Last-Modified"]) > parsedate_to_datetime(
        first.headers["Last-Modified"]
    )


# -- rate-limit headers --------------------------------------------------------


@pytest.fixture
def limited_api(api_headers, make_app):
    app = make_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    with app.app_context():
        user = User.register(email="rita@example.com", username="rita", password=PASSWORD)
        User.objects(id=user.id).update_one(set__confirmed=True)
    return app.test_client(), api_headers("rita@example.com", PASSWORD)


def test_retry_after_only_when_the_limit_is_reached(limited_api):
    client, rita = limited_api
    ok = client.get("/api/v1/posts/", headers=rita)
    assert ok.status_code == 200 and ok.headers["X-RateLimit-Limit"] == "2"
    assert "Retry-After" not in ok.headers
    client.get("/api/v1/posts/", headers=rita)
    limited = client.get("/api/v1/posts/", headers=rita)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


def test_the_openapi_document_declares_every_rate_limit_header_sent(limited_api):
    client, rita = limited_api
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/posts/"]["get"]
    for status in ("200", "429"):
        response = client.get("/api/v1/posts/", headers=rita)
        while str(response.status_code) != status:
            response = client.get("/api/v1/posts/", headers=rita)
        declared = operation["responses"][status].get("headers", {})
        sent = {
            name
            for name in response.headers.keys()
            if name.startswith("X-RateLimit-") or name == "Retry-After"
        }
        assert sent and sent <= set(declared), (status, sent, declared)


# -- a signed-in reader does not get the login form ---------------------------


def test_signed_in_reader_at_login_goes_to_a_safe_next(client, auth, make_user):
    auth.login_as(make_user("ann"))
    response = client.get("/auth/login?next=/user/ann")
    assert response.status_code == 302 and response.headers["Location"] == "/user/ann"


def test_signed_in_reader_at_login_with_an_unsafe_next_goes_home(client, auth, make_user):
    auth.login_as(make_user("ann"))
    response = client.get("/auth/login?next=https://evil.example/")
    assert response.status_code == 302 and response.headers["Location"] == "/"


# -- CSRF tokens are masked in every response (BREACH) -------------------------


def _tokens(page):
    import re

    return re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', page)


def test_the_csrf_token_differs_in_every_response_and_each_works(csrf_app):
    """The secret (and Flask-WTF's signed form of it, constant but for a
    timestamp) never appears in a page: BREACH has nothing fixed to find."""
    from itsdangerous import URLSafeTimedSerializer

    client = csrf_app.test_client()
    pages = [client.get("/auth/login").get_data(as_text=True) for _ in range(2)]
    first, second = (_tokens(page)[0] for page in pages)
    assert first != second
    with client.session_transaction() as session:
        secret = session["csrf_token"]
    signed = URLSafeTimedSerializer(csrf_app.secret_key, salt="wtf-csrf-token").dumps(secret)
    for page in pages:
        assert secret not in page and signed.split(".")[0] not in page
    for token in (first, second):  # each passes the check: the form itself answers
        response = client.post(
            "/auth/login", data={"email": "ann@example.com", "password": "wrong", "csrf_token": token}
        )
        assert response.status_code == 200
        assert "Wrong email or password" in response.get_data(as_text=True)


def test_a_tampered_masked_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    token = _tokens(client.get("/auth/login").get_data(as_text=True))[0]
    # The token's first character changed under its pad: the text Flask-WTF
    # signed is then different. (Changing a character of the masked string
    # did not always do that: the one in the middle can land on the pad's
    # last byte, which unmasks the signature's last character, and the two
    # low bits of that character are ones base64 decoding ignores. About
    # one run in a few hundred, the token stayed valid.)
    both = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    both[len(both) // 2] ^= 0x01
    tampered = base64.urlsafe_b64encode(bytes(both)).decode().rstrip("=")
    response = client.post(
        "/auth/login", data={"email": "ann@example.com", "password": PASSWORD, "csrf_token": tampered}
    )
    assert response.status_code == 400
    garbage = client.post(
        "/auth/login", data={"email": "ann@example.com", "password": PASSWORD, "csrf_token": "%%%"}
    )
    assert garbage.status_code == 400
