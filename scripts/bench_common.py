"""What ``bench.py``, ``bench_flasky.py`` and ``soak.py`` share: starting the
benchmark server, signing in, driving a page with concurrent clients and
summarising the samples. Its own module so the scripts import it, not each
other.
"""

import base64
import http.client
import itertools
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent


# -- the server ------------------------------------------------------------------
def start_server(args, ids_file, log_file):
    env = dict(os.environ)
    env.update(
        {
            "BENCH_SEED": f"{args.users},{args.posts},{args.comments},{args.follows},{args.images}",
            "BENCH_IDS_FILE": str(ids_file),
            "BENCH_CACHE_TYPE": args.cache,
            "SITE_CONFIG": "development",
            "GUNICORN_MAX_REQUESTS": "0",  # a restarted worker would lose the embedded data
            "GUNICORN_THREADS": str(args.threads),
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("MONGODB_URI", None)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "-w",
        "1",
        "--preload",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--chdir",
        str(ROOT),
        "--pythonpath",
        str(ROOT / "scripts"),
        "bench_server:app",
    ]
    return subprocess.Popen(
        command, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_until_up(server, port, ids_file, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("error: the server stopped while starting; see its log")
        if ids_file.exists() and ids_file.stat().st_size:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                    return json.loads(ids_file.read_text())
            except requests.RequestException:
                pass
        time.sleep(0.5)
    raise SystemExit("error: the server did not come up in time")


def stop_server(server):
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def worker_pid(server):
    """The gunicorn worker's pid (the master's only child)."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    text = children.read_text().split() if children.exists() else []
    return int(text[0]) if text else server.pid


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def csrf_token(html):
    """The CSRF token of the page's form, or "" when it has none."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return found.group(1) if found else ""


def sign_in(base, ids):
    """A session cookie with the Followed tab on, and the two API
    credentials (a token, and email + password)."""
    session = requests.Session()
    form = session.get(f"{base}/auth/login").text
    _send_secure_cookies_over_http(session)
    data = {"email": ids["login_email"], "password": ids["login_password"], "csrf_token": csrf_token(form)}
    answer = session.post(f"{base}/auth/login", data=data, allow_redirects=False)
    if answer.status_code != 302:
        raise SystemExit(f"error: could not log in as {ids['login_email']} ({answer.status_code})")
    _send_secure_cookies_over_http(session)
    session.get(f"{base}/followed", allow_redirects=False)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    password = base64.b64encode(f"{ids['login_email']}:{ids['login_password']}".encode()).decode()
    answer = requests.post(f"{base}/api/v1/tokens/", headers={"Authorization": f"Basic {password}"})
    answer.raise_for_status()
    api_token = base64.b64encode(f"{answer.json()['token']}:".encode()).decode()
    return {"cookie": cookie, "token": f"Basic {api_token}", "password": f"Basic {password}"}


def _send_secure_cookies_over_http(session):
    # --shape production: its cookies are Secure, and the benchmark speaks
    # plain http where a browser would speak TLS to the proxy.
    for cookie in session.cookies:
        cookie.secure = False


# -- the clients -------------------------------------------------------------------
def drive(port, path, headers, seconds, clients, form=None):
    """Run ``clients`` threads against one page (or, for a list, a different
    one each request) for ``seconds``; return the samples (latency ms,
    status, db ops, db ms, server ms, page cache) and the wall time. With
    ``form`` (``n -> fields``) each request POSTs the n-th form instead."""
    samples, errors = [], []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    paths = itertools.cycle(path) if isinstance(path, list) else itertools.repeat(path)
    numbers = itertools.count()
    method, headers = "GET", dict(headers)
    if form is not None:
        method = "POST"
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    def client():
        mine, failures = [], []
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            with lock:
                path, n = next(paths), next(numbers)
            body = None if form is None else urlencode(form(n))
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as exc:
                failures.append(repr(exc))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            mine.append(
                (
                    elapsed,
                    response.status,
                    int(response.getheader("X-DB-Ops", "-1")),
                    float(response.getheader("X-DB-Time-Ms", "0")),
                    float(response.getheader("X-Server-Ms", "0")),
                    response.getheader("X-Page-Cache"),
                )
            )
        connection.close()
        with lock:
            samples.extend(mine)
            errors.extend(failures)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, errors, time.perf_counter() - started


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summarise(name, path, samples, failures, wall, expected=200):
    latencies = [s[0] for s in samples]
    ops = sorted({s[2] for s in samples})
    server_ms = sum(s[4] for s in samples)
    errors = len(failures) + sum(1 for s in samples if s[1] != expected)
    hits = sum(1 for s in samples if s[5] == "hit")
    cached = sum(1 for s in samples if s[5] in ("hit", "miss"))
    return {
        "page": name,
        "path": path if isinstance(path, str) else f"{len(path)} pages: {path[0]} ...",
        "requests": len(samples),
        "rps": round(len(samples) / wall, 1) if wall else 0.0,
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "errors": errors,
        "statuses": sorted({s[1] for s in samples}),
        "db_ops": ops[0] if len(ops) == 1 else ops,
        "server_ms": round(server_ms / len(samples), 2) if samples else 0.0,
        "db_ms": round(statistics.fmean(s[3] for s in samples), 2) if samples else 0.0,
        "db_share": round(sum(s[3] for s in samples) / server_ms, 3) if server_ms else 0.0,
        "hit_ratio": round(hits / cached, 3) if cached else None,
    }


def machine():
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) // 1024
    return {
        "cpus": os.cpu_count(),
        "memory_mb": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def form_sign_in(base, path, fields):
    """Sign in through a login form (its CSRF token read from the page) and
    return the ``Cookie`` header. The cookies are kept by hand, not by a
    cookie jar, which would drop a Secure cookie over http or one whose
    domain is an address (Flasky's production config sets SERVER_NAME)."""
    cookies = {}
    page = requests.get(base + path, allow_redirects=False)
    _keep_cookies(cookies, page)
    answer = requests.post(
        base + path,
        data={**fields, "csrf_token": csrf_token(page.text)},
        headers={"Cookie": _cookie_header(cookies)},
        allow_redirects=False,
    )
    _keep_cookies(cookies, answer)
    if answer.status_code != 302:
        raise SystemExit(f"error: could not sign in at {base}{path} ({answer.status_code})")
    return _cookie_header(cookies)


def form_token(base, path, cookie):
    """``(cookie, token)``: the CSRF token of the form on ``path`` for the
    signed-in session, and the session cookie as the page left it."""
    cookies = dict(part.split("=", 1) for part in cookie.split("; ") if "=" in part)
    page = requests.get(base + path, headers={"Cookie": cookie}, allow_redirects=False)
    _keep_cookies(cookies, page)
    token = csrf_token(page.text)
    if page.status_code != 200 or not token:
        raise SystemExit(f"error: no form at {base}{path} ({page.status_code})")
    return _cookie_header(cookies), token


def _keep_cookies(cookies, response):
    for header in response.raw.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]


def _cookie_header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items() if value)
