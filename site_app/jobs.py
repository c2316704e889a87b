"""Background jobs: one ``enqueue`` whatever runs them.

- With ``JOBS_REDIS_URL`` (production), jobs go to RQ on that Redis and
  ``flask --app site_app worker`` runs them: a job survives a web worker
  being recycled, is retried with backoff (``JOBS_RETRY_INTERVALS``), and one
  that keeps failing lands in RQ's failed job registry, which the admin
  lists and can retry (site_app/admin/jobs.py).
- Without it (the embedded default), one daemon thread in the same process
  runs them, with the same retries, so ``make run`` stays one command.
- With ``JOBS_RUN_AT_ONCE`` (testing), ``enqueue`` runs the job before it
  returns, so a test sees its effect.

A job whose RQ worker dies mid-run (SIGKILL, a lost machine) stays in RQ's
started registry until its heartbeat lease runs out (about 90 s: RQ's 30 s
monitoring interval plus a fixed 60 s); the next registry maintenance of a
live worker (every ``JOBS_MAINTENANCE_SECONDS``) then treats it as
abandoned: retried if it has retries left, else moved to the failed
registry. So delivery is at least once: a job must be safe to run twice.

A job is named by its import path (``"site_app.email.deliver_email"``) so an
RQ worker, a separate process, can import it; its arguments must be plain
data (strings, numbers, dicts), never documents or the app.
"""

import importlib
import logging
import queue
import threading
import time

from flask import current_app

log = logging.getLogger(__name__)

QUEUE_NAME = "inkwell"


def enqueue(job_path, *args, **kwargs):
    """Run ``job_path(*args, **kwargs)`` in the background (see module doc)."""
    app = current_app._get_current_object()
    if app.config.get("JOBS_RUN_AT_ONCE"):
        _run_logging_failure(job_path, args, kwargs)
    elif app.config.get("JOBS_REDIS_URL"):
        _enqueue_on_rq(app, job_path, args, kwargs)
    else:
        _in_process_queue(app).put((job_path, args, kwargs, 0))


def enqueue_in(seconds, job_path, *args, **kwargs):
    """Like :func:`enqueue`, ``seconds`` from now (at once under testing):
    RQ's scheduled jobs (its worker runs the scheduler), a timer in process."""
    app = current_app._get_current_object()
    if app.config.get("JOBS_RUN_AT_ONCE") or seconds <= 0:
        enqueue(job_path, *args, **kwargs)
    elif app.config.get("JOBS_REDIS_URL"):
        from datetime import timedelta

        from rq import Retry

        intervals = list(app.config["JOBS_RETRY_INTERVALS"])
        rq_queue(app).enqueue_in(
            timedelta(seconds=seconds),
            job_path,
            *args,
            **kwargs,
            retry=Retry(max=len(intervals), interval=intervals),
            job_timeout=app.config["JOBS_TIMEOUT_SECONDS"],
        )
    else:
        timer = threading.Timer(seconds, _in_process_queue(app).put, args=((job_path, args, kwargs, 0),))
        timer.daemon = True
        timer.start()


def resolve(job_path):
    module_name, _, function_name = job_path.rpartition(".")
    return getattr(importlib.import_module(module_name), function_name)


def _run_logging_failure(job_path, args, kwargs):
    try:
        resolve(job_path)(*args, **kwargs)
    except Exception:  # a job's failure never reaches the page that asked for it
        log.exception("job %s failed", job_path)
        return False
    return True


# --- RQ (production) --------------------------------------------------------


def redis_connection(app):
    """The jobs' Redis, with short timeouts so a Redis that hangs fails fast."""
    from redis import Redis

    timeout = app.config["JOBS_REDIS_TIMEOUT_SECONDS"]
    return Redis.from_url(
        app.config["JOBS_REDIS_URL"], socket_timeout=timeout, socket_connect_timeout=timeout
    )


def rq_queue(app, connection=None):
    from rq import Queue

    return Queue(QUEUE_NAME, connection=connection or redis_connection(app))


def _enqueue_on_rq(app, job_path, args, kwargs):
    from rq import Retry

    intervals = list(app.config["JOBS_RETRY_INTERVALS"])
    rq_queue(app).enqueue(
        job_path,
        *args,
        **kwargs,
        retry=Retry(max=len(intervals), interval=intervals),
        job_timeout=app.config["JOBS_TIMEOUT_SECONDS"],
    )


# --- in-process (embedded default) -----------------------------------------

_queues = {}
_queues_lock = threading.Lock()


def _in_process_queue(app):
    with _queues_lock:
        jobs = _queues.get(id(app))
        if jobs is None:
            jobs = _queues[id(app)] = queue.Queue()
            threading.Thread(
                target=_work_in_process, args=(app, jobs), daemon=True, name="inkwell-jobs"
            ).start()
        return jobs


def _work_in_process(app, jobs):
    intervals = list(app.config["JOBS_RETRY_INTERVALS"])
    while True:
        job_path, args, kwargs, attempt = jobs.get()
        try:
            with app.app_context():
                if _run_logging_failure(job_path, args, kwargs) or attempt >= len(intervals):
                    continue
            # Retried later on a timer, so one failing job does not hold up the rest.
            retry = threading.Timer(
                intervals[attempt], jobs.put, args=((job_path, args, kwargs, attempt + 1),)
            )
            retry.daemon = True
            retry.start()
        finally:
            jobs.task_done()


def wait_until_idle(app, timeout=5.0):
    """For tests and shutdown: wait until the in-process queue is empty."""
    jobs = _queues.get(id(app))
    deadline = time.monotonic() + timeout
    while jobs is not None and jobs.unfinished_tasks and time.monotonic() < deadline:
        time.sleep(0.01)


# --- failed jobs (the admin's list) -----------------------------------------

FAILED_LISTED = 100


def failed_jobs(app):
    """The newest failed RQ jobs (at most ``FAILED_LISTED``) as plain rows,
    and how many there are in all."""
    from rq.job import Job

    connection = redis_connection(app)
    registry = rq_queue(app, connection).failed_job_registry
    total = registry.count
    ids = registry.get_job_ids(0, FAILED_LISTED - 1, desc=True)
    rows = []
    for job in Job.fetch_many(ids, connection=connection):
        if job is None:  # expired between the two reads
            continue
        error = (job.latest_result().exc_string if job.latest_result() else "") or ""
        rows.append(
            {
                "id": job.id,
                "job": job.func_name,
                "ended_at": job.ended_at,
                "error": error.strip().splitlines()[-1] if error.strip() else "",
            }
        )
    return rows, total


def retry_failed_job(app, job_id):
    """Put a failed job back on the queue; False when it is not failed (any more)."""
    from rq.exceptions import InvalidJobOperation, NoSuchJobError

    registry = rq_queue(app).failed_job_registry
    try:
        registry.requeue(job_id)
    except (NoSuchJobError, InvalidJobOperation):
        return False
    return True
