"""The page cache and the rate-limit counters in the Redis the environment
names (CACHE_TYPE=RedisCache + CACHE_REDIS_URL, RATELIMIT_STORAGE_URI), as
several workers need them. A real redis-server; skipped without one."""

import os
import subprocess
import sys

import pytest
import redis
from shape_services import ROOT, start_redis

# An app built from the environment alone, as gunicorn builds it: an
# anonymous reader fills the page cache and one failed login is counted.
SCRIPT = """
from site_app import create_app
app = create_app("development", {"WTF_CSRF_ENABLED": False})
client = app.test_client()
assert client.get("/").status_code == 200
failed = client.post("/auth/login", data={"email": "x@example.com", "password": "no"})
assert failed.status_code == 200
"""


@pytest.fixture
def redis_server(tmp_path):
    server = start_redis(tmp_path)
    yield server
    server.stop()


def test_cache_and_rate_limits_use_the_redis_the_environment_names(redis_server):
    env = {k: v for k, v in os.environ.items() if k not in {"MONGODB_URI", "SITE_CONFIG"}}
    env.update(
        {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": f"{redis_server.url}/3",
            "RATELIMIT_STORAGE_URI": f"{redis_server.url}/4",
            "LOG_LEVEL": "ERROR",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]

    cached = [key.decode() for key in redis.Redis.from_url(f"{redis_server.url}/3").keys()]
    assert any(key.startswith("flask_cache_pc:page:") for key in cached), cached
    assert "flask_cache_pc:gen:site" in cached and "flask_cache_pc:seq" in cached, cached
    counted = [key.decode() for key in redis.Redis.from_url(f"{redis_server.url}/4").keys()]
    # The failed login counted per address and per account (auth/password_checks.py).
    assert "LIMITS:LIMITER/password/address/127.0.0.1/10/1/minute" in counted, counted
    assert "LIMITS:LIMITER/password/account/x@example.com/10/1/minute" in counted, counted


def test_a_write_on_one_worker_renews_the_page_on_every_other_at_once(redis_server, make_app):
    """Two workers share the page cache; the one that handles a write bumps
    the generation in Redis, and the other serves the new page at once."""
    from site_app.models import Post, User
    from site_app.models.signals import content_changed

    shared = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": f"{redis_server.url}/5"}
    serving, writing = make_app(**shared), make_app(**shared)
    with serving.app_context():
        author = User.register(email="w@example.com", username="w", password="long enough pw")
        post = Post.publish(author, "Before", "Body")
    reader = serving.test_client()
    assert reader.get(f"/post/{post.id}").headers["X-Page-Cache"] == "miss"
    assert reader.get(f"/post/{post.id}").headers["X-Page-Cache"] == "hit"

    with serving.app_context():  # the data changes (unannounced) ...
        Post._get_collection().update_one({"_id": post.id}, {"$set": {"title": "After"}})
    assert "Before" in reader.get(f"/post/{post.id}").get_data(as_text=True)
    with writing.app_context():  # ... and the worker that wrote it announces it
        content_changed.send(Post, post=post.id)
    again = reader.get(f"/post/{post.id}")
    assert again.headers["X-Page-Cache"] == "miss" and "After" in again.get_data(as_text=True)
