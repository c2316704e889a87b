"""Sending the site's email (confirmations, password resets, email changes).

One function, ``send_email``, renders a text and an HTML part from
``templates/email/<name>.txt|html`` and hands the message to Flask-Mail:

- as a background job (site_app/jobs.py: RQ in production, a thread on the
  embedded default), so a slow mail server never slows a page down and a
  recycled web worker loses no mail; under testing the job runs at once, so
  ``email_dispatched`` fires before the request returns;
- in development with no ``MAIL_SERVER``, the message is written to the log
  instead, links included, so a developer can click them.

A failure to deliver (mail server down, connection refused) is logged and
never reaches the user: the job is retried with backoff, the account is
saved and the email can be resent.
"""

import logging
import smtplib
from contextlib import nullcontext

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from .extensions import mail
from .i18n import supported
from .jobs import enqueue

log = logging.getLogger(__name__)


def send_email(to, subject, template, **context):
    """Send ``template`` (without extension) to ``to``; returns the message.
    ``subject`` is a lazy string (``lazy_gettext``): it, and both parts,
    are written in the language the recipient chose (``user.locale``),
    else the one of the page that sent it."""
    app = current_app._get_current_object()
    with _in_language_of(context.get("user")):
        message = Message(
            subject=f"{app.config['SITE_MAIL_SUBJECT_PREFIX']} {subject}".strip(),
            sender=app.config["SITE_MAIL_SENDER"],
            recipients=[to],
        )
        message.body = render_template(f"email/{template}.txt", **context)
        message.html = render_template(f"email/{template}.html", **context)

    if not app.config.get("MAIL_SERVER") and not app.config.get("MAIL_SUPPRESS_SEND"):
        _write_to_log(app, message)
    else:
        enqueue("site_app.email.deliver_email", _as_plain_data(message))
    return message


def _in_language_of(user):
    chosen = supported(getattr(user, "locale", None))
    return force_locale(chosen) if chosen else nullcontext()


def _as_plain_data(message):
    return {
        "subject": message.subject,
        "sender": message.sender,
        "recipients": list(message.recipients),
        "body": message.body,
        "html": message.html,
    }


def deliver_email(fields):
    """The job: hand one message to the mail server (raises so it is retried)."""
    message = Message(**fields)
    try:
        mail.send(message)
    except (smtplib.SMTPException, OSError):
        # Logged with the recipient only: the body holds a secret link.
        log.error("could not send %r to %s", message.subject, ", ".join(message.recipients))
        raise


def _write_to_log(app, message):
    if app.config.get("CONFIG_NAME") == "development":
        log.warning(
            "MAIL_SERVER is not set, so this email was not sent:\nTo: %s\nSubject: %s\n\n%s",
            ", ".join(message.recipients),
            message.subject,
            message.body,
        )
    else:
        # Outside development the body (with its secret link) stays out of
        # the log; the operator learns what to configure.
        log.error(
            "MAIL_SERVER is not set: email %r to %s was not sent",
            message.subject,
            ", ".join(message.recipients),
        )
