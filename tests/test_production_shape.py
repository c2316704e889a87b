"""The site as it is deployed, run for real: nginx in front, gunicorn with 3
workers in the production config, Redis for the page cache and the rate
limits, and the MongoDB stand-in through the real driver.

Every request goes through nginx. Readers connect from different loopback
addresses (127.0.0.2, 127.0.0.3, ...) so nginx sees different clients; the
gunicorn access log starts each line with the worker's pid, so a test can
tell which worker answered. Mail goes to a local SMTP sink (production
never writes a message's secret link to the log).

Needs redis-server and nginx from the OS: skipped with a message without
them, failed under CI=true.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import requests
from mongo_standin import StandIn
from requests.adapters import HTTPAdapter
from shape_services import ROOT, MailSink, free_port, start_gunicorn, start_nginx, start_redis, start_worker

pytestmark = [
    pytest.mark.shape,
    pytest.mark.slow,
    # Its site runs on a stand-in of its own whatever the lane.
    pytest.mark.embedded_only("starts its own stand-in, Redis, gunicorn and nginx: one lane is enough"),
]

WORKERS = 3
PASSWORD = "correct horse battery"
SECRET_KEY = "production-shape-secret-0123456789abcdef"


# -- the running site -----------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shape")
    started, shape = [], None
    try:
        redis = start_redis(folder)
        started.append(redis)
        standin = StandIn.start()
        started.append(standin)
        mail = MailSink()
        started.append(mail)
        gunicorn_port = free_port()
        nginx = start_nginx(folder, gunicorn_port)
        started.append(nginx)
        site_url = f"https://127.0.0.1:{nginx.https_port}"
        env = production_env(standin.uri, redis.url, mail.port, site_url)
        deploy = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "site_app", "deploy"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert deploy.returncode == 0, deploy.stdout + deploy.stderr
        gunicorn = start_gunicorn(folder, env, gunicorn_port, workers=WORKERS)
        started.append(gunicorn)
        started.append(start_worker(folder, env))
        shape = Site(nginx, gunicorn, standin, mail, site_url)
        shape.redis = redis
        shape.wait_until_healthy()
        yield shape
    finally:
        if shape is not None and getattr(shape, "redis", None) not in started:
            shape.redis.stop()  # started again by a test
        for service in reversed(started):
            service.stop()


def production_env(mongodb_uri, redis_url, mail_port, site_url):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CACHE_", "RATELIMIT_", "MAIL_", "MONGODB_", "GUNICORN_"))
        and k not in {"SITE_CONFIG", "SITE_URL", "PROXY_COUNT", "WEB_CONCURRENCY"}
    }
    env.update(
        {
            "SITE_CONFIG": "production",
            "SECRET_KEY": SECRET_KEY,
            "SITE_URL": site_url,
            "MONGODB_URI": f"{mongodb_uri}/inkwell",
            # A lost database answers 503 in a second, not five.
            "MONGODB_SERVER_SELECTION_TIMEOUT_MS": "1000",
            # A hung one answers 503 after two seconds (pymongo's timeoutMS).
            "MONGODB_TIMEOUT_MS": "2000",
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": f"{redis_url}/0",
            "RATELIMIT_STORAGE_URI": f"{redis_url}/1",
            "JOBS_REDIS_URL": f"{redis_url}/2",
            "PROXY_COUNT": "1",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(mail_port),
            "MAIL_USE_TLS": "0",
            "MAIL_USE_SSL": "0",
            # The test's writer is a day-old account writing many posts: the
            # first-day limits are the abuse tests' business.
            "NEW_ACCOUNT_DAILY_POSTS": "0",
            "NEW_ACCOUNT_DAILY_COMMENTS": "0",
            "GUNICORN_THREADS": "4",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


class Site:
    def __init__(self, nginx, gunicorn, standin, mail, site_url):
        self.nginx, self.gunicorn, self.standin, self.mail = nginx, gunicorn, standin, mail
        self.site_url = site_url
        self._addresses = iter(range(2, 250))

    def reader(self, https=True):
        """A new client on its own loopback address, through nginx."""
        port = self.nginx.https_port if https else self.nginx.http_port
        return Reader(
            f"127.0.0.{next(self._addresses)}",
            f"http://127.0.0.1:{port}",
            f"{'https' if https else 'http'}://127.0.0.1:{port}",
        )

    def wait_until_healthy(self, timeout=90):
        reader = self.reader()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.gunicorn.process.poll() is not None:
                pytest.fail("gunicorn stopped:\n" + self.gunicorn.log()[-4000:])
            try:
                if reader.get("/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        pytest.fail("the site did not answer /healthz through nginx:\n" + self.gunicorn.log()[-4000:])

    def workers_of(self, marker):
        """Pid of the worker that served each request whose query has ``marker``."""
        pids = {}
        for line in self.gunicorn.log().splitlines():
            found = re.search(rf"gunicorn.access: <(\d+)> \d+ \w+ \S*[?&]probe={marker}-(\d+)", line)
            if found:
                pids[int(found.group(2))] = int(found.group(1))
        return pids

    def home_on_every_worker(self, reader, max_requests=150):
        """The anonymous home page from each of the workers: ``{pid: html}``."""
        answers = self.on_every_worker(reader, "/", max_requests)
        assert all(a.status_code == 200 for pages in answers.values() for a in pages)
        return {pid: [a.text for a in pages] for pid, pages in answers.items()}

    def on_every_worker(self, reader, path, max_requests=150):
        """``path`` answered by each of the workers: ``{pid: [responses]}``.
        Requests go six at a time until all three workers have answered."""
        marker = uuid.uuid4().hex[:8]
        answers = {}
        separator = "&" if "?" in path else "?"
        with ThreadPoolExecutor(6) as pool:
            for start in range(0, max_requests, 6):
                numbers = range(start, start + 6)
                pages = pool.map(lambda n: reader.get(f"{path}{separator}probe={marker}-{n}"), numbers)
                answers.update(zip(numbers, pages))
                served = self.workers_of(marker)
                if len({served[n] for n in answers if n in served}) == WORKERS:
                    by_worker = {}
                    for number, answer in answers.items():
                        if number in served:
                            by_worker.setdefault(served[number], []).append(answer)
                    return by_worker
        pytest.fail(f"{max_requests} requests reached only workers {set(served.values())}")

    def messages_to(self, address, count, timeout=15):
        """The text of the first ``count`` messages to ``address`` (mail is
        sent from a background thread, so it is waited for)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [
                m.get_body(("plain",)).get_content() for m in list(self.mail.messages) if address in m["To"]
            ]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        pytest.fail(f"no message {count} to {address} in {timeout} s")

    def links_to(self, address, count):
        text = self.messages_to(address, count)[count - 1]
        return re.findall(r"https?://[^\s\"'<>]+", text)


