"""Benchmark the site's pages under gunicorn with concurrent clients.

    .venv/bin/python scripts/bench.py                 # default size, 5 s a page
    .venv/bin/python scripts/bench.py --users 50 --posts 300 --comments 3000 --follows 200
    .venv/bin/python scripts/bench.py --cache NullCache   # without the page cache
    .venv/bin/python scripts/bench.py --profile       # pyinstrument, one run a page
    .venv/bin/python scripts/bench.py --shape production  # 3 workers + Redis + the stand-in
    .venv/bin/python scripts/bench.py --compare-flasky ~/flasky  # side by side with Flasky
    .venv/bin/python scripts/bench.py --scale         # database cost per page at two sizes

It seeds the embedded database of a gunicorn server (one worker, the
project's gunicorn.conf.py; see scripts/bench_server.py), then for each page
runs ``--clients`` threads with keep-alive connections for ``--seconds`` and
reports requests per second, p50/p95/p99 latency, errors, database
operations per request (the app's own counter, ``X-DB-Ops``), the share of
the server's time spent inside the database (``X-DB-Time-Ms`` over
``X-Server-Ms``) and the page cache's hit ratio (``X-Page-Cache``). Anonymous
pages are read without a cookie; the "signed in" rows carry a session. The
"cache miss" row asks for a post nobody has asked for yet on every request:
what a miss costs. Writes ``<out>/bench.json`` and ``<out>/bench.md`` and
prints the table. ``--profile`` instead profiles each page in-process with
pyinstrument and writes ``<out>/profile-<page>.txt``.
"""

import argparse
import base64
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import requests

# (soak.py reaches these through this module too)
from bench_common import (
    ROOT,
    csrf_token,
    drive,
    machine,
    rss_mb,
    sign_in,
    start_server,
    stop_server,
    summarise,
    wait_until_up,
    worker_pid,
)

TARGET_P50_MS = 50


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--follows", type=int, default=1000)
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0, help="driving time a page")
    parser.add_argument("--clients", type=int, default=2, help="concurrent client threads")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads (gthread)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--cache", default="SimpleCache", help="CACHE_TYPE of the server")
    parser.add_argument("--pages", default="", help="comma separated subset of the pages")
    parser.add_argument("--out", default=str(ROOT / "bench-results"))
    parser.add_argument(
        "--shape",
        choices=["one-process", "production"],
        default="one-process",
        help="production: 3 gunicorn workers, Redis and the MongoDB stand-in (scripts/bench_shape.py)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile each page in-process with pyinstrument instead"
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="database commands, documents, skips per page at two sizes (scripts/bench_scale.py)",
    )
    parser.add_argument("--scale-sizes", default="2000,20000", help="posts at each size")
    parser.add_argument(
        "--compare-flasky",
        metavar="DIR",
        default=None,
        help="a Flasky checkout (miguelgrinberg/flasky): load it with the same "
        "data and drive both sites round by round (scripts/bench_flasky.py)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="--compare-flasky: rounds, the two sites alternating in each"
    )
    parser.add_argument(
        "--flasky-python",
        default=None,
        help="the Python with Flasky's requirements (default: a virtualenv made "
        "in DIR/.bench-venv from DIR/requirements.txt)",
    )
    return parser.parse_args(argv)


def pages(ids, auth):
    """(name, path, headers) of every benchmarked page."""
    post = f"/post/{ids['post_id']}"
    profile, tag = f"/user/{quote(ids['username'])}", f"/tag/{quote(ids['tag'])}"
    signed_in = {"Cookie": auth["cookie"]}
    misses = [f"/post/{post_id}" for post_id in ids.get("miss_post_ids", [])]
    found = [
        ("home", "/", {}),
        ("followed feed", "/", signed_in),
        (f"post, {ids['post_comments']} comments, first page", post, {}),
        (f"post, {ids['post_comments']} comments, last page", post + "?page=-1", {}),
        ("profile", profile, {}),
        ("tag", tag, {}),
        ("search", f"/search?q={quote(ids['search'])}", {}),
        ("atom feed", "/feed.atom", {}),
        ("post, cache miss (a new post each request)", misses, {}),
        (f"post, {ids['post_comments']} comments, signed in", post, signed_in),
        ("profile, signed in", profile, signed_in),
        ("tag, signed in", tag, signed_in),
        ("image /files/<id>", f"/files/{ids['image_id']}", {}),
        ("api posts (token)", "/api/v1/posts/", {"Authorization": auth["token"]}),
        ("api posts (password)", "/api/v1/posts/", {"Authorization": auth["password"]}),
    ]
    return [page for page in found if page[1] and (ids.get("image_id") or "files" not in page[1])]


