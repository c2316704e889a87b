"""A MongoDB stand-in for tests: a server process that speaks MongoDB's wire
protocol to the real pymongo driver and keeps its data in mongomock.

Command line (serves until SIGTERM; data lives as long as the process)::

    python tests/mongo_standin.py --port PORT [--host 127.0.0.1] [--delay-ms N]

It prints one line, ``ready mongodb://HOST:PORT``, once it listens
(``--port 0`` picks a free port). ``--delay-ms`` makes every command that
slow; a client can also send ``{standinDelay: 1, ms: N, commands: [...]}``.

From Python (``tests/`` is on ``sys.path`` in the suite)::

    from mongo_standin import StandIn
    with StandIn.start() as standin:      # a subprocess
        client = MongoClient(standin.uri)
        standin.kill()                    # as if it crashed (SIGKILL)
        standin.restart()                 # same port, EMPTY data: a new process

What it emulates and what it refuses is in ``tests/standin/`` and the
README's Tests section.
"""

import argparse
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


class StandIn:
    """A running stand-in process. ``start()`` waits until it listens."""

    def __init__(self, process, uri, host, port, delay_ms):
        self.process, self.uri = process, uri
        self.host, self.port, self.delay_ms = host, port, delay_ms

    @classmethod
    def start(cls, port=0, host="127.0.0.1", delay_ms=0, timeout=15):
        command = [sys.executable, str(HERE / "mongo_standin.py"), "--port", str(port), "--host", host]
        if delay_ms:
            command += ["--delay-ms", str(delay_ms)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        line = _first_line(process, timeout)
        if not line.startswith("ready "):
            process.kill()
            process.wait()
            raise RuntimeError(f"the MongoDB stand-in did not start: {line!r}")
        uri = line.split(" ", 1)[1].strip()
        return cls(process, uri, host, int(uri.rsplit(":", 1)[1]), delay_ms)

    @property
    def pid(self):
        return self.process.pid

    @property
    def running(self):
        return self.process.poll() is None

    def stop(self, timeout=10):
        """SIGTERM, and wait for the process to end."""
        if self.running:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close_pipe()

    def kill(self):
        """SIGKILL: the server vanishes mid-conversation, as in a crash."""
        if self.running:
            self.process.kill()
            self.process.wait()
        self._close_pipe()

    def restart(self, timeout=15):
        """Stop, then start a new process on the same port. The data does not
        survive: the new process starts empty."""
        self.stop()
        fresh = StandIn.start(port=self.port, host=self.host, delay_ms=self.delay_ms, timeout=timeout)
        self.process, self.uri = fresh.process, fresh.uri
        return self

    def _close_pipe(self):
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def _first_line(process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.1)
        if ready:
            return process.stdout.readline()
        if process.poll() is not None:
            return f"exited with {process.returncode}"
    return "no ready line in time"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=27017)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--delay-ms", type=int, default=int(os.environ.get("STANDIN_DELAY_MS", 0)))
    args = parser.parse_args(argv)
    sys.path[:0] = [str(HERE), str(HERE.parent)]  # standin/, and site_app (embedded_index)
    from standin.server import serve

    serve(args.host, args.port, args.delay_ms)


if __name__ == "__main__":
    main()