class _FromAddress(HTTPAdapter):
    """Connections from one local address, as one client machine."""

    def __init__(self, address):
        self._address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self._address, 0)
        super().init_poolmanager(*args, **kwargs)


class Reader(requests.Session):
    """A browser on its own address: ``base`` is where it connects,
    ``origin`` the address it believes it is on (https behind TLS)."""

    def __init__(self, address, base, origin):
        super().__init__()
        self.address, self.base, self.origin = address, base, origin
        self.mount("http://", _FromAddress(address))

    def request(self, method, path, **kwargs):
        kwargs["allow_redirects"] = False  # each step is asserted; Session.get would follow
        kwargs.setdefault("timeout", 30)
        # Plain http stands in for the TLS a browser would speak to nginx, so
        # the production cookies (Secure) go back as a browser would send them.
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        if cookies:
            kwargs["headers"] = {"Cookie": cookies, **(kwargs.get("headers") or {})}
        if method.upper() == "POST":
            # As a browser's form post: CSRF protection over https checks it.
            kwargs["headers"] = {"Referer": self.origin + path, **(kwargs.get("headers") or {})}
        return super().request(method, self.base + path, **kwargs)

    def csrf_token(self, path):
        form = self.get(path)
        assert form.status_code == 200, form.status_code
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)

    def submit(self, path, **fields):
        return self.post(path, data={**fields, "csrf_token": self.csrf_token(path)})