MIXED_ROW = "mixed: home, profile, tag, 100 posts; a comment every 0.25 s"


def mixed_reading_and_commenting(args, base, ids, auth, every=0.25):
    """Anonymous readers over home, a profile, a tag and 100 posts while a
    signed-in writer comments on one of those posts every ``every`` seconds:
    the hit ratio while content changes (a comment renews its post's pages
    and the lists that show it, nothing else)."""
    rng = random.Random(16)
    posts = [f"/post/{post_id}" for post_id in ids["miss_post_ids"][-100:]]
    paths = ["/", f"/user/{quote(ids['username'])}", f"/tag/{quote(ids['tag'])}"] + posts
    for path in paths:  # warm: every page kept once
        requests.get(base + path)
    rng.shuffle(paths)
    done, written = threading.Event(), []

    def writer():
        browser = requests.Session()
        browser.headers["Cookie"] = auth["cookie"]
        while not done.wait(every):
            target = rng.choice(posts)
            form = browser.get(base + target).text
            answer = browser.post(
                base + target,
                allow_redirects=False,
                data={"body": f"Comment {len(written)}", "csrf_token": csrf_token(form)},
            )
            written.append(answer.status_code)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        samples, failures, wall = drive(args.port, paths * 100, {}, args.seconds, args.clients)
    finally:
        done.set()
        thread.join()
    result = summarise(MIXED_ROW, paths, samples, failures, wall)
    result["comments_written"] = written.count(302)
    result["errors"] += len(written) - written.count(302)
    print(
        f"  {MIXED_ROW}: {result['rps']} req/s, hit ratio {result['hit_ratio']}, "
        f"{result['comments_written']} comments",
        file=sys.stderr,
    )
    return result


def markdown_table(results):
    lines = [
        "| page | req/s | p50 ms | p95 ms | p99 ms | errors | DB ops/req | server ms | DB ms "
        "| DB share | cache hits |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        ops = r["db_ops"] if isinstance(r["db_ops"], int) else "/".join(map(str, r["db_ops"]))
        hits = "-" if r["hit_ratio"] is None else f"{r['hit_ratio'] * 100:.1f}%"
        lines.append(
            f"| {r['page']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | "
            f"{r['p99_ms']} | {r['errors']} | {ops} | {r['server_ms']} | "
            f"{r['db_ms']} | {r['db_share'] * 100:.0f}% | {hits} |"
        )
    return "\n".join(lines)


def run_benchmark(args):
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ids_file = Path(tempfile.mkdtemp(prefix="bench-")) / "ids.json"
    log_path = out / "server.log"
    base = f"http://127.0.0.1:{args.port}"
    with open(log_path, "w") as log_file:
        shape = None
        if args.shape == "production":
            from bench_shape import ProductionShape

            shape = ProductionShape(args, ids_file, log_file)
            server = shape.server
        else:
            server = start_server(args, ids_file, log_file)
        try:
            print(
                f"seeding {args.users} users, {args.posts} posts, {args.comments} comments, "
                f"{args.follows} follows in the server...",
                file=sys.stderr,
            )
            ids = wait_until_up(server, args.port, ids_file)
            auth = sign_in(base, ids)
            wanted = {name.strip() for name in args.pages.split(",") if name.strip()}
            results = []
            for name, path, headers in pages(ids, auth):
                if wanted and not any(w in name for w in wanted):
                    continue
                if isinstance(path, str):  # (the miss row must find nothing cached)
                    drive(args.port, path, headers, 0.5, 1)  # warm up (and fill caches)
                samples, failures, wall = drive(args.port, path, headers, args.seconds, args.clients)
                result = summarise(name, path, samples, failures, wall)
                results.append(result)
                print(
                    f"  {name}: {result['rps']} req/s, p50 {result['p50_ms']} ms, errors {result['errors']}",
                    file=sys.stderr,
                )
            if not wanted or any(w in MIXED_ROW for w in wanted):
                results.append(mixed_reading_and_commenting(args, base, ids, auth))
            # Production: the workers' RSS added up.
            rss = sum(rss_mb(pid) for pid in shape.workers()) if shape else rss_mb(worker_pid(server))
        finally:
            if shape:
                shape.stop()
            else:
                stop_server(server)
    report = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "machine": machine(),
        "settings": {
            "users": args.users,
            "posts": args.posts,
            "comments": args.comments,
            "follows": args.follows,
            "seconds": args.seconds,
            "clients": args.clients,
            "gunicorn": (shape.describe() if shape else f"1 worker, gthread, {args.threads} threads"),
            "cache": shape.cache if shape else args.cache,
        },
        "data": ids,
        "server_rss_mb": round(rss, 1),
        "results": results,
    }
    table = markdown_table(results)
    (out / "bench.json").write_text(json.dumps(report, indent=2))
    (out / "bench.md").write_text(table + "\n")
    print(table)
    slow = [r["page"] for r in results if r["p50_ms"] >= TARGET_P50_MS]
    failing = [r["page"] for r in results if r["errors"]]
    print(
        f"\nserver RSS {rss:.0f} MB; pages at p50 >= {TARGET_P50_MS} ms: "
        f"{', '.join(slow) or 'none'}; pages with errors: {', '.join(failing) or 'none'}"
    )
    return 1 if failing else 0


