"""Running the site in production: config validation, the gunicorn worker
guard, the slow-query log, the deploy summary and the request log."""

import http.client
import json
import logging
import os
import runpy
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import child_site_environment
from shape_services import free_port, port_open

from config import DEFAULT_SECRET_KEY
from site_app import create_app, dbstats
from site_app.database import ConfigError, get_db
from site_app.dbstats import CommandListener

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GOOD_SECRET = "a-long-random-production-secret-0123456789"
CLOSED_PORT_URI = "mongodb://operator:hunter2@127.0.0.1:1/site"
SITE_URL = "https://blog.example.com"


# -- config validation --------------------------------------------------------
def test_unknown_site_config_is_refused_with_the_valid_names(monkeypatch, make_app):
    with pytest.raises(ConfigError) as error:
        make_app(config_name="staging")
    assert "SITE_CONFIG='staging' is unknown" in error.value.message
    assert "development, production, testing" in error.value.message
    monkeypatch.setenv("SITE_CONFIG", "prod")
    with pytest.raises(ConfigError):
        create_app()


@pytest.mark.parametrize("uri", ["http://example.com/db", "mongodb://", "mongodb://host:notaport/db"])
def test_malformed_mongodb_uri_is_refused(uri, make_app):
    with pytest.raises(ConfigError) as error:
        make_app(MONGODB_URI=uri)
    assert "MONGODB_URI is malformed" in error.value.message


def test_unresolvable_srv_name_is_reported_as_a_dns_failure_with_its_host(make_app):
    # `.invalid` never resolves (RFC 6761): the lookup fails without a network.
    uri = "mongodb+srv://operator:hunter2@cluster0.example.invalid/inkwell"

    with pytest.raises(ConfigError) as error:
        make_app(MONGODB_URI=uri)

    message = error.value.message
    assert message.startswith("cannot resolve the MongoDB host cluster0.example.invalid")
    assert "DNS" in message and "malformed" not in message
    assert "hunter2" not in message and "operator" not in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "overrides, missing",
    [
        ({"MONGODB_URI": None}, {"MONGODB_URI", "SECRET_KEY"}),
        ({"MONGODB_URI": None, "SECRET_KEY": GOOD_SECRET}, {"MONGODB_URI"}),
        ({"MONGODB_URI": "mongodb://127.0.0.1:1/site", "SECRET_KEY": DEFAULT_SECRET_KEY}, {"SECRET_KEY"}),
    ],
)
def test_production_needs_a_database_and_a_secret_key(overrides, missing, make_app):
    with pytest.raises(ConfigError) as error:
        make_app(config_name="production", **overrides)
    for name in {"MONGODB_URI", "SECRET_KEY"}:
        assert (name in error.value.message) == (name in missing), name


def test_production_stops_after_the_timeout_when_the_database_is_unreachable(make_app):
    started = time.monotonic()
    with pytest.raises(ConfigError) as error:
        make_app(
            config_name="production",
            MONGODB_URI=CLOSED_PORT_URI,
            SECRET_KEY=GOOD_SECRET,
            SITE_URL=SITE_URL,
            MONGODB_SERVER_SELECTION_TIMEOUT_MS=300,
        )
    assert time.monotonic() - started < 5
    message = error.value.message
    assert "cannot reach MongoDB at 127.0.0.1:1 within 300 ms" in message
    assert "hunter2" not in message  # never print the password in the URI
    assert "\n" not in message


