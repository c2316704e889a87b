"""``bench.py --shape production``: the same pages against the production
shape instead of one process on the embedded database.

Started here, all on 127.0.0.1: the MongoDB stand-in (tests/mongo_standin.py,
the real pymongo driver over a socket), a redis-server for the page cache,
``flask deploy`` (indexes), the seed (scripts/bench_server.py, through the
driver), then gunicorn with 3 workers in the production config. The clients
talk to gunicorn directly, not through nginx: a proxy adds its own hop to
every latency, and what is measured is the site.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ProductionShape:
    """The running services; ``server`` is the gunicorn master."""

    def __init__(self, args, ids_file, log_file):
        self.args, self.log_file = args, log_file
        self.standin = self.redis = self.server = None
        try:
            self._start(ids_file)
        except BaseException:
            self.stop()
            raise

    def _start(self, ids_file):
        sys.path.insert(0, str(ROOT / "tests"))
        from mongo_standin import StandIn

        redis_server = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(redis_server).exists():
            raise SystemExit(
                "error: --shape production needs redis-server (sudo apt-get install -y redis-server)"
            )
        self.standin = StandIn.start()
        self.redis_server, self.redis_port = redis_server, _free_port()
        self.start_redis()
        env = self._environment(f"redis://127.0.0.1:{self.redis_port}")
        self._run([sys.executable, "-m", "flask", "--app", "site_app", "deploy"], env)
        print("seeding through the driver...", file=sys.stderr)
        self._run(
            [sys.executable, "-c", "import bench_server"],
            {**env, "BENCH_SEED": self._sizes(), "BENCH_IDS_FILE": str(ids_file)},
        )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "-w",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{self.args.port}",
            "--chdir",
            str(ROOT),
            "--pythonpath",
            str(ROOT / "scripts"),
            "--no-control-socket",
            "bench_server:app",
        ]
        self.server = subprocess.Popen(
            command, env=env, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start_redis(self):
        """redis-server on ``redis_port`` (again, after a fault was measured)."""
        self.redis = subprocess.Popen(
            [
                self.redis_server,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _sizes(self):
        a = self.args
        return f"{a.users},{a.posts},{a.comments},{a.follows},{a.images}"

    def _environment(self, redis_url):
        # Several workers refuse SimpleCache: the shared one stands in for it.
        self.cache = cache = "RedisCache" if self.args.cache == "SimpleCache" else self.args.cache
        env = {k: v for k, v in os.environ.items() if k not in {"BENCH_SEED", "SITE_URL"}}
        env.update(
            {
                "SITE_CONFIG": "production",
                "SECRET_KEY": "benchmark-secret-key-0123456789abcdef",
                "SITE_URL": f"http://127.0.0.1:{self.args.port}",
                "MONGODB_URI": f"{self.standin.uri}/bench",
                "CACHE_TYPE": cache,
                "BENCH_CACHE_TYPE": cache,
                "CACHE_REDIS_URL": f"{redis_url}/0",
                "RATELIMIT_STORAGE_URI": f"{redis_url}/1",
                "GUNICORN_THREADS": str(self.args.threads),
                "GUNICORN_MAX_REQUESTS": "0",  # the same workers throughout the run
                "LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT / "scripts"),
            }
        )
        return env

    def _run(self, command, env):
        result = subprocess.run(
            command, cwd=ROOT, env=env, stdout=self.log_file, stderr=subprocess.STDOUT, timeout=3600
        )
        if result.returncode != 0:
            raise SystemExit(f"error: {' '.join(command[:4])} failed; see the server log")

    def describe(self):
        return (
            f"{WORKERS} workers, gthread, {self.args.threads} threads each; "
            "MongoDB stand-in through pymongo; Redis cache; clients straight to gunicorn"
        )

    def workers(self):
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def stop(self):
        for process in (self.server, self.redis):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        if self.standin is not None:
            self.standin.stop()
