"""``bench.py --compare-flasky DIR``: this site and Flasky side by side, in
one run, on the same data and the same server shape.

Flasky is Miguel Grinberg's app from *Flask Web Development*
(https://github.com/miguelgrinberg/flasky): Flask-SQLAlchemy on SQLite,
``flasky.py`` as the entry point, ``flask deploy`` to create the tables
(Alembic migrations) and roles. Nothing of it is copied here: ``DIR`` is
your checkout, run as shipped with its production config (which reads
``SERVER_NAME`` when it is imported: set to the address it is served on).

1. Two servers of this site are seeded alike (``bench.py``'s seeding): the
   default one (page cache on) and one with ``NullCache``. The default one
   writes its users, posts, comments and follows as JSON
   (``BENCH_DUMP_FILE``).
2. Flasky gets a fresh SQLite database (``DATABASE_URL``), ``flask
   deploy``, then the same data through its own models (a post's title
   becomes its first, bold line: Flasky posts have no title), so its
   Markdown is rendered by its own listeners. The rows and documents on
   each side are counted and printed; the run stops if they differ.
3. Flasky runs under gunicorn with the same shape (one worker, gthread,
   ``--threads``). The same reader signs in on every site.
4. ``--rounds`` rounds; in each, every row drives this site and Flasky for
   ``--seconds`` each, the two alternating which goes first, so a change of
   the machine's load falls on both. A row's req/s is the median of its
   rounds; p50 is over every sample of the row.

The like-for-like rows lead: anonymous pages with this site's page cache
off, the signed-in pages (which no page cache serves, on either site) and
posting a comment through the form with its CSRF token. The cached rows
come last: Flasky has no page cache to compare them with.

Flasky's Python is ``--flasky-python``, or a virtualenv made once in
``DIR/.bench-venv`` from its requirements (plus gunicorn).
"""

import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import bench_common
import requests

FLASKY_PASSWORD = "bench-password"

# Run by Flasky's own Python in DIR: loads the dump through Flasky's models.
LOADER = r"""
import json, os, sys
from datetime import datetime
sys.path.insert(0, os.getcwd())  # the checkout: this file is run from elsewhere
from werkzeug.security import generate_password_hash
from flasky import app
from app import db
from app.models import Comment, Follow, Post, User

data = json.load(open(sys.argv[1]))
when = datetime.fromisoformat
with app.app_context():
    password_hash = generate_password_hash(sys.argv[2])  # one hash for all, as seeding does
    users = {}
    for u in data["users"]:
        user = User(email=u["email"], username=u["username"], name=u["name"][:64],
                    location=u["location"][:64], about_me=u["about_me"], confirmed=True,
                    member_since=when(u["member_since"]), password_hash=password_hash)
        db.session.add(user)
        users[u["username"]] = user
    db.session.commit()
    pairs = set()
    for u in data["users"]:
        for name in u["following"]:
            if name != u["username"] and (u["username"], name) not in pairs:
                pairs.add((u["username"], name))
                db.session.add(Follow(follower=users[u["username"]], followed=users[name]))
    db.session.commit()
    post_ids = []
    for n, p in enumerate(data["posts"]):
        post = Post(body="**" + p["title"] + "**\n\n" + p["body"],
                    timestamp=when(p["timestamp"]), author=users.get(p["author"]))
        db.session.add(post)
        for c in p["comments"]:
            db.session.add(Comment(body=c["body"], timestamp=when(c["timestamp"]),
                                   disabled=c["disabled"], author=users.get(c["author"]),
                                   post=post))
        if n % 100 == 99:
            db.session.commit()
        post_ids.append(post)
    db.session.commit()
    print(json.dumps({p["id"]: post.id for p, post in zip(data["posts"], post_ids)}))
"""


# -- the rows ---------------------------------------------------------------------
class Site:
    """One server under test: its port, the ids its data has, and the
    signed-in reader's cookie once signed in."""

    def __init__(self, name, port, ids, post_id, comment_posts):
        self.name, self.port, self.ids = name, port, ids
        self.post_id = post_id  # the post with the most comments
        self.comment_posts = comment_posts  # posts to comment on, one a request
        self.cookie = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"