@pytest.fixture(scope="module")
def writer(site):
    """A confirmed account: registered, confirmed by the emailed link."""
    reader = site.reader()
    email = "writer@example.com"
    response = reader.submit(
        "/auth/register", email=email, username="writer", password=PASSWORD, password2=PASSWORD
    )
    assert response.status_code == 302, response.text[response.text.find("<main") :][:1500]
    [link] = site.links_to(email, 1)
    # Registering says "check your inbox": log in, then the link confirms the account.
    assert reader.submit("/auth/login", email=email, password=PASSWORD).status_code == 302
    confirmed = reader.get(urlsplit(link).path)
    assert confirmed.status_code == 302, confirmed.text[confirmed.text.find("<main") :][:800]
    return email


# -- what a deployment must get right ------------------------------------------------
def test_a_post_shows_and_disappears_on_every_worker_at_once(site, writer):
    title = f"Shape post {uuid.uuid4().hex[:6]}"
    anonymous = site.reader()
    before = site.home_on_every_worker(anonymous)  # each worker has read the home page
    assert all(title not in html for pages in before.values() for html in pages)

    api = site.reader()
    created = api.post(
        "/api/v1/posts/", auth=(writer, PASSWORD), json={"title": title, "body": "Seen by every worker."}
    )
    assert created.status_code == 201, created.text
    shown = site.home_on_every_worker(anonymous)
    assert all(title in html for pages in shown.values() for html in pages)

    deleted = api.delete(f"/api/v1/posts/{created.json()['id']}", auth=(writer, PASSWORD))
    assert deleted.status_code == 204
    gone = site.home_on_every_worker(anonymous)
    assert all(title not in html for pages in gone.values() for html in pages)


def test_failed_logins_are_limited_across_workers_for_that_client_only(site):
    guesser, bystander = site.reader(), site.reader()
    token = guesser.csrf_token("/auth/login")
    marker = uuid.uuid4().hex[:8]

    def attempt(number):
        return guesser.post(
            f"/auth/login?probe={marker}-{number}",
            data={"email": f"guess{number}@example.com", "password": "wrong", "csrf_token": token},
        )

    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(attempt, range(10)))
    assert [a.status_code for a in answers] == [200] * 10
    assert len(set(site.workers_of(marker).values())) > 1  # the counters were shared
    refused = attempt(10)
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.text
    answer = bystander.submit("/auth/login", email="someone@example.com", password="wrong")
    assert answer.status_code == 200
    assert "Wrong email or password" in answer.text