def test_unreachable_database_is_one_line_on_stderr_not_a_traceback():
    env = {
        **os.environ,
        "SITE_CONFIG": "production",
        "MONGODB_URI": CLOSED_PORT_URI,
        "SECRET_KEY": GOOD_SECRET,
        "SITE_URL": SITE_URL,
        "MONGODB_SERVER_SELECTION_TIMEOUT_MS": "300",
    }
    result = subprocess.run(
        [PYTHON, "-c", "from site_app import create_app; create_app()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: cannot reach MongoDB at 127.0.0.1:1")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_production_never_loads_mongomock_or_its_patches():
    """The embedded backend's lock and counting wrappers patch mongomock;
    none of that may be on the path of a production process."""
    env = {
        **os.environ,
        "SITE_CONFIG": "production",
        "MONGODB_URI": CLOSED_PORT_URI,
        "SECRET_KEY": GOOD_SECRET,
        "SITE_URL": SITE_URL,
        "SKIP_DB_CHECK": "1",
    }
    script = (
        "import sys; from site_app import create_app; create_app(); "
        "print(sorted(m for m in sys.modules if m.startswith(('mongomock', 'site_app.embedded'))))"
    )
    result = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_skip_db_check_builds_a_production_app_without_a_database(make_app):
    app = make_app(
        config_name="production",
        MONGODB_URI=CLOSED_PORT_URI,
        SECRET_KEY=GOOD_SECRET,
        SITE_URL=SITE_URL,
        MONGODB_SERVER_SELECTION_TIMEOUT_MS=300,
        SKIP_DB_CHECK=True,
    )
    assert app.config["CONFIG_NAME"] == "production"


# -- the gunicorn worker guard ------------------------------------------------
def load_gunicorn_config(monkeypatch, **env):
    for name in ("MONGODB_URI", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def fake_server(workers):
    return SimpleNamespace(cfg=SimpleNamespace(workers=workers))


def test_gunicorn_runs_one_worker_by_default_on_the_embedded_backend(monkeypatch):
    conf = load_gunicorn_config(monkeypatch)
    assert conf["workers"] == 1
    assert conf["on_starting"](fake_server(1)) is None


def test_gunicorn_refuses_several_workers_on_the_embedded_backend(monkeypatch, capsys):
    conf = load_gunicorn_config(monkeypatch, WEB_CONCURRENCY="4")
    with pytest.raises(SystemExit):
        conf["on_starting"](fake_server(conf["workers"]))
    assert "4 workers were asked for, but MONGODB_URI is not set" in capsys.readouterr().err


SHARED_STORES = SimpleNamespace(
    CACHE_TYPE="RedisCache", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/1"
)


def test_gunicorn_allows_several_workers_on_a_real_server_with_shared_stores(monkeypatch):
    conf = load_gunicorn_config(monkeypatch, MONGODB_URI="mongodb://db.example:27017/site")
    assert conf["workers"] > 1
    assert (
        conf["check_worker_count"](conf["workers"], "mongodb://db.example:27017/site", SHARED_STORES) is None
    )
    assert conf["worker_class"] == "gthread" and conf["timeout"] == 30


@pytest.mark.parametrize(
    "store, said, fix",
    [
        (
            {"CACHE_TYPE": "SimpleCache"},
            "CACHE_TYPE=SimpleCache keeps the page cache",
            "Set CACHE_TYPE=RedisCache and CACHE_REDIS_URL=",
        ),
        (
            {"RATELIMIT_STORAGE_URI": "memory://"},
            "RATELIMIT_STORAGE_URI=memory:// keeps the rate-limit counters",
            "Set RATELIMIT_STORAGE_URI=redis://",
        ),
    ],
)
def test_gunicorn_refuses_several_workers_with_a_per_process_store(monkeypatch, store, said, fix):
    conf = load_gunicorn_config(monkeypatch)
    settings = SimpleNamespace(**{**vars(SHARED_STORES), **store})
    message = conf["check_worker_count"](3, "mongodb://db.example:27017/site", settings)
    assert message.startswith("error: 3 workers were asked for, but " + said)
    assert fix in message and "\n" not in message
    assert conf["check_worker_count"](1, "mongodb://db.example:27017/site", settings) is None


def test_gunicorn_process_exits_when_workers_would_keep_their_own_cache():
    env = {
        k: v for k, v in os.environ.items() if k not in {"CACHE_TYPE", "RATELIMIT_STORAGE_URI", "SITE_CONFIG"}
    }
    env.update({"GUNICORN_BIND": "127.0.0.1:0", "MONGODB_URI": "mongodb://127.0.0.1:1/site"})
    result = subprocess.run(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "-w", "3", "site_app:create_app()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    [line] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert (
        "CACHE_TYPE=SimpleCache keeps the page cache and "
        "RATELIMIT_STORAGE_URI=memory:// keeps the rate-limit counters" in line
    )


def test_gunicorn_leaves_forwarded_headers_to_proxy_count():
    """With PROXY_COUNT=0 a client's X-Forwarded-Proto is ignored, by the app
    and by gunicorn too (which trusted it from 127.0.0.1)."""
    port = free_port()
    env = child_site_environment("PROXY_COUNT", "FORWARDED_ALLOW_IPS")
    env.update({"GUNICORN_BIND": f"127.0.0.1:{port}", "LOG_LEVEL": "WARNING"})
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "-w",
            "1",
            "--no-control-socket",
            "site_app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not port_open(port):
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        # A missing trailing slash is redirected to an absolute URL built
        # from the request's scheme: the one place the scheme shows.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/api/v1/posts", headers={"X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        location = response.getheader("Location")
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert response.status == 308
    assert location == f"http://127.0.0.1:{port}/api/v1/posts/", location


def test_gunicorn_process_exits_when_asked_for_workers_without_a_database():
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    env["GUNICORN_BIND"] = "127.0.0.1:0"
    result = subprocess.run(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "-w", "3", "site_app:create_app()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "3 workers were asked for, but MONGODB_URI is not set" in result.stderr


# -- the slow-query log -------------------------------------------------------
def command_events(name, command, micros, request_id=7, connection_id=("db", 27017)):
    started = SimpleNamespace(
        command_name=name, command=command, request_id=request_id, connection_id=connection_id
    )
    finished = SimpleNamespace(
        command_name=name, request_id=request_id, connection_id=connection_id, duration_micros=micros
    )
    return started, finished


def test_slow_find_is_logged_with_its_collection_filter_and_sort(caplog):
    listener = CommandListener(slow_ms=100)
    started, finished = command_events(
        "find", {"find": "posts", "filter": {"tags": "mongodb"}, "sort": {"timestamp": -1}}, 250_000
    )
    with caplog.at_level(logging.WARNING, logger="site_app.slow_query"):
        listener.started(started)
        listener.succeeded(finished)
    [record] = caplog.records
    assert record.name == "site_app.slow_query"
    text = record.getMessage()
    assert "posts.find 250.0 ms" in text
    assert "{'tags': 'mongodb'}" in text and "{'timestamp': -1}" in text


def test_fast_commands_and_driver_chatter_are_not_logged(caplog):
    listener = CommandListener(slow_ms=100)
    with caplog.at_level(logging.WARNING, logger="site_app.slow_query"):
        for event in command_events("find", {"find": "users", "filter": {}}, 99_000, request_id=1):
            getattr(listener, "started" if hasattr(event, "command") else "succeeded")(event)
        for event in command_events("hello", {"hello": 1}, 900_000, request_id=2):
            getattr(listener, "started" if hasattr(event, "command") else "succeeded")(event)
    assert caplog.records == []


def test_slow_update_aggregate_and_failed_commands_show_what_they_selected(caplog):
    listener = CommandListener(slow_ms=50)
    update = command_events(
        "update",
        {"update": "posts", "updates": [{"q": {"comments.id": "abc"}, "u": {"$pull": {}}}]},
        60_000,
        request_id=1,
    )
    aggregate = command_events(
        "aggregate", {"aggregate": "posts", "pipeline": [{"$unwind": "$comments"}]}, 70_000, request_id=2
    )
    failed = command_events("count", {"count": "users", "query": {"disabled": True}}, 80_000, request_id=3)
    with caplog.at_level(logging.WARNING, logger="site_app.slow_query"):
        listener.started(update[0])
        listener.started(aggregate[0])
        listener.started(failed[0])
        listener.succeeded(aggregate[1])
        listener.succeeded(update[1])
        listener.failed(failed[1])
    messages = [r.getMessage() for r in caplog.records]
    assert any("posts.aggregate 70.0 ms" in m and "$unwind" in m for m in messages)
    assert any("posts.update 60.0 ms" in m and "{'comments.id': 'abc'}" in m for m in messages)
    assert any("users.count 80.0 ms" in m and "{'disabled': True}" in m for m in messages)


def test_same_request_id_on_two_connections_are_two_commands(caplog):
    listener = CommandListener(slow_ms=10)
    a = command_events("find", {"find": "posts", "filter": {"a": 1}}, 20_000, connection_id=("h1", 1))
    b = command_events("find", {"find": "users", "filter": {"b": 2}}, 30_000, connection_id=("h2", 1))
    with caplog.at_level(logging.WARNING, logger="site_app.slow_query"):
        listener.started(a[0])
        listener.started(b[0])
        listener.succeeded(a[1])
        listener.succeeded(b[1])
    messages = [r.getMessage() for r in caplog.records]
    assert any("posts.find" in m and "{'a': 1}" in m for m in messages)
    assert any("users.find" in m and "{'b': 2}" in m for m in messages)


def test_a_huge_filter_is_cut_to_keep_one_readable_line(caplog):
    listener = CommandListener(slow_ms=10)
    started, finished = command_events(
        "find", {"find": "posts", "filter": {"_id": {"$in": list(range(5000))}}}, 20_000
    )
    with caplog.at_level(logging.WARNING, logger="site_app.slow_query"):
        listener.started(started)
        listener.succeeded(finished)
    [record] = caplog.records
    assert len(record.getMessage()) < 1200 and "(cut)" in record.getMessage()


# -- deploy -------------------------------------------------------------------
def test_deploy_creates_indexes_and_says_what_it_changed(runner, app, make_user):
    app.config["SITE_ADMIN"] = "boss@example.com"
    make_user("boss", email="boss@example.com")
    # A database an older release deployed: the posts' indexes are missing
    # (the embedded one builds them at start).
    get_db(app)["posts"].drop_indexes()
    first = runner.invoke(args=["deploy"])
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    posts_line = next(line for line in lines if line.startswith("indexes on posts:"))
    assert "post_text" in posts_line and "up to date" not in posts_line
    assert "text index post_text on posts: present" in lines
    assert "SITE_ADMIN boss@example.com: promoted to Administrator" in lines

    again = runner.invoke(args=["deploy"])
    assert again.exit_code == 0, again.output
    assert "roles: up to date" in again.output
    for line in again.output.splitlines():
        if line.startswith("indexes on"):
            assert line.endswith("up to date"), line
    assert "SITE_ADMIN boss@example.com: already Administrator" in again.output


def test_deploy_says_when_site_admin_has_not_registered(runner, app):
    app.config["SITE_ADMIN"] = "later@example.com"
    result = runner.invoke(args=["deploy"])
    assert "SITE_ADMIN later@example.com: no such account yet" in result.output


# -- request log --------------------------------------------------------------
def request_lines(caplog):
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "site_app.request"]


def test_every_request_is_one_structured_log_line(client, caplog):
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="site_app.request"):
        client.get("/healthz")
        client.get("/no-such-page")
    first, second = request_lines(caplog)
    assert first["method"] == "GET" and first["path"] == "/healthz" and first["status"] == 200
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert first["user_id"] is None
    assert second["path"] == "/no-such-page" and second["status"] == 404


def test_request_log_names_the_logged_in_user(client, auth, make_user, caplog):
    user = make_user("ann")
    auth.login_as(user)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="site_app.request"):
        client.get("/")
    [line] = request_lines(caplog)
    assert line["path"] == "/" and line["user_id"] == str(user.id)


