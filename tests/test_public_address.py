"""The public address (SITE_URL) and the proxies in front (PROXY_COUNT):
links written for later never carry a request's Host, production answers
only its own host, and a trusted proxy's X-Forwarded-* name the reader."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import PRODUCTION_WITHOUT_DATABASE, links_in

from site_app.database import ConfigError
from site_app.models import User

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
FORGED = {"Host": "evil.example"}
SITE = "http://127.0.0.1:5000"  # testing's default SITE_URL
PRODUCTION = PRODUCTION_WITHOUT_DATABASE


# -- links written for later ----------------------------------------------------
def test_a_forged_host_never_reaches_the_reset_link(client, make_user, outbox):
    make_user("ann")
    response = client.post("/auth/reset", data={"email": "ann@example.com"}, headers=FORGED)
    assert response.status_code == 302
    [message] = outbox
    [link] = links_in(message)
    assert link.startswith(f"{SITE}/auth/reset/")
    assert "evil.example" not in message.body and "evil.example" not in message.html


def test_a_forged_host_never_reaches_the_confirmation_link(client, outbox):
    response = client.post(
        "/auth/register",
        headers=FORGED,
        data={"email": "bob@example.com", "username": "bob", "password": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    [message] = outbox
    assert links_in(message)[0].startswith(f"{SITE}/auth/confirm/")
    assert "evil.example" not in message.body and "evil.example" not in message.html


def test_a_forged_host_never_reaches_the_email_change_link(client, make_user, outbox):
    make_user("ann")
    forged = "http://evil.example"  # the whole session on the forged host
    client.post("/auth/login", base_url=forged, data={"email": "ann@example.com", "password": PASSWORD})
    response = client.post(
        "/auth/change_email", base_url=forged, data={"email": "ann@new.example", "password": PASSWORD}
    )
    assert response.status_code == 302
    [message] = outbox
    assert links_in(message)[0].startswith(f"{SITE}/auth/change_email/")


def test_the_feed_links_to_the_site_url_whatever_the_host(client, make_user):
    from site_app.models import Post

    post = Post.publish(make_user("ann"), "Hello", "A [link](/user/ann)")
    feed = client.get("/feed.atom", headers=FORGED).get_data(as_text=True)
    assert f"{SITE}/post/{post.id}" in feed
    assert f'href="{SITE}/feed.atom"' in feed
    assert f"{SITE}/user/ann" in feed
    assert "evil.example" not in feed


def test_links_follow_a_site_url_with_a_path(make_app):
    app = make_app(SITE_URL="https://example.org/blog/")
    with app.app_context():
        from site_app.public_address import site_url_for

        assert site_url_for("posts.post", post_id="abc") == "https://example.org/blog/post/abc"


# -- development and testing: the address served ---------------------------------
def served_app(make_app, monkeypatch, args, **overrides):
    """The app ``flask <args>`` builds and would serve (the server itself
    not started), with an account so the demo seeds nothing."""
    import flask.cli

    from site_app.seed import commands

    served = []

    def run_simple(host, port, app, **options):
        served.append(app)

    monkeypatch.setattr(commands, "run_simple", run_simple)
    monkeypatch.setattr(flask.cli, "run_simple", run_simple)
    info = flask.cli.ScriptInfo(create_app=lambda: build(make_app, overrides))
    result = flask.cli.FlaskGroup(create_app=lambda: build(make_app, overrides)).main(
        args=args, obj=info, standalone_mode=False
    )
    assert result is None and len(served) == 1
    return served[0]


def build(make_app, overrides):
    app = make_app(**overrides)
    with app.app_context():
        User.register(email="ann@example.com", username="ann", password=PASSWORD)
    return app


def what_links_say(app):
    """The confirmation link mailed on a sign-up whose Host is forged, the
    feed's own link and a profile's rel=canonical."""
    from flask_mail import email_dispatched

    sent = []
    email_dispatched.connect(lambda app, message, **extra: sent.append(message), app, weak=False)
    client = app.test_client()
    client.post(
        "/auth/register",
        headers=FORGED,
        data={"email": "bob@example.com", "username": "bob", "password": PASSWORD, "password2": PASSWORD},
    )
    feed = client.get("/feed.atom", headers=FORGED).get_data(as_text=True)
    profile = client.get("/user/ann", headers=FORGED).get_data(as_text=True)
    [message] = sent
    feed_self = r'rel="self" type="application/atom\+xml" href="([^"]+)/feed.atom"'
    return {
        "mail": links_in(message)[0].rsplit("/auth/", 1)[0],
        "feed": re.search(feed_self, feed).group(1),
        "canonical": re.search(r'rel="canonical" href="([^"]+)/user/ann"', profile).group(1),
    }


@pytest.mark.parametrize(
    "args, address",
    [
        (["demo", "--port", "5401"], "http://127.0.0.1:5401"),
        (["demo", "--host", "0.0.0.0", "--port", "5402"], "http://127.0.0.1:5402"),
        (["run", "--host", "127.0.0.2", "--port", "5403"], "http://127.0.0.2:5403"),
    ],
)
def test_links_lead_to_the_address_the_server_serves(monkeypatch, args, address, make_app):
    app = served_app(make_app, monkeypatch, args)
    assert what_links_say(app) == {"mail": address, "feed": address, "canonical": address}


def test_a_site_url_the_operator_names_wins_over_the_port(monkeypatch, make_app):
    app = served_app(make_app, monkeypatch, ["demo", "--port", "5401"], SITE_URL="https://blog.example.com")
    assert set(what_links_say(app).values()) == {"https://blog.example.com"}


# -- production: its own host only ------------------------------------------------
def test_production_refuses_to_start_without_site_url(make_app):
    with pytest.raises(ConfigError) as error:
        make_app(config_name="production", **{**PRODUCTION, "SITE_URL": None})
    assert "SITE_URL (the public address" in error.value.message


def test_production_without_site_url_is_one_line_on_stderr():
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    env.update(
        {
            "SITE_CONFIG": "production",
            "MONGODB_URI": "mongodb://127.0.0.1:1/site",
            "SECRET_KEY": PRODUCTION["SECRET_KEY"],
            "SKIP_DB_CHECK": "1",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", "from site_app import create_app; create_app()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "error: production needs SITE_URL (the public address, e.g. https://blog.example.com)"
    )


def test_a_site_url_that_is_not_an_address_is_refused(make_app):
    with pytest.raises(ConfigError) as error:
        make_app(SITE_URL="blog.example.com")
    assert "SITE_URL='blog.example.com' is not an address" in error.value.message


def test_production_answers_400_to_another_host(make_app):
    client = make_app(config_name="production", **PRODUCTION).test_client()
    own = client.get("/static/css/site.css", base_url="https://blog.example.com")
    assert own.status_code == 200
    forged = client.get("/static/css/site.css", base_url="https://evil.example")
    assert forged.status_code == 400


def test_seeding_images_works_where_only_the_site_host_is_trusted(make_app):
    app = make_app(SITE_URL="https://blog.example.com", TRUSTED_HOSTS=["blog.example.com"])
    result = app.test_cli_runner().invoke(
        args=[
            "seed",
            "--users",
            "3",
            "--posts",
            "2",
            "--comments",
            "0",
            "--follows",
            "0",
            "--images",
            "1",
            "--seed",
            "1",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "2 posts, 0 comments, 1 images" in result.output


# -- proxies in front -------------------------------------------------------------
def limited_app(make_app, proxies):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="10 per minute", PROXY_COUNT=proxies)
    return app


def failed_login(client, email, forwarded_for):
    # Every request arrives from the proxy's address, as behind nginx.
    return client.post(
        "/auth/login",
        data={"email": email, "password": "wrong guess"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_behind_one_proxy_failed_logins_lock_out_only_that_client(make_app):
    client = limited_app(make_app, 1).test_client()
    for n in range(10):
        assert failed_login(client, f"guess{n}@example.com", "203.0.113.5").status_code == 200
    assert failed_login(client, "guess10@example.com", "203.0.113.5").status_code == 429
    assert failed_login(client, "other@example.com", "198.51.100.7").status_code == 200


def test_without_proxy_count_forwarded_headers_are_ignored(make_app):
    client = limited_app(make_app, 0).test_client()
    for n in range(10):
        assert failed_login(client, f"guess{n}@example.com", f"203.0.113.{n}").status_code == 200
    # A made-up X-Forwarded-For is no way round the limit.
    assert failed_login(client, "other@example.com", "198.51.100.7").status_code == 429


def test_behind_one_proxy_the_request_log_has_the_client_address(caplog, make_app):
    client = limited_app(make_app, 1).test_client()
    with caplog.at_level(logging.INFO, logger="site_app.request"):
        client.get(
            "/healthz", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"X-Forwarded-For": "203.0.113.5"}
        )
    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "site_app.request"]
    assert line["ip"] == "203.0.113.5"


def test_behind_one_proxy_its_scheme_and_host_are_believed(make_user, api_headers, make_app):
    for proxies, expected in (
        (1, "https://blog.example.com/api/v1/users/"),
        (0, "http://localhost/api/v1/users/"),
    ):
        app = limited_app(make_app, proxies)
        with app.app_context():
            user = User.register(email="ann@example.com", username="ann", password=PASSWORD)
            user.confirmed = True
            user.save()
        response = app.test_client().get(
            f"/api/v1/users/{user.id}",
            headers={
                **api_headers("ann@example.com", PASSWORD),
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": "blog.example.com",
            },
        )
        assert response.status_code == 200
        assert response.get_json()["url"] == expected + str(user.id)