def test_the_request_log_has_the_client_address_not_the_proxy(site):
    reader = site.reader()
    marker = uuid.uuid4().hex
    # What a client claims is not believed: nginx appends the address it saw.
    assert reader.get(f"/search?q={marker}", headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 200
    deadline = time.monotonic() + 10
    while marker not in site.gunicorn.log():  # the access line follows the app's
        assert time.monotonic() < deadline, "the request was not logged"
        time.sleep(0.1)
    [line] = [
        line
        for line in site.gunicorn.log().splitlines()
        if "site_app.request:" in line and '"path":"/search"' in line and f'"ip":"{reader.address}"' in line
    ]
    assert "198.51.100.9" not in line and "127.0.0.1" not in line


def test_cookies_are_secure_and_hsts_is_sent_when_nginx_says_https(site, writer):
    secure = site.reader(https=True)
    page = secure.get("/auth/login")
    assert "Secure" in page.headers["Set-Cookie"] and "HttpOnly" in page.headers["Set-Cookie"]
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    created = secure.post(
        "/api/v1/posts/", auth=(writer, PASSWORD), json={"title": "Behind TLS", "body": "Scheme check."}
    )
    assert created.status_code == 201
    assert created.headers["Location"].startswith(f"{site.site_url}/api/v1/posts/")
    # The plain listener says http, and the app believes that too.
    plain = site.reader(https=False)
    created = plain.post(
        "/api/v1/posts/", auth=(writer, PASSWORD), json={"title": "Over plain http", "body": "Scheme check."}
    )
    assert created.status_code == 201
    assert created.headers["Location"].startswith(f"http://127.0.0.1:{site.nginx.http_port}/")


def test_a_forged_host_never_reaches_an_emailed_link(site, writer):
    reader = site.reader()
    token = reader.csrf_token("/auth/reset")
    # A scripted request can forge its Referer too, passing the CSRF check.
    forged = reader.post(
        "/auth/reset",
        data={"email": writer, "csrf_token": token},
        headers={"Host": "evil.example", "Referer": "https://evil.example/auth/reset"},
    )
    assert forged.status_code == 400
    sent_before = len(site.mail.messages)
    # nginx sets X-Forwarded-Host itself: a client's own is overwritten.
    asked = reader.post(
        "/auth/reset",
        data={"email": writer, "csrf_token": token},
        headers={"X-Forwarded-Host": "evil.example"},
    )
    assert asked.status_code == 302
    resets = [text for text in site.messages_to(writer, 2) if "/auth/reset/" in text]
    assert len(resets) == 1 and len(site.mail.messages) == sent_before + 1
    [link] = re.findall(r"https?://[^\s\"'<>]+", resets[0])
    assert link.startswith(f"{site.site_url}/auth/reset/")
    assert not any("evil.example" in m.as_string() for m in site.mail.messages)


# -- Redis paused, killed, flooded --------------------------------------------------
def timed_get(reader, path, **kwargs):
    started = time.monotonic()
    response = reader.get(path, **kwargs)
    return response, time.monotonic() - started


def redis_client(site, db=0):
    import redis

    return redis.Redis.from_url(f"{site.redis.url}/{db}", socket_timeout=5)


def assert_the_site_works_without_redis(site, writer):
    """Anonymous pages within a second each, sign-in and the API answering
    (never a 500), and /readyz saying the cache is away, within a second."""
    anonymous = site.reader()
    with ThreadPoolExecutor(6) as pool:
        pages = list(pool.map(lambda n: timed_get(anonymous, f"/?n={n}"), range(30)))
    assert [page.status_code for page, _ in pages] == [200] * 30
    assert max(seconds for _, seconds in pages) < 1.0
    ready, seconds = timed_get(site.reader(), "/readyz")
    assert seconds < 1.0
    assert ready.status_code == 503
    assert ready.json()["database"] == "ok" and ready.json()["cache"] != "ok"
    reader = site.reader()
    wrong = reader.submit("/auth/login", email=writer, password="wrong")
    assert wrong.status_code == 200 and "Wrong email or password" in wrong.text
    assert reader.submit("/auth/login", email=writer, password=PASSWORD).status_code == 302
    listed = site.reader().get("/api/v1/posts/", auth=(writer, PASSWORD))
    assert listed.status_code == 200


def outage_lines(site, since):
    log = site.gunicorn.log()[since:]
    return log.count("unreachable ("), log.count("Traceback")


def test_a_paused_redis_costs_little_and_a_deletion_meanwhile_is_never_served(site, writer):
    api = site.reader()
    created = api.post(
        "/api/v1/posts/",
        auth=(writer, PASSWORD),
        json={"title": "Paused Redis post", "body": "Deleted while Redis sleeps."},
    )
    assert created.status_code == 201
    post_path = f"/post/{created.json()['id']}"
    anonymous = site.reader()
    kept = site.on_every_worker(anonymous, post_path)  # each worker has read it from Redis
    assert all(a.status_code == 200 for answers in kept.values() for a in answers)
    log_start = len(site.gunicorn.log())
    os.kill(site.redis.process.pid, signal.SIGSTOP)
    try:
        assert_the_site_works_without_redis(site, writer)
        deleted = api.delete(f"/api/v1/posts/{created.json()['id']}", auth=(writer, PASSWORD))
        assert deleted.status_code == 204  # its invalidation cannot reach Redis
    finally:
        os.kill(site.redis.process.pid, signal.SIGCONT)
    time.sleep(2)  # the worker that lost the invalidation probes Redis every 0.25 s
    after = site.on_every_worker(anonymous, post_path)
    assert all(a.status_code == 404 for answers in after.values() for a in answers)
    assert all(
        "Paused Redis post" not in html
        for pages in site.home_on_every_worker(anonymous).values()
        for html in pages
    )
    opened, tracebacks = outage_lines(site, log_start)
    # One line per store and worker (the cache, Flask-Limiter), not one per call.
    assert 1 <= opened <= 2 * WORKERS and tracebacks == 0


def test_junk_addresses_do_not_grow_redis(site):
    memory = redis_client(site)
    reader = site.reader()
    assert reader.get("/").status_code == 200
    before = memory.info("memory")["used_memory"]
    paths = [f"/?utm_source=n{n}" for n in range(500)] + [f"/tag/junk{n}" for n in range(500)]
    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(lambda path: reader.get(path).status_code, paths))
    assert statuses == [200] * 1000
    assert memory.info("memory")["used_memory"] - before < 1024 * 1024


