"""``bench.py --compare-flasky DIR``: this site and Flasky side by side, in
one run, on the same data and the same server shape.

Flasky is Miguel Grinberg's app from *Flask Web Development*
(https://github.com/miguelgrinberg/flasky): Flask-SQLAlchemy on SQLite,
``flasky.py`` as the entry point, ``flask deploy`` to create the tables
(Alembic migrations) and roles. Nothing of it is copied here: ``DIR`` is
your checkout.

1. This site is seeded as ``bench.py`` seeds it and the seeded users,
   posts, comments and follows are written as JSON (``BENCH_DUMP_FILE``).
2. Its anonymous home, the post with the most comments and the busiest
   author's profile are driven twice: with the page cache, then with
   ``NullCache``.
3. Flasky gets a fresh SQLite database (``DATABASE_URL``, production config),
   ``flask deploy``, then the same data through its own models (a post's
   title becomes its first, bold line: Flasky posts have no title), so its
   Markdown is rendered by its own ``on_changed_body`` listeners.
4. Flasky runs under gunicorn with the same shape (one worker, gthread,
   ``--threads``) and its same three pages are driven by the same clients.

Flasky's Python is ``--flasky-python``, or a virtualenv made once in
``DIR/.bench-venv`` from its requirements (plus gunicorn).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

import bench

# Run by Flasky's own Python in DIR: loads the dump through Flasky's models.
LOADER = r'''
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
    password_hash = generate_password_hash("bench-password")  # one hash for all, as seeding does
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
'''


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
        wanted = next((checkout / name for name in
                       ("requirements.txt", "requirements/common.txt")
                       if (checkout / name).exists()), None)
        command = [str(python), "-m", "pip", "install", "-q", "gunicorn"]
        subprocess.run(command + (["-r", str(wanted)] if wanted else []), check=True)
    return str(python)


def flasky_env(database):
    env = {k: v for k, v in os.environ.items()
           if k not in {"SITE_CONFIG", "MONGODB_URI", "FLASK_APP", "BENCH_SEED"}}
    env.update({"FLASK_APP": "flasky.py", "FLASK_CONFIG": "production",
                "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench"})
    return env


def load_flasky(args, python, dump_file, work):
    """A fresh SQLite database, ``flask deploy``, then the dump; returns
    ``{our post id: Flasky's post id}``."""
    checkout = Path(args.compare_flasky)
    database = work / "flasky.sqlite"
    env = flasky_env(database)
    started = time.perf_counter()
    subprocess.run([python, "-m", "flask", "deploy"], cwd=checkout, env=env, check=True)
    loader = work / "load_flasky.py"
    loader.write_text(LOADER)
    done = subprocess.run([python, str(loader), str(dump_file)], cwd=checkout, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"error: loading the data into Flasky failed:\n{done.stderr[-3000:]}")
    print(f"Flasky loaded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1]), env


def start_flasky(args, python, env, log_file):
    command = [python, "-m", "gunicorn", "-w", "1", "--threads", str(args.threads),
               "-k", "gthread", "--bind", f"127.0.0.1:{args.port + 1}", "flasky:app"]
    return subprocess.Popen(command, cwd=args.compare_flasky, env=env, stdout=log_file,
                            stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(port, server, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("error: Flasky stopped while starting; see its log")
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise SystemExit("error: Flasky did not come up in time")


def three_pages(ids, post_id):
    return [("home", "/"),
            (f"post with the most comments ({ids['top_post_comments']})", f"/post/{post_id}"),
            (f"busiest author's profile ({ids['user_posts']} posts)",
             f"/user/{ids['username']}")]


def drive_pages(args, port, pages):
    results = []
    for name, path in pages:
        bench.drive(port, path, {}, 0.5, 1)  # warm up (and fill the cache)
        samples, failures, wall = bench.drive(port, path, {}, args.seconds, args.clients)
        results.append(bench.summarise(name, path, samples, failures, wall))
        print(f"  {name}: {results[-1]['rps']} req/s, p50 {results[-1]['p50_ms']} ms",
              file=sys.stderr)
    return results


def run_site(args, cache_type, work, dump_file=None):
    """Seed and drive this site once; ``(results, ids)``."""
    ids_file = work / f"ids-{cache_type}.json"
    site_args = argparse_copy(args, cache=cache_type)
    env_extra = {"BENCH_DUMP_FILE": str(dump_file)} if dump_file else {}
    with open(work / f"site-{cache_type}.log", "w") as log_file:
        os.environ.update(env_extra)
        try:
            server = bench.start_server(site_args, ids_file, log_file)
        finally:
            for name in env_extra:
                os.environ.pop(name, None)
        try:
            ids = bench.wait_until_up(server, args.port, ids_file)
            post = f"/post/{ids['top_post_id']}"
            results = drive_pages(args, args.port, three_pages(ids, ids["top_post_id"]))
        finally:
            bench.stop_server(server)
    for result in results:
        result["path"] = result["path"].replace(post, "/post/<most comments>")
    return results, ids


def argparse_copy(args, **changes):
    copy = type(args)(**vars(args))
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def compare(args):
    work = Path(tempfile.mkdtemp(prefix="bench-flasky-"))
    dump_file = work / "data.json"
    python = flasky_python(args)
    print("this site, page cache on:", file=sys.stderr)
    cached, ids = run_site(args, "SimpleCache", work, dump_file)
    print("this site, page cache off:", file=sys.stderr)
    uncached, _ = run_site(args, "NullCache", work)
    post_ids, env = load_flasky(args, python, dump_file, work)
    print("Flasky:", file=sys.stderr)
    with open(work / "flasky.log", "w") as log_file:
        server = start_flasky(args, python, env, log_file)
        try:
            wait_for(args.port + 1, server)
            flasky = drive_pages(args, args.port + 1,
                                 three_pages(ids, post_ids[ids["top_post_id"]]))
        finally:
            bench.stop_server(server)
    return report(args, ids, cached, uncached, flasky)


def report(args, ids, cached, uncached, flasky):
    lines = ["| page | Flasky req/s | this site req/s, cached / cache off | ratio | "
             "p50 ms: Flasky / cached / off |",
             "|---|---:|---:|---:|---:|"]
    for ours, off, theirs in zip(cached, uncached, flasky):
        ratio = (f"{ours['rps'] / theirs['rps']:.1f}x / {off['rps'] / theirs['rps']:.1f}x"
                 if theirs["rps"] else "-")
        lines.append(f"| {ours['page']} | {theirs['rps']} | {ours['rps']} / {off['rps']} | "
                     f"{ratio} | {theirs['p50_ms']} / {ours['p50_ms']} / {off['p50_ms']} |")
    table = "\n".join(lines)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare-flasky.json").write_text(json.dumps({
        "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
        "machine": bench.machine(), "data": ids,
        "settings": {"seconds": args.seconds, "clients": args.clients,
                     "gunicorn": f"1 worker, gthread, {args.threads} threads, each site"},
        "cached": cached, "cache_off": uncached, "flasky": flasky}, indent=2))
    (out / "compare-flasky.md").write_text(table + "\n")
    print(table)
    errors = sum(r["errors"] for r in cached + uncached + flasky)
    return 1 if errors else 0