def rows(ours, cache_off, flasky):
    """``(name, {site: (path, headers, form)}, expected status)``, the
    like-for-like rows first. ``ours`` is the default server (page cache
    on), ``cache_off`` the same site with ``NullCache``."""
    ids = ours.ids
    post_name = f"post with the most comments ({ids['top_post_comments']})"
    profile_name = f"busiest author's profile ({ids['user_posts']} posts)"

    def page(site, path, signed_in=False):
        return (path, {"Cookie": site.cookie} if signed_in else {}, None)

    def pages(path_of, signed_in=False):
        return {
            "flasky": page(flasky, path_of(flasky), signed_in),
            "ours": page(
                ours if signed_in else cache_off, path_of(ours if signed_in else cache_off), signed_in
            ),
        }

    def comment(site):
        return (
            [f"/post/{p}" for p in site.comment_posts],
            {"Cookie": site.cookie},
            lambda n: {"body": f"Benchmark comment {n}", "csrf_token": site.comment_token},
        )

    home = lambda site: "/"
    post = lambda site: f"/post/{site.post_id}"
    profile = lambda site: f"/user/{quote(ids['username'])}"
    return [
        ("home, anonymous, cache off", pages(home), 200),
        (f"{post_name}, anonymous, cache off", pages(post), 200),
        (f"{profile_name}, anonymous, cache off", pages(profile), 200),
        ("home, signed in", pages(home, signed_in=True), 200),
        (f"{post_name}, signed in", pages(post, signed_in=True), 200),
        (f"{profile_name}, signed in", pages(profile, signed_in=True), 200),
        ("posting a comment (form with CSRF)", {"flasky": comment(flasky), "ours": comment(ours)}, 302),
        ("home, anonymous, page cache on", {"flasky": page(flasky, "/"), "ours": page(ours, "/")}, 200),
        (
            f"{post_name}, anonymous, page cache on",
            {"flasky": page(flasky, post(flasky)), "ours": page(ours, post(ours))},
            200,
        ),
        (
            f"{profile_name}, anonymous, page cache on",
            {"flasky": page(flasky, profile(flasky)), "ours": page(ours, profile(ours))},
            200,
        ),
    ]


def sign_in_everywhere(ours, cache_off, flasky):
    email = ours.ids["login_email"]
    for site, password in (
        (ours, ours.ids["login_password"]),
        (cache_off, cache_off.ids["login_password"]),
        (flasky, FLASKY_PASSWORD),
    ):
        site.cookie = bench_common.form_sign_in(
            site.base, "/auth/login", {"email": email, "password": password}
        )
    for site in (ours, flasky):  # the comment form's token, for the session
        site.cookie, site.comment_token = bench_common.form_token(
            site.base, f"/post/{site.comment_posts[0]}", site.cookie
        )


def run_rounds(args, sites, table):
    """Every row, ``args.rounds`` times, the sites alternating; the samples
    and per-round req/s of each row and site."""
    measured = {
        name: {key: {"samples": [], "failures": [], "rps": []} for key in sites}
        for name, _paths, _status in table
    }
    for round_ in range(args.rounds):
        order = list(sites) if round_ % 2 == 0 else list(reversed(sites))
        for name, paths, _status in table:
            for key in order:
                path, headers, form = paths[key]
                if form is None and isinstance(path, str):
                    bench_common.drive(sites[key].port, path, headers, 0.5, 1)  # warm up
                samples, failures, wall = bench_common.drive(
                    sites[key].port, path, headers, args.seconds, args.clients, form=form
                )
                found = measured[name][key]
                found["samples"] += samples
                found["failures"] += failures
                found["rps"].append(len(samples) / wall if wall else 0.0)
        print(f"  round {round_ + 1} of {args.rounds} done", file=sys.stderr)
    return measured


