"""The daily email digest of unread notifications, off by default
(``NOTIFICATION_DIGEST``). Run it once a day, e.g. from cron:
``flask --app site_app notifications digest``."""

from datetime import timedelta

import click
from flask import current_app
from flask_babel import lazy_ngettext

from ..email import send_email
from ..models import Notification, User, utcnow
from ..public_address import site_url_for
from . import notifications
from .views import with_subjects

# Notifications listed in one email; the rest are counted and linked.
SHOWN = 10


def readers_to_tell(since):
    """``(recipient id, [notification ids, newest first], count)`` for each
    reader with notifications unread since ``since``: one aggregation,
    served by the TTL index on ``created``."""
    return Notification._get_collection().aggregate(
        [
            {"$match": {"created": {"$gte": since}}},  # a range on the TTL index
            {"$match": {"read": False}},
            {"$sort": {"created": -1}},
            {"$group": {"_id": "$recipient", "ids": {"$push": "$_id"}, "count": {"$sum": 1}}},
        ]
    )


def send_digests(since):
    """One email to each reader with unread notifications since ``since``;
    returns how many were sent."""
    sent = 0
    for row in readers_to_tell(since):
        user = User.objects(id=row["_id"]).first()
        if user is None or not user.confirmed or not user.is_active:
            continue
        shown = list(Notification.objects(id__in=row["ids"][:SHOWN]).order_by("-created"))
        send_email(
            user.email,
            lazy_ngettext(
                "%(num)d new on %(site)s",
                "%(num)d new on %(site)s",
                row["count"],
                site=current_app.config["SITE_NAME"],
            ),
            "digest",
            user=user,
            told=with_subjects(shown),
            count=row["count"],
            url=site_url_for("notifications.index"),
        )
        sent += 1
    return sent


@notifications.cli.command("digest")
@click.option(
    "--hours", default=24, show_default=True, help="tell of notifications unread and newer than this"
)
def digest_command(hours):
    """Email each reader their unread notifications of the last day."""
    if not current_app.config["NOTIFICATION_DIGEST"]:
        click.echo("NOTIFICATION_DIGEST is off: no digest sent.")
        return
    sent = send_digests(utcnow() - timedelta(hours=hours))
    click.echo(f"{sent} digest{'' if sent == 1 else 's'} sent.")
