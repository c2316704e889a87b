"""Soak: many mixed requests against one server process, no errors and no
unbounded memory growth.

    .venv/bin/python scripts/soak.py                     # 10,000 requests, 4 clients
    .venv/bin/python scripts/soak.py --requests 2000 --clients 8

Starts the site like the benchmark does (gunicorn, one worker, embedded
database seeded in the process; see scripts/bench_server.py), then runs
``--clients`` threads, each signed in with its own session, through a fixed
mix: reads of every page (home, followed feed, a post, a profile, a tag,
search, the feed, an image), comments from the web form and the API, small
image uploads, and API reads. It samples the worker's resident memory (RSS)
after every thousand requests and fails when any request fails or the RSS
after the last thousand exceeds the RSS after the first by more than
``--max-growth-mb``. Prints and writes ``<out>/soak.json``.
"""

import argparse
import http.client
import itertools
import json
import random
import re
import socket
import sys
import tempfile
import threading
import time
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench

ROOT = Path(__file__).resolve().parent.parent

# (weight, kind) of the mix: about 80% reads, 20% writes.
MIX = [
    (14, "home"),
    (6, "followed"),
    (10, "post"),
    (5, "post_last"),
    (8, "profile"),
    (8, "tag"),
    (5, "search"),
    (5, "feed"),
    (6, "image"),
    (10, "api_posts"),
    (3, "api_post"),
    (8, "comment"),
    (5, "api_comment"),
    (3, "upload"),
    (4, "api_comments"),
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--seed", default="50,300,3000,200,6", help="users,posts,comments,follows,images of the seeded site"
    )
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--max-growth-mb", type=float, default=40.0)
    parser.add_argument("--out", default=str(ROOT / "bench-results"))
    return parser.parse_args(argv)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def small_png(number):
    from PIL import Image

    buffer = BytesIO()
    colour = (number * 37 % 256, number * 91 % 256, number * 13 % 256)
    Image.new("RGB", (48, 32), colour).save(buffer, "PNG")
    return buffer.getvalue()


class Client:
    """One signed-in visitor with a keep-alive connection."""

    def __init__(self, port, ids, api_auth):
        self.port, self.ids, self.api_auth = port, ids, api_auth
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = {}
        self.csrf = None
        self.sign_in()

    def request(self, method, path, body=None, headers=None, cookies=True):
        headers = dict(headers or {})
        if cookies and self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, data

    def sign_in(self):
        status, page = self.request("GET", "/auth/login")
        self.csrf = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page).group(1).decode()
        form = urlencode(
            {
                "email": self.ids["login_email"],
                "password": self.ids["login_password"],
                "csrf_token": self.csrf,
            }
        )
        status, _ = self.request(
            "POST", "/auth/login", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, f"login failed: {status}"

    def do(self, kind, number):
        """One request of ``kind``; returns (status, expected statuses)."""
        ids = self.ids
        post = f"/post/{ids['post_id']}"
        api = {"Authorization": self.api_auth}
        if kind == "home":
            return self.request("GET", "/", cookies=False)[0], {200}
        if kind == "followed":
            self.cookies["show_followed"] = "1"
            status = self.request("GET", "/")[0]
            self.cookies.pop("show_followed")
            return status, {200}
        if kind == "post":
            return self.request("GET", post)[0], {200}
        if kind == "post_last":
            return self.request("GET", post + "?page=-1")[0], {200}
        if kind == "profile":
            return self.request("GET", f"/user/{quote(ids['username'])}")[0], {200}
        if kind == "tag":
            return self.request("GET", f"/tag/{quote(ids['tag'])}")[0], {200}
        if kind == "search":
            return self.request("GET", f"/search?q={quote(ids['search'])}")[0], {200}
        if kind == "feed":
            return self.request("GET", "/feed.atom", cookies=False)[0], {200}
        if kind == "image":
            if not ids.get("image_id"):
                return self.request("GET", "/healthz", cookies=False)[0], {200}
            return self.request("GET", f"/files/{ids['image_id']}", cookies=False)[0], {200}
        if kind == "api_posts":
            return self.request("GET", f"/api/v1/posts/?page={number % 5 + 1}", headers=api, cookies=False)[
                0
            ], {200}
        if kind == "api_post":
            return self.request("GET", f"/api/v1/posts/{ids['post_id']}", headers=api, cookies=False)[0], {
                200
            }
        if kind == "api_comments":
            return self.request(
                "GET", f"/api/v1/posts/{ids['post_id']}/comments/?page=-1", headers=api, cookies=False
            )[0], {200}
        if kind == "comment":
            form = urlencode({"body": f"Soak comment {number}", "csrf_token": self.csrf})
            return self.request("POST", post, form, {"Content-Type": "application/x-www-form-urlencoded"})[
                0
            ], {302}
        if kind == "api_comment":
            body = json.dumps({"body": f"Soak API comment {number}"})
            return self.request(
                "POST",
                f"/api/v1/posts/{ids['post_id']}/comments/",
                body,
                {**api, "Content-Type": "application/json"},
                cookies=False,
            )[0], {201}
        if kind == "upload":
            boundary = f"soak{number}"
            payload = small_png(number)
            body = (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="soak{number}.png"\r\nContent-Type: image/png\r\n\r\n'
                ).encode()
                + payload
                + f"\r\n--{boundary}--\r\n".encode()
            )
            return self.request(
                "POST",
                "/upload",
                body,
                {"Content-Type": f"multipart/form-data; boundary={boundary}", "X-CSRFToken": self.csrf},
            )[0], {201}
        raise ValueError(kind)