def summaries(measured, table):
    result = []
    for name, paths, status in table:
        row = {"page": name}
        for key, found in measured[name].items():
            path = paths[key][0]
            summary = bench_common.summarise(
                name, path, found["samples"], found["failures"], 1.0, expected=status
            )
            summary["rps"] = round(statistics.median(found["rps"]), 2)
            summary["rps_rounds"] = [round(r, 2) for r in found["rps"]]
            row[key] = summary
        result.append(row)
    return result


# -- Flasky ---------------------------------------------------------------------------
def flasky_python(args):
    """Flasky's interpreter: given, or a virtualenv made once in DIR."""
    if args.flasky_python:
        return args.flasky_python
    checkout = Path(args.compare_flasky)
    venv = checkout / ".bench-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"making {venv} with Flasky's requirements...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        wanted = next(
            (
                checkout / name
                for name in ("requirements.txt", "requirements/common.txt")
                if (checkout / name).exists()
            ),
            None,
        )
        command = [str(python), "-m", "pip", "install", "-q", "gunicorn"]
        subprocess.run(command + (["-r", str(wanted)] if wanted else []), check=True)
    return str(python)


def flasky_env(database, port):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SITE_CONFIG", "MONGODB_URI", "FLASK_APP", "BENCH_SEED"}
    }
    # Flasky's ProductionConfig reads SERVER_NAME in its class body, and
    # then answers only requests for that host.
    env.update(
        {
            "FLASK_APP": "flasky.py",
            "FLASK_CONFIG": "production",
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "bench",
            "SERVER_NAME": f"127.0.0.1:{port}",
        }
    )
    return env


