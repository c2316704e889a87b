"""Peak memory of a server process while many clients download one large file.

    python scripts/measure_download_memory.py [--clients 10] [--megabytes 20]

Starts the app in a child process (werkzeug's threaded server on
127.0.0.1, or gunicorn with ``--gunicorn``), stores one file of the given
size in its GridFS, then lets N clients download it at once, each reading
slowly in 64 KiB pieces. It reports the server's resident memory before, and
its peak (the kernel's VmHWM) during the downloads. With ``MONGODB_URI``
set, the server uses that database; otherwise the embedded mongomock one.
"""

import argparse
import hashlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build_app(megabytes):
    """The app with one stored PDF of ``megabytes`` MB; returns (app, url)."""
    import io

    from flask import url_for
    from werkzeug.datastructures import FileStorage

    from site_app import create_app
    from site_app.media import storage
    from site_app.models import Role, User

    app = create_app(
        "development",
        {
            "DB_OPS_HEADER": False,
            "WTF_CSRF_ENABLED": False,
            "MAX_CONTENT_LENGTH": (megabytes + 1) * 1024 * 1024,
        },
    )
    with app.app_context():
        Role.insert_roles()
        owner = User.by_email("memory@example.com") or User.register(
            email="memory@example.com", username="memory", password="memory-test"
        )
        block = hashlib.sha256(b"measure").digest()
        data = b"%PDF-1.7\n" + block * (megabytes * 1024 * 1024 // len(block))
        with app.test_request_context():
            stored = storage.store_upload(FileStorage(io.BytesIO(data), "big.pdf"), owner)
            url = url_for("media.serve_file", file_id=stored["id"])
        del data
    return app, url


def serve(port, megabytes):
    """Child process: build the app, print the file's URL, serve forever."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("site_app").setLevel(logging.ERROR)

    app, url = build_app(megabytes)
    server = make_server("127.0.0.1", port, app, threaded=True)
    print(url, flush=True)
    server.serve_forever()


def gunicorn_app():
    """``gunicorn 'scripts.measure_download_memory:gunicorn_app()'``."""
    app, url = build_app(int(os.environ.get("MEASURE_MEGABYTES", "20")))
    Path(os.environ["MEASURE_URL_FILE"]).write_text(url)
    return app


def memory_kb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found for pid {pid}")


def download(port, url, results, index):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", url)
    response = connection.getresponse()
    digest, total = hashlib.sha256(), 0
    while True:
        piece = response.read(64 * 1024)
        if not piece:
            break
        total += len(piece)
        digest.update(piece)
        time.sleep(0.002)  # a slow reader keeps the server's generator waiting
    results[index] = (response.status, total, digest.hexdigest(), response.getheader("Content-Length"))
    connection.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port, megabytes, use_gunicorn):
    env = dict(os.environ, SITE_CONFIG="development", PYTHONPATH=str(ROOT))
    if use_gunicorn:
        url_file = ROOT / f".measure-url-{port}"
        url_file.unlink(missing_ok=True)
        env.update(MEASURE_MEGABYTES=str(megabytes), MEASURE_URL_FILE=str(url_file))
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "1",
                "-k",
                "gthread",
                "--threads",
                "16",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "scripts.measure_download_memory:gunicorn_app()",
            ],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(600):
            if url_file.exists():
                break
            time.sleep(0.1)
        url = url_file.read_text()
        url_file.unlink()
        time.sleep(0.5)
        # The worker holds the app; the arbiter only forks it.
        worker = subprocess.run(
            ["pgrep", "-P", str(child.pid)], capture_output=True, text=True
        ).stdout.split()
        return child, int(worker[0]), url
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--megabytes", str(megabytes)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    url = child.stdout.readline().strip()
    return child, child.pid, url


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--megabytes", type=int, default=20)
    parser.add_argument("--gunicorn", action="store_true", help="serve with gunicorn (gthread)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.megabytes)
        return

    port = free_port()
    child, pid, url = start_server(port, args.megabytes, args.gunicorn)
    try:
        if not url:
            raise SystemExit("the server did not start")
        # One warm-up request, so imports and first-use caches are in the baseline.
        warm = {}
        download(port, url, warm, 0)
        before = memory_kb(pid, "VmRSS")
        # Reset the kernel's high-water mark so the peak is that of the
        # downloads, not of storing the file at start-up; sample RSS too.
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        samples, sampling = [before], threading.Event()

        def sample():
            while not sampling.is_set():
                samples.append(memory_kb(pid, "VmRSS"))
                time.sleep(0.005)

        sampler = threading.Thread(target=sample)
        sampler.start()
        results = {}
        threads = [
            threading.Thread(target=download, args=(port, url, results, i)) for i in range(args.clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        sampling.set()
        sampler.join()
        peak = max(memory_kb(pid, "VmHWM"), max(samples))
        after = memory_kb(pid, "VmRSS")
    finally:
        child.terminate()
        child.wait(timeout=10)

    expected = warm[0][2]
    ok = all(r[0] == 200 and r[2] == expected for r in results.values())
    size = args.megabytes * 1024 * 1024
    print(
        f"server: {'gunicorn gthread' if args.gunicorn else 'werkzeug threaded'}, "
        f"backend: {'MongoDB' if os.environ.get('MONGODB_URI') else 'mongomock'}"
    )
    print(
        f"{args.clients} clients x {args.megabytes} MB file: "
        f"{'all complete and identical' if ok else 'SOME DOWNLOADS FAILED'} in {seconds:.1f} s"
    )
    print(
        f"server RSS before: {before / 1024:.1f} MB, peak during downloads (VmHWM): "
        f"{peak / 1024:.1f} MB, after: {after / 1024:.1f} MB"
    )
    print(
        f"peak growth: {(peak - before) / 1024:.1f} MB "
        f"(reading each file whole would need about {args.clients * size / 2**20:.0f} MB)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
