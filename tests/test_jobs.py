"""Background jobs (site_app/jobs.py) on the embedded default: a thread in
the same process, retried with backoff; mail goes through it."""

import threading

from flask_mail import email_dispatched

from site_app.extensions import mail

PASSWORD = "correct horse battery"


def _app(make_app, **overrides):
    app = make_app(JOBS_RUN_AT_ONCE=False, MAIL_SUPPRESS_SEND=True, MAIL_SERVER="127.0.0.1", **overrides)
    return app


def _register(client):
    return client.post(
        "/auth/register",
        data={"email": "ann@example.com", "username": "ann", "password": PASSWORD, "password2": PASSWORD},
    )


def _catching_mail():
    sent, arrived = [], threading.Event()

    def on_dispatch(app, message):
        sent.append(message)
        arrived.set()

    email_dispatched.connect(on_dispatch)
    return sent, arrived, on_dispatch


def test_the_confirmation_mail_is_sent_by_the_in_process_worker_after_the_page(make_app):
    app = _app(make_app)
    sent, arrived, handler = _catching_mail()
    try:
        response = _register(app.test_client())
        assert response.status_code == 302
        assert arrived.wait(5)
    finally:
        email_dispatched.disconnect(handler)
    assert [message.recipients for message in sent] == [["ann@example.com"]]
    assert "Confirm your account" in sent[0].subject


def test_a_mail_server_that_fails_once_gets_the_mail_on_the_retry(monkeypatch, make_app):
    app = _app(make_app, JOBS_RETRY_INTERVALS=(0, 0))
    real_send, attempts = mail.send, []

    def down_once(message):
        attempts.append(message.recipients)
        if len(attempts) == 1:
            raise ConnectionRefusedError("the mail server is restarting")
        real_send(message)

    monkeypatch.setattr(mail, "send", down_once)
    sent, arrived, handler = _catching_mail()
    try:
        assert _register(app.test_client()).status_code == 302
        assert arrived.wait(5)
    finally:
        email_dispatched.disconnect(handler)
    assert len(attempts) == 2
    assert [message.recipients for message in sent] == [["ann@example.com"]]


def test_a_job_that_keeps_failing_stops_after_its_retries(monkeypatch, caplog, make_app):
    from site_app.jobs import wait_until_idle

    app = _app(make_app, JOBS_RETRY_INTERVALS=(0, 0))
    attempts = []
    gave_up = threading.Event()

    def always_down(message):
        attempts.append(message.recipients)
        if len(attempts) == 3:
            gave_up.set()
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(mail, "send", always_down)
    assert _register(app.test_client()).status_code == 302
    assert gave_up.wait(5)
    wait_until_idle(app)
    assert len(attempts) == 3  # the first try and two retries, no more
    assert any("could not send" in record.getMessage() for record in caplog.records)