def load_flasky(args, python, dump_file, work):
    """A fresh SQLite database, ``flask deploy``, then the dump; returns
    ``({our post id: Flasky's post id}, env, database)``."""
    checkout = Path(args.compare_flasky)
    database = work / "flasky.sqlite"
    env = flasky_env(database, args.port + 1)
    started = time.perf_counter()
    subprocess.run([python, "-m", "flask", "deploy"], cwd=checkout, env=env, check=True)
    loader = work / "load_flasky.py"
    loader.write_text(LOADER)
    done = subprocess.run(
        [python, str(loader), str(dump_file), FLASKY_PASSWORD],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"error: loading the data into Flasky failed:\n{done.stderr[-3000:]}")
    print(f"Flasky loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1]), env, database


def counted(dump, database):
    """Users, posts, comments and follows in the dump (this site's data)
    and in Flasky's tables (its own follows of itself left out)."""
    ours = {
        "users": len(dump["users"]),
        "posts": len(dump["posts"]),
        "comments": sum(len(p["comments"]) for p in dump["posts"]),
        "follows": len(
            {(u["username"], name) for u in dump["users"] for name in u["following"] if name != u["username"]}
        ),
    }
    with sqlite3.connect(database) as connection:

        def count(sql):
            return connection.execute(sql).fetchone()[0]

        theirs = {
            "users": count("SELECT COUNT(*) FROM users"),
            "posts": count("SELECT COUNT(*) FROM posts"),
            "comments": count("SELECT COUNT(*) FROM comments"),
            "follows": count("SELECT COUNT(*) FROM follows WHERE follower_id != followed_id"),
        }
    return ours, theirs


def start_flasky(args, python, env, log_file):
    command = [
        python,
        "-m",
        "gunicorn",
        "-w",
        "1",
        "--threads",
        str(args.threads),
        "-k",
        "gthread",
        "--bind",
        f"127.0.0.1:{args.port + 1}",
        "flasky:app",
    ]
    return subprocess.Popen(
        command,
        cwd=args.compare_flasky,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(port, server, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("error: Flasky stopped while starting; see its log")
        try:
            if requests.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit("error: Flasky did not answer 200 in time (is SERVER_NAME its address?)")


# -- the run --------------------------------------------------------------------------
def start_ours(args, cache_type, port, work, log_file, dump_file=None):
    site_args = type(args)(**{**vars(args), "cache": cache_type, "port": port})
    ids_file = work / f"ids-{cache_type}.json"
    extra = {"BENCH_DUMP_FILE": str(dump_file)} if dump_file else {}
    saved = {name: os.environ.get(name) for name in extra}
    os.environ.update(extra)
    try:
        return bench_common.start_server(site_args, ids_file, log_file), ids_file
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def compare(args):
    work = Path(tempfile.mkdtemp(prefix="bench-flasky-"))
    dump_file = work / "data.json"
    python = flasky_python(args)
    servers, logs = [], [open(work / f"{name}.log", "w") for name in ("site", "site-nocache", "flasky")]
    try:
        print("seeding this site twice (page cache on and off)...", file=sys.stderr)
        ours_server, ours_ids_file = start_ours(args, "SimpleCache", args.port, work, logs[0], dump_file)
        servers.append(ours_server)
        off_server, off_ids_file = start_ours(args, "NullCache", args.port + 2, work, logs[1])
        servers.append(off_server)
        ids = bench_common.wait_until_up(ours_server, args.port, ours_ids_file)
        off_ids = bench_common.wait_until_up(off_server, args.port + 2, off_ids_file)
        post_ids, env, database = load_flasky(args, python, dump_file, work)
        ours_counts, flasky_counts = counted(json.loads(dump_file.read_text()), database)
        if ours_counts != flasky_counts:
            raise SystemExit(f"error: the data differ: this site {ours_counts}, Flasky {flasky_counts}")
        flasky_server = start_flasky(args, python, env, logs[2])
        servers.append(flasky_server)
        wait_for(args.port + 1, flasky_server)
        comment_posts = ids["miss_post_ids"][:200]
        ours = Site("ours", args.port, ids, ids["top_post_id"], comment_posts)
        cache_off = Site("ours", args.port + 2, off_ids, off_ids["top_post_id"], [])
        flasky = Site(
            "flasky", args.port + 1, ids, post_ids[ids["top_post_id"]], [post_ids[p] for p in comment_posts]
        )
        sign_in_everywhere(ours, cache_off, flasky)
        table = rows(ours, cache_off, flasky)
        measured = run_rounds(args, {"ours": ours, "flasky": flasky}, table)
    finally:
        for server in servers:
            bench_common.stop_server(server)
        for log in logs:
            log.close()
    print(f"logs in {work}", file=sys.stderr)
    return report(args, ids, ours_counts, summaries(measured, table))


def report(args, ids, counts, results):
    lines = [
        f"Data, on each site: {counts['users']:,} users, {counts['posts']:,} posts, "
        f"{counts['comments']:,} comments, {counts['follows']:,} follows "
        f"(counted in this site's dump and in Flasky's tables).",
        f"{args.rounds} rounds of {args.seconds:.2f} s a row and site, "
        f"{args.clients} clients; req/s: the median round.",
        "",
        "| page | this site req/s | Flasky req/s | ratio | p50 ms: this site / Flasky "
        "| errors: this site / Flasky |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in results:
        ours, theirs = row["ours"], row["flasky"]
        ratio = f"{ours['rps'] / theirs['rps']:.2f}x" if theirs["rps"] else "-"
        lines.append(
            f"| {row['page']} | {ours['rps']:.2f} | {theirs['rps']:.2f} | {ratio} | "
            f"{ours['p50_ms']:.2f} / {theirs['p50_ms']:.2f} | "
            f"{ours['errors']} / {theirs['errors']} |"
        )
    table = "\n".join(lines)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare-flasky.json").write_text(
        json.dumps(
            {
                "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                "machine": bench_common.machine(),
                "data": ids,
                "counts": counts,
                "settings": {
                    "seconds": args.seconds,
                    "clients": args.clients,
                    "rounds": args.rounds,
                    "gunicorn": f"1 worker, gthread, {args.threads} threads, each site",
                },
                "results": results,
            },
            indent=2,
        )
    )
    (out / "compare-flasky.md").write_text(table + "\n")
    print(table)
    errors = sum(row[key]["errors"] for row in results for key in ("ours", "flasky"))
    return 1 if errors else 0
