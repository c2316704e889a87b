"""Real server processes for the tests of the production shape: Redis, nginx,
gunicorn and a mail server that keeps what it receives.

Each listens on a free 127.0.0.1 port, keeps its files (config, pid, logs,
temp) in a folder the test owns, and is stopped by the test's teardown.
Redis and nginx come from the OS (``apt-get install redis-server nginx``);
without them these tests skip with a message that says so, except under CI
(``CI=true``), where they must run and fail instead.
"""

import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from email import message_from_bytes
from email.policy import default as email_policy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def in_ci():
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(binary, package):
    """Skip (or, under CI, fail) when an OS program is missing."""
    if Path(binary).is_file() and os.access(binary, os.X_OK):
        return
    message = (
        f"{binary} is missing: install it with `sudo apt-get install -y {package}` "
        "to run the production-shape tests"
    )
    if in_ci():
        pytest.fail(message + " (CI=true: these tests must run)")
    pytest.skip(message)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Service:
    """A started process, its log, and how to stop it (its whole group)."""

    def __init__(self, name, command, log_path, env=None, cwd=ROOT):
        self.name = name
        self.log_path = Path(log_path)
        self._log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_for_port(self, port, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped while starting:\n{self.log()[-3000:]}")
            if port_open(port):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not listen on {port} in {timeout} s:\n{self.log()[-3000:]}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log_file.close()


def start_redis(folder, port=None):
    """A redis-server without persistence; ``port`` to start one again where
    a stopped one listened."""
    require(REDIS_SERVER, "redis-server")
    port = port or free_port()
    service = Service(
        "redis-server",
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        Path(folder) / "redis.log",
    )
    service.url, service.port = f"redis://127.0.0.1:{port}", port
    return service.wait_for_port(port)


NGINX_CONFIG = """\
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/nginx-access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    client_max_body_size 16m;
    upstream site {{ server 127.0.0.1:{upstream}; }}
    # Plain http: X-Forwarded-Proto says http.
    server {{
        listen 127.0.0.1:{http_port};
        location / {{
            proxy_pass http://site;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
        }}
    }}
    # What a TLS-terminating server block forwards (X-Forwarded-Proto https),
    # without certificates in the test.
    server {{
        listen 127.0.0.1:{https_port};
        location / {{
            proxy_pass http://site;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
            proxy_set_header X-Forwarded-Host $http_host;
        }}
    }}
}}
"""


def start_nginx(folder, upstream_port):
    """nginx in front of ``upstream_port``: ``.http_port`` forwards as plain
    http, ``.https_port`` as a TLS terminator would."""
    require(NGINX, "nginx")
    folder = Path(folder)
    http_port, https_port = free_port(), free_port()
    config = folder / "nginx.conf"
    config.write_text(
        NGINX_CONFIG.format(folder=folder, upstream=upstream_port, http_port=http_port, https_port=https_port)
    )
    service = Service(
        "nginx",
        [NGINX, "-p", str(folder), "-e", str(folder / "nginx-error.log"), "-c", str(config)],
        folder / "nginx.log",
    )
    service.http_port, service.https_port = http_port, https_port
    service.wait_for_port(http_port)
    return service.wait_for_port(https_port)


def start_gunicorn(folder, env, port, workers=3):
    """The site under gunicorn on ``port`` with the project's
    gunicorn.conf.py. Its access log goes to its stdout (the log) with the
    worker's pid first, so a test can tell which worker answered."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "-w",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logformat",
        "%(p)s %(s)s %(m)s %(U)s?%(q)s",
        # gunicorn 25+ shares one control socket per user: not for tests
        "--no-control-socket",
        "site_app:create_app()",
    ]
    service = Service(
        "gunicorn", command, Path(folder) / "gunicorn.log", env={**env, "GUNICORN_ACCESS_LOG": "-"}
    )
    service.port = port
    return service.wait_for_port(port, timeout=120)


def start_worker(folder, env, name="worker"):
    """``flask --app site_app worker``: RQ's worker and scheduler on the
    jobs' Redis (JOBS_REDIS_URL in ``env``)."""
    command = [sys.executable, "-m", "flask", "--app", "site_app", "worker"]
    service = Service(name, command, Path(folder) / f"{name}.log", env=env)
    deadline = time.monotonic() + 60
    while "Listening on" not in service.log() and "istening on" not in service.log():
        if service.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start:\n{service.log()[-3000:]}")
        time.sleep(0.2)
    return service


# -- a mail server that keeps the messages ------------------------------------------
class MailSink:
    """A minimal SMTP server (no TLS, no auth) on a free port: what the site
    sends is in ``messages`` (``email.message.EmailMessage``)."""

    def __init__(self):
        self.messages = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.reply("220 sink ready")
                while line := self.rfile.readline():
                    verb = line.decode("ascii", "replace").strip().upper()
                    if verb.startswith("DATA"):
                        self.reply("354 end with <CRLF>.<CRLF>")
                        sink.messages.append(self.read_message())
                        self.reply("250 queued")
                    elif verb.startswith("QUIT"):
                        self.reply("221 bye")
                        return
                    elif verb.startswith("EHLO"):
                        self.reply("250 sink")
                    else:  # HELO, MAIL FROM, RCPT TO, RSET, NOOP
                        self.reply("250 ok")

            def read_message(self):
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                return message_from_bytes(b"".join(lines), policy=email_policy)

            def reply(self, text):
                self.wfile.write(text.encode() + b"\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def texts(self):
        """The text part of every message received."""
        return [m.get_body(("plain",)).get_content() for m in self.messages]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
