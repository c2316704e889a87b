"""Scheduled publishing: a draft with a ``publish_at`` time is published
when that time comes, by ``Post.publish_due`` (``flask publish-due``, and
the scheduler that calls it every minute: site_app/scheduler.py).

Times arrive as the writer's local time (the form's ``datetime-local``
field, with the browser's IANA zone in a hidden field filled by
``static/js/publish-at.js``; without it, the page says the time is read as
UTC) or as ISO 8601 with an offset (the API); they are stored as naive UTC,
as MongoDB keeps dates.

A time that has passed is refused rather than published at once: the
writer asked for later, and publishing now by surprise cannot be undone
for the followers already told. The minute being chosen is still accepted
(a ``datetime-local`` field has no seconds) and published at the next run.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import gettext as _

from .users import utcnow

# Due posts read at once by ``publish_due`` (it goes on until none is left).
DUE_BATCH = 100
# The minute a writer picks is not "past" before it is over.
PAST_GRACE = timedelta(minutes=1)
# Far enough ahead for any plan; beyond it a typo (year 20266) is likelier.
FUTURE_MAX = timedelta(days=5 * 366)
ZONE_MAX = 64  # the longest IANA names are about 32 characters
# ``Post.edit(publish_at=KEEP)``: the schedule stays as it is.
KEEP = object()


class BadPublishTime(ValueError):
    """A ``publish_at`` that cannot be a time to publish at (the message says why)."""


def publish_time(text, zone=None, now=None, stored=None):
    """The naive UTC time ``text`` names, or ``None`` when it is empty.

    ``text``: ISO 8601 (``2026-12-24T09:30``, seconds and an offset
    optional); without an offset it is read in ``zone`` (an IANA name such
    as ``Europe/Madrid``), else in UTC. The draft's ``stored`` time sent
    back unchanged is kept even if it has just passed (saved before the
    next run published it). Raises :class:`BadPublishTime`.
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise BadPublishTime(
            _("“%(text)s” is not a date and time: write it as 2026-12-24T09:30.", text=text[:40])
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_zone(zone))
    try:
        utc = when.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # year 9999 in a zone ahead of UTC
        utc = datetime.max
    now = now or utcnow()
    if stored is not None and utc == stored.replace(second=0, microsecond=0):
        return stored
    if utc < now - PAST_GRACE:
        raise BadPublishTime(_("That time has passed: choose a later one, or leave it empty to publish now."))
    if utc > now + FUTURE_MAX:
        raise BadPublishTime(_("That is more than five years ahead: check the year."))
    return utc.replace(microsecond=0)


def _zone(name):
    if not name:
        return UTC
    try:
        return ZoneInfo(str(name)[:ZONE_MAX])
    except (ZoneInfoNotFoundError, ValueError):
        raise BadPublishTime(_("Unknown time zone “%(name)s”.", name=str(name)[:40])) from None


class Schedule:
    """What ``Post`` knows about its publication time (a mixin: the
    ``publish_at`` field and its index are declared on ``Post``)."""

    @property
    def scheduled(self):
        """A draft waiting for its time."""
        return bool(self.draft and self.publish_at)

    def schedule_changes(self, publish_at):
        """The update fields for a new schedule (``None``: none; ``KEEP``:
        as it is). Only drafts wait for a time; a published post has none."""
        if publish_at is KEEP or not self.draft:
            return {}
        self.publish_at = publish_at
        return {"set__publish_at": publish_at} if publish_at else {"unset__publish_at": True}

    def unschedule(self):
        """Cancel the schedule: the post stays its writer's draft."""
        type(self).objects(id=self.id, draft=True).update_one(unset__publish_at=True)
        self.publish_at = None

    @classmethod
    def due(cls, now):
        """Drafts whose time has come, oldest time first (the
        ``scheduled_drafts`` index: drafts only)."""
        return (
            cls.objects(draft=True, publish_at__lte=now)
            .exclude("comments")
            .order_by("publish_at")
            .limit(DUE_BATCH)
        )

    @classmethod
    def publish_due(cls, now=None):
        """Publish every draft whose time has come, each once however many
        runs overlap (``publish_draft`` is one conditional update); how many
        this run published. A time that passed while nothing ran is simply due."""
        now = now or utcnow()
        published = 0
        while True:
            # Each post read leaves the query (published here or elsewhere, or
            # moved to a later time), so this ends.
            due = list(cls.due(now))
            for post in due:
                published += post.publish_draft(due_by=now)
            if len(due) < DUE_BATCH:
                return published
