"""A job for the worker-kill test, importable by a worker started with
``tests`` on PYTHONPATH: it writes its key to a file, slowly, once (a second
run of the same key changes nothing, as every job here must)."""

import os
import time
from pathlib import Path


def record_once(path, key, seconds):
    done = Path(path)
    if done.exists() and key in done.read_text().split():
        return
    # The pid running it: RQ's work horse, in a session of its own, so the
    # test can kill it along with its worker.
    Path(f"{path}.started").write_text(str(os.getpid()))
    time.sleep(seconds)
    with done.open("a") as file:
        file.write(key + "\n")
