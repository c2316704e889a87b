"""A Redis that is not there (nothing listens on its port): pages render
without the cache, sign-in and the API count their limits in the process
and never answer 500, the outage is logged once, and /readyz names it.

The production-shape tests (tests/test_production_shape.py) do the same to
a real Redis under gunicorn: paused (SIGSTOP) and killed."""

import logging
import time

import pytest
from shape_services import free_port

from site_app.models import User

PASSWORD = "correct horse battery"


@pytest.fixture
def app(make_app):
    away = f"redis://127.0.0.1:{free_port()}"  # nothing listens there
    app = make_app(
        CACHE_TYPE="RedisCache",
        CACHE_REDIS_URL=f"{away}/0",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=f"{away}/1",
        CACHE_RETRY_SECONDS=30,
    )
    with app.app_context():
        user = User(email="writer@example.com", username="writer", confirmed=True)
        user.password = PASSWORD
        user.save()
    return app


def timed(client, method, path, **kwargs):
    started = time.monotonic()
    response = client.open(path, method=method, **kwargs)
    return response, time.monotonic() - started


def test_pages_render_without_the_cache_and_the_outage_is_logged_once(app, caplog):
    client = app.test_client()
    caplog.set_level(logging.INFO)
    answers = [timed(client, "GET", path) for path in ["/", "/explore", "/tag/lamp", "/"] * 5]
    assert [response.status_code for response, _ in answers] == [200] * 20
    assert max(seconds for _, seconds in answers) < 1.0
    # Creating the test's account already tells the cache (a new member for
    # searches): the outage may be met while setting up.
    logged = caplog.get_records("setup") + caplog.records
    outages = [r for r in logged if "unreachable" in r.getMessage()]
    assert [r.name for r in outages] == ["site_app.breaker"]  # one line, no traceback
    assert outages[0].exc_info is None
    assert not [r for r in logged if r.exc_info]


def test_sign_in_is_limited_per_process_and_never_a_500(app):
    client = app.test_client()
    wrong = [
        client.post("/auth/login", data={"email": "writer@example.com", "password": "wrong"})
        for _ in range(10)
    ]
    assert [r.status_code for r in wrong] == [200] * 10
    assert "Wrong email or password" in wrong[-1].text
    refused = client.post("/auth/login", data={"email": "writer@example.com", "password": "x"})
    assert refused.status_code == 429
    other = app.test_client()
    signed_in = other.post(
        "/auth/login",
        data={"email": "writer@example.com", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    # The owner from an address that has not failed gets in (no lockout by
    # strangers), the counters being kept in the process all the same.
    assert signed_in.status_code == 302


def test_the_api_answers_with_its_limit_counted_in_the_process(app):
    client = app.test_client()
    listed = client.get("/api/v1/posts/", auth=("writer@example.com", PASSWORD))
    assert listed.status_code == 200
    assert listed.headers["X-RateLimit-Limit"] == "300"
    created = client.post(
        "/api/v1/posts/",
        auth=("writer@example.com", PASSWORD),
        json={"title": "Written with Redis away", "body": "Kept."},
    )
    assert created.status_code == 201
    wrong = client.get("/api/v1/posts/", auth=("writer@example.com", "wrong"))
    assert wrong.status_code == 401


def test_readyz_names_what_is_away_within_a_second(app):
    response, seconds = timed(app.test_client(), "GET", "/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "error",
        "database": "ok",
        "cache": "unreachable",
        "rate_limits": "unreachable",
    }
    assert seconds < 1.0
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_200_when_every_store_answers(make_app):
    app = make_app(CACHE_TYPE="SimpleCache", RATELIMIT_ENABLED=True)
    client = app.test_client()
    answers = [client.get("/readyz") for _ in range(3)]  # exempt from every limit
    assert [a.status_code for a in answers] == [200] * 3
    assert answers[0].get_json() == {"status": "ok", "database": "ok", "cache": "ok", "rate_limits": "ok"}
    assert "X-Page-Cache" not in answers[0].headers
