"""What runs on a timetable: scheduled posts published every
``PUBLISH_DUE_SECONDS`` (a minute: a post goes out within a minute of its
time), the counts repaired daily (``REPAIR_COUNTS_CRON``, server time).

- With ``JOBS_REDIS_URL``: ``flask --app site_app worker`` starts RQ's own
  cron scheduler (``rq.cron.CronScheduler``) in a child process beside the
  worker; it enqueues these jobs on the site's queue and the workers run
  them. Two workers each with a scheduler enqueue each job twice: harmless,
  as publishing a post is one conditional update (it goes out once) and a
  recount sets the same numbers.
- Without it (the embedded default, whose database lives in the web
  process), one daemon thread of the web process runs them, started by
  its first request (``SCHEDULER_IN_PROCESS``; off under testing, where
  tests run ``flask publish-due`` themselves).

A time that passed while nothing ran is caught up at the next run: due is
"``publish_at`` no later than now", not "now".
"""

import logging
import threading
from datetime import datetime

from croniter import croniter

log = logging.getLogger(__name__)


def publish_due_job():
    """Publish every scheduled post whose time has come (the job)."""
    from .models import Post

    published = Post.publish_due()
    if published:
        log.info("scheduled posts published: %d", published)
    return published


def repair_counts_job():
    """Make the counts kept beside the data exact again (the daily job)."""
    from .models.counts import repair_counts

    repaired = {what: fixed for what, fixed in repair_counts().items() if fixed}
    if repaired:
        log.info("counts repaired: %s", repaired)
    return repaired


# --- RQ (production) --------------------------------------------------------


def rq_cron_scheduler(app, connection):
    """RQ's cron scheduler with the site's timetable (not yet started)."""
    from rq.cron import CronScheduler

    from .jobs import QUEUE_NAME

    cron = CronScheduler(connection=connection)
    cron.register(
        publish_due_job,
        QUEUE_NAME,
        interval=app.config["PUBLISH_DUE_SECONDS"],
        job_timeout=app.config["JOBS_TIMEOUT_SECONDS"],
    )
    cron.register(
        repair_counts_job,
        QUEUE_NAME,
        cron=app.config["REPAIR_COUNTS_CRON"],
        job_timeout=app.config["JOBS_TIMEOUT_SECONDS"],
    )
    return cron


def start_rq_cron(app):
    """RQ's cron scheduler in a child process (its loop takes the main
    thread's signals, so not a thread of the worker); returned to be
    ended with the worker."""
    import multiprocessing

    from .jobs import redis_connection

    def run():
        with app.app_context():
            rq_cron_scheduler(app, redis_connection(app)).start()

    process = multiprocessing.get_context("fork").Process(target=run, name="inkwell-cron", daemon=True)
    process.start()
    return process


# --- in-process (embedded default) -----------------------------------------

_started = set()
_started_lock = threading.Lock()


def init_app(app):
    """Start the in-process timetable with the first request, when asked for."""
    if not app.config.get("SCHEDULER_IN_PROCESS"):
        return

    # Set to end the thread (an app closed in the same process: tests).
    app.extensions["timetable_stop"] = threading.Event()

    @app.before_request
    def start_timetable():
        if id(app) not in _started:
            start_in_process(app)


def start_in_process(app):
    """The timetable on a daemon thread of this process (once per app)."""
    with _started_lock:
        if id(app) in _started:
            return None
        _started.add(id(app))
    stop = app.extensions.setdefault("timetable_stop", threading.Event())
    thread = threading.Thread(target=_run_timetable, args=(app, stop), daemon=True, name="inkwell-timetable")
    app.extensions["timetable_thread"] = thread
    thread.start()
    return thread


def stop_in_process(app, timeout=10):
    """End the app's timetable thread, if it runs, and wait for its round
    in progress: nothing of it touches the database afterwards (an app
    closed in a process that goes on: tests)."""
    stop, thread = app.extensions.get("timetable_stop"), app.extensions.get("timetable_thread")
    if stop is not None:
        stop.set()
    if thread is not None and thread is not threading.current_thread():
        thread.join(timeout)


def _run_timetable(app, stop):
    every = app.config["PUBLISH_DUE_SECONDS"]
    repairs = croniter(app.config["REPAIR_COUNTS_CRON"], datetime.now().astimezone())
    next_repair = repairs.get_next(datetime)
    while not stop.is_set():
        with app.app_context():
            _logging_failure(publish_due_job)
            if datetime.now().astimezone() >= next_repair:
                _logging_failure(repair_counts_job)
                next_repair = repairs.get_next(datetime)
        stop.wait(every)


def _logging_failure(job):
    try:
        job()
    except Exception:  # the next round tries again; the thread must live on
        log.exception("scheduled job %s failed", job.__name__)
