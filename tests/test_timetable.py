"""The timetable (site_app/scheduler.py): scheduled posts published every
PUBLISH_DUE_SECONDS and the counts repaired daily, by a thread of the web
process on the embedded default, by RQ's cron scheduler beside
``flask worker`` with JOBS_REDIS_URL."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from rq import SimpleWorker
from shape_services import start_redis

from site_app.jobs import redis_connection, rq_queue
from site_app.models import Like, Post
from site_app.scheduler import rq_cron_scheduler


def an_hour_ago():
    return datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)


def wait_for(check, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def stop_timetable(app):
    yield
    app.extensions["timetable_stop"].set()


@pytest.mark.app_config(
    SCHEDULER_IN_PROCESS=True, PUBLISH_DUE_SECONDS=0.05, REPAIR_COUNTS_CRON="* * * * * *"
)  # croniter's sixth field: seconds
def test_the_web_process_runs_the_timetable_from_its_first_request(app, make_user, stop_timetable):
    writer, reader = make_user("wendy"), make_user("rita")
    # Its time passed while nothing ran.
    post = Post.publish(writer, "Overdue", "Its time has passed.", publish_at=an_hour_ago())
    liked = Post.publish(writer, "Liked", "Once.")
    Like.add(liked, reader)
    Post.objects(id=liked.id).update_one(set__like_count=7)  # a crash between the two writes
    assert post.draft is True
    time.sleep(0.3)
    assert post.reload().draft is True  # nothing runs before the site serves

    assert app.test_client().get("/").status_code == 200
    assert wait_for(lambda: post.reload().draft is False)
    assert wait_for(lambda: liked.reload().like_count == 1)  # the daily repair, every second here
    assert "Overdue" in app.test_client().get("/").get_data(as_text=True)


def test_testing_runs_no_timetable_thread(app, make_user):
    post = Post.publish(make_user("wendy"), "Overdue", "Waits for the CLI.", publish_at=an_hour_ago())
    app.test_client().get("/")
    time.sleep(0.2)
    assert post.reload().draft is True


@pytest.fixture
def redis_url(tmp_path):
    redis = start_redis(tmp_path)
    yield redis.url
    redis.stop()


@pytest.mark.embedded_only("the queue is Redis: one lane is enough")
def test_rq_cron_enqueues_publish_due_and_a_worker_publishes(app, make_user, redis_url):
    app.config.update(JOBS_RUN_AT_ONCE=False, JOBS_REDIS_URL=redis_url)
    post = Post.publish(make_user("wendy"), "Overdue", "Through RQ.", publish_at=an_hour_ago())
    connection = redis_connection(app)
    cron = rq_cron_scheduler(app, connection)
    assert sorted(job.func_name for job in cron.get_jobs()) == [
        "site_app.scheduler.publish_due_job",
        "site_app.scheduler.repair_counts_job",
    ]
    [enqueued] = cron.enqueue_jobs()  # the minute job at once; the daily one waits for 03:30
    assert enqueued.func_name == "site_app.scheduler.publish_due_job"
    assert post.reload().draft is True  # enqueued, not run

    SimpleWorker([rq_queue(app, connection)], connection=connection).work(burst=True)
    assert post.reload().draft is False
    assert cron.enqueue_jobs() == []  # the next run is a minute away


def test_the_worker_without_redis_says_the_web_process_runs_the_timetable(app, runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "jobs and the timetable run inside the web process" in result.output


@pytest.mark.embedded_only("the queue is Redis: one lane is enough")
def test_the_worker_starts_rqs_cron_in_a_child_that_enqueues_at_once(app, make_user, redis_url):
    """What ``flask worker`` starts beside the worker: a forked process
    running RQ's cron scheduler, which enqueues publish-due on start."""
    from site_app.scheduler import start_rq_cron

    app.config.update(JOBS_RUN_AT_ONCE=False, JOBS_REDIS_URL=redis_url)
    post = Post.publish(make_user("wendy"), "Overdue", "Through the child.", publish_at=an_hour_ago())
    child = start_rq_cron(app)
    try:
        queue = rq_queue(app)
        assert wait_for(lambda: queue.count == 1)
        assert child.is_alive()
    finally:
        child.terminate()
        child.join(10)
    assert child.exitcode is not None
    connection = redis_connection(app)
    SimpleWorker([rq_queue(app, connection)], connection=connection).work(burst=True)
    assert post.reload().draft is False
