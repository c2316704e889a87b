"""Jobs on RQ (JOBS_REDIS_URL): retried, then failed, listed in the admin
and retryable from there. A real redis-server on a free port; the worker is
RQ's SimpleWorker in burst mode (same process), which runs what
``flask worker`` runs."""

import pytest
from rq import SimpleWorker
from shape_services import start_redis

from site_app.extensions import mail
from site_app.jobs import redis_connection, rq_queue

pytestmark = pytest.mark.embedded_only("the queue is Redis: one lane is enough")

PASSWORD = "correct horse battery"


@pytest.fixture
def redis_url(tmp_path):
    redis = start_redis(tmp_path)
    yield redis.url
    redis.stop()


def _run_queued_jobs(app):
    with app.app_context():
        connection = redis_connection(app)
        SimpleWorker([rq_queue(app, connection)], connection=connection).work(burst=True)


def test_mail_that_fails_every_retry_is_listed_in_the_admin_and_sent_on_retry(
    app, make_user, redis_url, monkeypatch
):
    from test_admin import log_in

    app.config.update(
        JOBS_RUN_AT_ONCE=False, JOBS_REDIS_URL=redis_url, JOBS_RETRY_INTERVALS=(0,), MAIL_SERVER="127.0.0.1"
    )
    attempts = []

    def mail_server_down(message):
        attempts.append(message.recipients)
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(mail, "send", mail_server_down)
    admin = make_user("root", role="Administrator")
    client = app.test_client()
    log_in(client, admin)

    reset = app.test_client().post("/auth/reset", data={"email": "root@example.com"})
    assert reset.status_code == 302
    assert attempts == []  # queued, not sent by the page
    _run_queued_jobs(app)
    assert attempts == [["root@example.com"], ["root@example.com"]]  # the try and one retry

    page = client.get("/admin/jobs/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "site_app.email.deliver_email" in text
    assert "ConnectionRefusedError: the mail server is down" in text
    [job_id] = rq_queue(app).failed_job_registry.get_job_ids()

    monkeypatch.undo()
    sent = []
    with mail.record_messages() as outbox:
        assert client.post(f"/admin/jobs/{job_id}/retry").status_code == 302
        _run_queued_jobs(app)
        sent = list(outbox)
    assert [message.recipients for message in sent] == [["root@example.com"]]
    assert "No failed jobs." in client.get("/admin/jobs/").get_data(as_text=True)
    assert client.post(f"/admin/jobs/{job_id}/retry").status_code == 404


def test_without_a_job_queue_the_admin_page_says_where_failures_go(app, make_user):
    from test_admin import log_in

    client = app.test_client()
    log_in(client, make_user("root", role="Administrator"))
    page = client.get("/admin/jobs/")
    assert page.status_code == 200
    assert "JOBS_REDIS_URL" in page.get_data(as_text=True)
    assert client.post("/admin/jobs/anything/retry").status_code == 404


@pytest.mark.slow
@pytest.mark.waits  # about 115 s asleep: its module goes first (conftest)
def test_a_job_whose_worker_is_killed_runs_once_after_a_restart(app, redis_url, tmp_path):
    import os
    import signal
    import time

    from shape_services import ROOT, start_worker

    env = {
        **os.environ,
        "SITE_CONFIG": "testing",
        "JOBS_REDIS_URL": redis_url,
        "JOBS_MAINTENANCE_SECONDS": "5",
        "PYTHONPATH": str(ROOT / "tests"),
    }
    app.config.update(JOBS_RUN_AT_ONCE=False, JOBS_REDIS_URL=redis_url)
    done = tmp_path / "done.txt"
    with app.app_context():
        from site_app.jobs import enqueue

        enqueue("shape_jobs.record_once", str(done), "job-1", 4)

    first = start_worker(tmp_path, env, name="worker-1")
    started = tmp_path / "done.txt.started"
    deadline = time.monotonic() + 30
    while not (started.exists() and started.read_text()):
        assert time.monotonic() < deadline, first.log()[-3000:]
        time.sleep(0.1)
    # Mid-job, no cleanup at all: the worker and its work horse (RQ puts the
    # horse in a session of its own, so the worker's group misses it).
    os.killpg(first.process.pid, signal.SIGKILL)
    os.kill(int(started.read_text()), signal.SIGKILL)
    first.process.wait()
    assert not done.exists()

    second = start_worker(tmp_path, env, name="worker-2")
    try:
        # RQ sees the job abandoned once its lease (~90 s) has run out.
        deadline = time.monotonic() + 180
        while not done.exists():
            assert time.monotonic() < deadline, second.log()[-3000:]
            time.sleep(1)
        time.sleep(6)  # one more maintenance round: nothing runs it again
    finally:
        second.stop()
    assert done.read_text().split() == ["job-1"]


def test_a_newsletter_goes_out_in_batches_a_minute_apart_on_rq(app, make_user, redis_url):
    """``MAIL_RATE_PER_MINUTE`` mails a run; the rest wait in RQ's scheduled
    registry a minute ahead (``jobs.enqueue_in``), and the next run takes up
    after the last subscriber reached: everyone mailed once."""
    from datetime import UTC, datetime

    from rq.job import Job

    from site_app.models import Post
    from site_app.models.subscriptions import Subscription

    app.config.update(JOBS_RUN_AT_ONCE=False, JOBS_REDIS_URL=redis_url, MAIL_RATE_PER_MINUTE=2)
    writer = make_user("wendy")
    readers = [Subscription.switch_on(writer.id, f"reader{n}@example.com") for n in range(3)]

    with mail.record_messages() as outbox:
        with app.test_request_context():
            Post.publish(writer, "Tides", "The moon pulls the sea.")
        assert outbox == []  # queued, not sent by the page
        _run_queued_jobs(app)
        assert sorted(m.recipients[0] for m in outbox) == ["reader0@example.com", "reader1@example.com"]
        queue = rq_queue(app)
        scheduled = queue.scheduled_job_registry
        [job_id] = scheduled.get_job_ids()
        due = scheduled.get_scheduled_time(job_id)
        assert 55 <= (due - datetime.now(UTC)).total_seconds() <= 61
        job = Job.fetch(job_id, connection=queue.connection)
        assert job.func_name == "site_app.subscriptions.sending.send_post"
        assert job.kwargs == {"after": str(readers[1].id)}

        # The minute passes: RQ's scheduler moves the job to its queue.
        scheduled.remove(job)
        queue.enqueue_job(job)
        _run_queued_jobs(app)
    assert sorted(m.recipients[0] for m in outbox) == [f"reader{n}@example.com" for n in range(3)]
    assert scheduled.get_job_ids() == []  # a short batch schedules nothing more