def run_soak(
    total=10_000,
    clients=4,
    seed="50,300,3000,200,6",
    port=0,
    max_growth_mb=40.0,
    out=None,
    log=print,
    sample_every=1000,
):
    port = port or free_port()
    sizes = [int(n) for n in seed.split(",")]
    args = SimpleNamespace(
        users=sizes[0],
        posts=sizes[1],
        comments=sizes[2],
        follows=sizes[3],
        images=sizes[4] if len(sizes) > 4 else 6,
        cache="SimpleCache",
        threads=4,
        port=port,
    )
    workdir = Path(tempfile.mkdtemp(prefix="soak-"))
    ids_file = workdir / "ids.json"
    kinds = [kind for weight, kind in MIX for _ in range(weight)]
    counter = itertools.count()
    lock = threading.Lock()
    failures, samples, statuses = [], [], {}
    with open(workdir / "server.log", "w") as server_log:
        server = bench.start_server(args, ids_file, server_log)
        try:
            ids = bench.wait_until_up(server, port, ids_file)
            pid = bench.worker_pid(server)
            auth = bench.sign_in(f"http://127.0.0.1:{port}", ids)
            started = time.perf_counter()

            def client_loop(number):
                rng = random.Random(number)
                visitor = Client(port, ids, auth["token"])
                while True:
                    n = next(counter)
                    if n >= total:
                        return
                    kind = rng.choice(kinds)
                    try:
                        status, expected = visitor.do(kind, n)
                    except Exception as exc:  # reported, never hidden
                        status, expected = repr(exc), {200}
                    with lock:
                        statuses[(kind, status)] = statuses.get((kind, status), 0) + 1
                        if status not in expected:
                            failures.append((n, kind, status))
                        if (n + 1) % sample_every == 0:
                            samples.append((n + 1, round(bench.rss_mb(pid), 1)))

            threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            final_rss = round(bench.rss_mb(pid), 1)
            alive = server.poll() is None and bench.worker_pid(server) == pid
        finally:
            bench.stop_server(server)
    first = samples[0][1] if samples else final_rss
    last = samples[-1][1] if samples else final_rss
    result = {
        "requests": total,
        "clients": clients,
        "seed": seed,
        "seconds": round(elapsed, 1),
        "rps": round(total / elapsed, 1),
        "errors": len(failures),
        "first_errors": failures[:10],
        "sample_every": sample_every,
        "rss_mb_samples": samples,
        "rss_growth_mb": round(last - first, 1),
        "max_growth_mb": max_growth_mb,
        "same_worker_throughout": alive,
        "by_kind": {f"{kind} {status}": count for (kind, status), count in sorted(statuses.items(), key=str)},
    }
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / "soak.json").write_text(json.dumps(result, indent=2))
    log(
        f"{total} requests from {clients} clients in {result['seconds']} s "
        f"({result['rps']} req/s), errors {result['errors']}, worker RSS after each {sample_every}: "
        f"{', '.join(str(mb) for _n, mb in samples)} MB, growth first->last sample "
        f"{result['rss_growth_mb']} MB (bound {max_growth_mb} MB)"
    )
    return result


def main(argv=None):
    args = parse_args(argv)
    result = run_soak(args.requests, args.clients, args.seed, args.port, args.max_growth_mb, args.out)
    ok = (
        not result["errors"]
        and result["rss_growth_mb"] <= args.max_growth_mb
        and result["same_worker_throughout"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