# -- profiling ---------------------------------------------------------------------
def run_profiles(args):
    """Each page requested 30 times in-process under pyinstrument."""
    from pyinstrument import Profiler

    sys.path.insert(0, str(ROOT / "scripts"))
    os.environ["BENCH_CACHE_TYPE"] = args.cache
    import bench_server

    sizes = bench_server.parse_sizes(
        f"{args.users},{args.posts},{args.comments},{args.follows},{args.images}"
    )
    ids = bench_server.seed(bench_server.app, sizes)
    app = bench_server.app
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/auth/login", data={"email": ids["login_email"], "password": ids["login_password"]})
    token = client.post(
        "/api/v1/tokens/",
        headers={
            "Authorization": "Basic "
            + base64.b64encode(f"{ids['login_email']}:{ids['login_password']}".encode()).decode()
        },
    ).get_json()["token"]
    auth = {
        "cookie": "",
        "token": "Basic " + base64.b64encode(f"{token}:".encode()).decode(),
        "password": "Basic "
        + base64.b64encode(f"{ids['login_email']}:{ids['login_password']}".encode()).decode(),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, path, headers in pages(ids, auth):
        if not isinstance(path, str):
            continue  # the miss row: 30 different posts say nothing a profile would
        followed = name == "followed feed"
        client.set_cookie("show_followed", "1" if followed else "")
        headers = {k: v for k, v in headers.items() if k != "Cookie"}
        if not (followed or "api" in name or "signed in" in name):
            client.post("/auth/logout")
        else:
            client.post("/auth/login", data={"email": ids["login_email"], "password": ids["login_password"]})
        client.get(path, headers=headers)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(30):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (name, response.status_code)
        profiler.stop()
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        (out / f"profile-{slug}.txt").write_text(
            profiler.output_text(unicode=False, color=False, show_all=False)
        )
        shares = where_time_goes(profiler.last_session.root_frame())
        print(
            f"{name}: {profiler.last_session.duration / 30 * 1000:.1f} ms a request; "
            + ", ".join(f"{part} {share:.0%}" for part, share in shares.items())
            + f" -> {out / f'profile-{slug}.txt'}"
        )
    return 0


# Where a request's time goes: each sample counts for the innermost of
# these on its stack (so mongomock under MongoEngine under a template is
# mongomock).
_PARTS = (
    ("mongomock", "/mongomock/"),
    ("password hashing", "werkzeug/security.py"),
    ("MongoEngine", "/mongoengine/"),
    ("templates", "/jinja2/"),
    ("templates", "flask/templating.py"),
)


def where_time_goes(root):
    """Shares of the profiled time in mongomock, MongoEngine's own code,
    template rendering and password hashing; the rest is the app and Flask."""
    totals = {}

    def walk(frame, label):
        path = frame.file_path or ""
        for part, marker in _PARTS:
            if marker in path:
                label = part
                break
        own = frame.time - sum(child.time for child in frame.children)
        totals[label] = totals.get(label, 0.0) + max(own, 0.0)
        for child in frame.children:
            walk(child, label)

    walk(root, "app, Flask, other")
    whole = sum(totals.values()) or 1.0
    return {part: seconds / whole for part, seconds in sorted(totals.items(), key=lambda item: -item[1])}


def main(argv=None):
    args = parse_args(argv)
    if args.scale:
        from bench_scale import run_scale

        return run_scale(args)
    if args.compare_flasky:
        from bench_flasky import compare

        return compare(args)
    return run_profiles(args) if args.profile else run_benchmark(args)


if __name__ == "__main__":
    sys.exit(main())
