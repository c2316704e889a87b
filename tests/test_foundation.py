"""The app factory, the database wiring, errors and the health check."""

import pytest

from site_app.database import ConfigError
from site_app.models import Post, Role, User


def test_two_testing_apps_never_share_data(make_app):
    first = make_app()
    second = make_app()
    with first.app_context():
        User.register(email="a@example.com", username="alice", password="pw123456")
        assert User.objects.count() == 1
    with second.app_context():
        assert User.objects.count() == 0
    with first.app_context():
        assert User.objects.count() == 1


def test_overrides_apply_before_extensions(make_app):
    other = make_app(POSTS_PER_PAGE=3, SITE_NAME="Elsewhere")
    assert other.testing is True
    with other.app_context():
        Role.insert_roles()
        author = User.register(email="a@example.com", username="alice", password="pw123456")
        for n in range(4):
            Post.publish(author, f"Post {n}", "Body")
    page = other.test_client().get("/").get_data(as_text=True)
    assert page.count('class="post-card') == 3
    assert "<title>Elsewhere</title>" in page


@pytest.mark.embedded_only("the warning is the embedded backend's")
def test_embedded_backend_logs_one_warning(caplog, make_app):
    with caplog.at_level("WARNING"):
        make_app()
    warnings = [r for r in caplog.records if "embedded in-memory database" in r.getMessage()]
    assert len(warnings) == 1


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(app, client, monkeypatch):
    import site_app.main.views as views

    monkeypatch.setattr(views, "ping", lambda app: False)
    response = client.get("/healthz")
    assert response.status_code == 503


def test_unknown_page_is_a_404_in_the_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page not found" in response.data
    assert b"<nav" in response.data


def test_api_errors_are_json(client):
    # No route matches, so no endpoint asks for credentials: a 404.
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    body = response.get_json()
    assert set(body) == {"error", "message"}


def test_clients_that_accept_only_json_get_json_errors(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {
        "error": "not found",
        "message": "We could not find what you were looking for.",
    }


def test_405_names_the_allowed_methods(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_deploy_creates_roles_and_indexes_and_is_idempotent(runner, app):
    first = runner.invoke(args=["deploy"])
    assert first.exit_code == 0, first.output
    assert "indexes on users" in first.output
    second = runner.invoke(args=["deploy"])
    assert second.exit_code == 0
    assert "roles: up to date" in second.output
    assert sorted(r.name for r in Role.objects) == ["Administrator", "Moderator", "User"]


@pytest.mark.parametrize("secret", ["k", "x" * 31])
def test_production_refuses_a_secret_key_shorter_than_32_bytes(secret, make_app):
    with pytest.raises(ConfigError) as err:
        make_app(
            config_name="production",
            MONGODB_URI="mongodb://127.0.0.1:1/site",
            SECRET_KEY=secret,
            SKIP_DB_CHECK=True,
        )
    message = str(err.value)
    assert "SECRET_KEY" in message and "32 bytes" in message
    assert "secrets.token_hex(32)" in message
    assert "\n" not in message