def test_a_killed_redis_breaks_nothing_and_is_used_again_when_back(site, writer):
    log_start = len(site.gunicorn.log())
    site.redis.stop()  # SIGTERM, as a crash or a restart would
    try:
        assert_the_site_works_without_redis(site, writer)
    finally:
        site.redis = start_redis(site.redis.log_path.parent, port=site.redis.port)
    deadline = time.monotonic() + 15
    while site.reader().get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "the site did not use Redis again in 15 s"
        time.sleep(0.5)
    assert outage_lines(site, log_start)[1] == 0


def test_a_hung_database_answers_503_in_seconds_and_readyz_within_one(site, writer):
    os.kill(site.standin.pid, signal.SIGSTOP)
    try:
        page, seconds = timed_get(site.reader(), "/user/nobody-hung")
        assert page.status_code == 503 and seconds < 4
        api, seconds = timed_get(site.reader(), "/api/v1/posts/", auth=(writer, PASSWORD))
        assert api.status_code == 503 and seconds < 4
        ready, seconds = timed_get(site.reader(), "/readyz")
        assert ready.status_code == 503 and seconds < 1.0
        assert ready.json()["database"] != "ok" and ready.json()["cache"] == "ok"
    finally:
        os.kill(site.standin.pid, signal.SIGCONT)
    deadline = time.monotonic() + 20
    while site.reader().get("/readyz").status_code != 200:
        assert time.monotonic() < deadline, "the site did not recover in 20 s"
        time.sleep(0.5)


def test_a_lost_database_gives_503_and_the_site_recovers_by_itself(site):
    # Last: the stand-in comes back empty.
    reader = site.reader()
    master = site.gunicorn.process.pid
    site.standin.kill()  # as in a crash
    try:
        for _ in range(WORKERS):
            down = reader.get("/healthz")
            assert down.status_code == 503
            assert down.json()["database"] != "ok"
        assert reader.get("/user/writer").status_code == 503
    finally:
        site.standin.restart()
    deadline = time.monotonic() + 30
    while reader.get("/healthz").status_code != 200:
        assert time.monotonic() < deadline, "the site did not recover in 30 s"
        time.sleep(0.5)
    assert reader.get("/user/nobody-yet").status_code == 404
    assert site.gunicorn.process.poll() is None and site.gunicorn.process.pid == master