def test_count_documents_is_recorded_as_a_count_with_its_filter():
    """pymongo sends ``count_documents`` as an aggregate ending in a
    ``$group``; recorded as the embedded backend records it (a
    ``count_documents`` with the filter), the same page reads the same on
    both backends."""
    listener = CommandListener(slow_ms=1000)
    started, finished = command_events(
        "aggregate",
        {
            "aggregate": "posts",
            "pipeline": [{"$match": {"author": 1}}, {"$skip": 20}, {"$group": {"_id": 1, "n": {"$sum": 1}}}],
        },
        10,
    )
    plain = command_events(
        "aggregate",
        {
            "aggregate": "posts",
            "pipeline": [{"$match": {"author": 1}}, {"$group": {"_id": "$author", "n": {"$sum": 1}}}],
        },
        10,
        request_id=8,
    )
    with dbstats.recording() as ops:
        for event in (started, plain[0]):
            listener.started(event)
        for event in (finished, plain[1]):
            listener.succeeded(event)
    assert ops.operations[0] == ("posts", "count_documents", {"author": 1}, None)
    assert ops.operations[1][1] == "aggregate"


def test_estimated_count_and_sort_are_recorded_as_the_embedded_backend_records_them():
    listener = CommandListener(slow_ms=1000)
    count = command_events("count", {"count": "posts"}, 10)
    find = command_events(
        "find",
        {"find": "posts", "filter": {"tags": "a"}, "sort": {"tags": 1, "timestamp": -1}},
        10,
        request_id=8,
    )
    with dbstats.recording() as ops:
        for started, finished in (count, find):
            listener.started(started)
            listener.succeeded(finished)
    assert ops.operations == [
        ("posts", "estimated_document_count", None, None),
        ("posts", "find", {"tags": "a"}, [("tags", 1), ("timestamp", -1)]),
    ]


def test_a_document_too_large_is_recognised_through_mongoengines_wrapping():
    from mongoengine.errors import OperationError
    from pymongo.errors import DocumentTooLarge, DuplicateKeyError, WriteError

    from site_app.database import is_document_too_large

    def wrapped(cause):
        try:
            raise cause
        except Exception:
            try:
                raise OperationError("Update failed")
            except OperationError as outer:
                return outer

    assert is_document_too_large(wrapped(WriteError("too big", code=17419)))
    assert is_document_too_large(wrapped(WriteError("too big", code=10334)))
    assert is_document_too_large(wrapped(DocumentTooLarge("BSON document too large")))
    assert not is_document_too_large(wrapped(DuplicateKeyError("E11000", code=11000)))
    assert not is_document_too_large(OperationError("no cause"))
