"""Mailing a published post to its writer's subscribers.

``post_published`` enqueues :func:`send_post`; each run of the job sends one
batch of at most ``MAIL_RATE_PER_MINUTE`` mails over one SMTP connection,
then schedules the next batch a minute later (``jobs.enqueue_in``), taking up
after the last subscriber id it reached. Every mail is claimed first
(``Delivery.claim``, a unique index on post and subscription): a batch that
is run again after a crash or a retry skips whoever was mailed already.
"""

import logging
import re
from urllib.parse import urljoin

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mail import Message
from markupsafe import Markup

from ..extensions import mail
from ..jobs import enqueue, enqueue_in
from ..markup import readable_text
from ..models import Post, User
from ..models.signals import post_published
from ..models.subscriptions import Delivery, Subscription
from ..public_address import site_url_for
from ..tokens import UNSUBSCRIBE, make_token

log = logging.getLogger(__name__)

SEND_JOB = "site_app.subscriptions.sending.send_post"
BATCH_PAUSE_SECONDS = 60
# Sanitised HTML (nh3) quotes every attribute, so the image tags read plainly.
_IMAGE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\b(src|alt)="([^"]*)"')


def connect_signals():
    post_published.connect(_mail_the_subscribers, weak=False)


def _mail_the_subscribers(sender, post, author, **extra):
    enqueue(SEND_JOB, str(post))


def send_post(post_id, after=None):
    """The job: mail post ``post_id`` to the next batch of its writer's
    active subscribers (ids past ``after``), then schedule the next batch."""
    post = Post.objects(id=post_id).exclude("comments").first()
    if post is None or post.draft:  # deleted or unpublished before its turn
        return
    rate = max(1, int(current_app.config["MAIL_RATE_PER_MINUTE"]))
    batch = list(Subscription.active_of(post.author_id, after).only("id", "email").limit(rate))
    if not batch:  # (most writers: no subscribers, and no more reads)
        return
    if not _can_send(current_app.config):
        log.error("MAIL_SERVER is not set: post %s was not mailed to its subscribers", post_id)
        return
    # Subscribers may have no account (no language of their own): every
    # mail is in the site's language, whichever page published the post.
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        letter = Newsletter(post, User.without_follows(id=post.author_id))
        with mail.connect() as connection:
            for subscription in batch:
                _send_once(connection, letter, subscription)
    if len(batch) == rate:
        enqueue_in(BATCH_PAUSE_SECONDS, SEND_JOB, post_id, after=str(batch[-1].id))


def _can_send(config):
    return bool(config.get("MAIL_SERVER") or config.get("MAIL_SUPPRESS_SEND"))


def _send_once(connection, letter, subscription):
    claim = Delivery.claim(letter.post.id, subscription.id)
    if claim is None:
        return  # mailed (or being mailed) by an earlier run
    try:
        connection.send(letter.message_to(subscription))
    except BaseException:
        claim.release()  # not sent: the retry of this job sends it
        raise


class Newsletter:
    """One post as a mail, rendered once and addressed per subscriber."""

    def __init__(self, post, writer):
        self.post, self.writer = post, writer
        config = current_app.config
        self.post_url = site_url_for("posts.post", post_id=post.id)
        self.sender = config["SITE_MAIL_SENDER"]
        self.subject = post.title
        if writer.newsletter_whole_post:
            html = images_as_links(post.body_html or "", config["SITE_URL"])
            self.html, self.text = Markup(html), readable_text(html)
        else:
            self.html = self.text = post.excerpt or ""
        self.whole = bool(writer.newsletter_whole_post)

    def message_to(self, subscription):
        unsubscribe = unsubscribe_url(subscription.id)
        context = {
            "post": self.post,
            "writer": self.writer,
            "post_url": self.post_url,
            "content_html": self.html,
            "content_text": self.text,
            "whole": self.whole,
            "unsubscribe_url": unsubscribe,
        }
        return Message(
            subject=self.subject,
            sender=self.sender,
            recipients=[subscription.email],
            body=render_template("email/newsletter.txt", **context),
            html=render_template("email/newsletter.html", **context),
            # RFC 8058: a mail client may end the subscription with one POST.
            extra_headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )


def unsubscribe_url(subscription_id):
    return site_url_for("subscriptions.unsubscribe", token=make_token(UNSUBSCRIBE, str(subscription_id)))


def images_as_links(html, site_url):
    """Sanitised HTML with each image a link to it (mail clients block
    remote images; a link is read and followed by choice)."""

    def as_link(match):
        attributes = dict(_ATTRIBUTE.findall(match.group(0)))
        href = urljoin(site_url + "/", attributes.get("src", ""))
        label = attributes.get("alt") or _("Image")
        return f'<a href="{href}">[{label}]</a>'

    return _IMAGE.sub(as_link, html)
