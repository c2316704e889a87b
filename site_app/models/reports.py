"""Readers reporting a post, a comment or a member, and moderators deciding.

A report names its target as text (``post:<id>``, ``comment:<id>``,
``user:<username>``, as the form sends it), stored by the target's id so a
renamed member's reports stay together. While a report is open it carries
``open_key`` (reporter and target): a unique sparse index makes a second
open report by one reader on one target impossible, however many clicks;
a decided report drops the key, so the reader may report the target again
later. A decision closes every open report on the target at once and tells
each reporter (a ``report`` notification).
"""

from collections import namedtuple

from bson import ObjectId
from mongoengine.errors import NotUniqueError

from ..extensions import db
from ..text import plain_text
from .audit import AuditEntry
from .comments import as_object_id
from .notifications import Notification
from .posts import Post
from .roles import Permission
from .users import User, utcnow

REASONS = (
    ("spam", "Spam or advertising"),
    ("harassment", "Harassment or hate"),
    ("off-topic", "Off-topic"),
    ("other", "Something else"),
)
NOTE_MAX = 500
# What a moderator may do with each kind of target (dismiss: nothing wrong).
DECISIONS = {
    "post": ("unpublish", "delete", "disable", "dismiss"),
    "comment": ("hide", "delete", "disable", "dismiss"),
    "user": ("disable", "dismiss"),
}
QUEUE_SIZE = 20  # targets the queue shows at once, most reported first


class AlreadyReported(ValueError):
    def __init__(self):
        super().__init__("You have reported this already; a moderator will look at it.")


# What a report is about, found: ``key`` as stored ("post:<id>"), the text
# shown to moderators, whose words they are, and where they are.
Target = namedtuple("Target", "key kind label author_id post_id comment_id username")


def find_target(text):
    """The :class:`Target` ``text`` names, or ``None`` when it names nothing
    a reader can see (unknown, malformed, a draft, a deleted comment)."""
    kind, _, ident = (text or "").partition(":")
    if kind == "user":
        user = User.objects(username=ident).only("username").first() if ident else None
        return user and Target(
            f"user:{user.id}", "user", f"@{user.username}", user.id, None, None, user.username
        )
    oid = as_object_id(ident) if ObjectId.is_valid(ident or "") else None
    if oid is None:
        return None
    if kind == "post":
        post = Post.published().filter(id=oid).only("title", "author").first()
        return post and Target(f"post:{post.id}", "post", post.title, post.author_id, post.id, None, None)
    if kind == "comment":
        entry = Post.find_comment(oid)
        if entry is None or entry.comment.deleted:
            return None
        return Target(
            f"comment:{oid}",
            "comment",
            entry.comment.body[:200],
            entry.comment.author_id,
            entry.post_id,
            oid,
            None,
        )
    return None


def stored_target(key):
    """The :class:`Target` of a stored key (members by id: a rename keeps
    their reports together), or ``None`` when it is gone."""
    kind, _, ident = key.partition(":")
    if kind != "user":
        return find_target(key)
    user = User.objects(id=as_object_id(ident)).only("username").first()
    return user and find_target(f"user:{user.username}")


class Report(db.Document):
    reporter = db.ObjectIdField(required=True)
    target = db.StringField(required=True, max_length=40)  # Target.key
    author = db.ObjectIdField()  # whose post, comment or account it is
    reason = db.StringField(required=True, choices=[code for code, _ in REASONS])
    note = db.StringField(max_length=NOTE_MAX, validation=plain_text)
    created = db.DateTimeField(default=utcnow)
    open_key = db.StringField()  # "<reporter>:<target>" while open
    decision = db.StringField()
    decided_by = db.ObjectIdField()
    decided = db.DateTimeField()

    meta = {
        "collection": "reports",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [
            {"fields": ["open_key"], "unique": True, "sparse": True},
            ("decision", "created"),  # the queue: the open reports (decision null)
            ("target", "decision"),  # one target's open reports, when decided
            "reporter",
            {"fields": ["author"], "sparse": True},  # reports on a deleted account's work
        ],
    }

    @classmethod
    def file(cls, reporter, target, reason, note=""):
        """``reporter`` reports ``target`` (a :class:`Target`). Raises
        :class:`AlreadyReported` while their last report on it is open."""
        report = cls(
            reporter=reporter.id,
            target=target.key,
            author=target.author_id,
            reason=reason,
            note=note or None,
            open_key=f"{reporter.id}:{target.key}",
        )
        try:
            return report.save(force_insert=True)
        except NotUniqueError:
            raise AlreadyReported() from None

    @classmethod
    def open_groups(cls):
        """The open reports grouped by target, most reported first: dicts of
        ``target``, ``count``, ``reasons``, ``notes``, ``first``, ``author``."""
        rows = cls._get_collection().aggregate(
            [
                {"$match": {"decision": None}},
                {
                    "$group": {
                        "_id": "$target",
                        "count": {"$sum": 1},
                        "reasons": {"$addToSet": "$reason"},
                        "notes": {"$push": "$note"},
                        "first": {"$min": "$created"},
                        "author": {"$first": "$author"},
                    }
                },
                {"$sort": {"count": -1, "first": 1, "_id": 1}},
                {"$limit": QUEUE_SIZE},
            ]
        )
        return [
            dict(
                row,
                target=row["_id"],
                reasons=sorted(row["reasons"]),
                notes=[n for n in row["notes"] if n][:5],
            )
            for row in rows
        ]

    @classmethod
    def open_count(cls):
        return cls.objects(decision=None).count()

    @classmethod
    def close(cls, key, decision, moderator, post_id=None, comment_id=None):
        """Close every open report on ``key`` with ``decision`` and tell each
        reporter; returns how many were closed."""
        open_reports = list(cls.objects(target=key, decision=None).only("reporter"))
        if not open_reports:
            return 0
        now = utcnow()
        cls.objects(id__in=[r.id for r in open_reports], decision=None).update(
            set__decision=decision, set__decided_by=moderator.id, set__decided=now, unset__open_key=True
        )
        for report in open_reports:
            Notification.notify_report_handled(
                report.reporter, moderator.id, report.id, post=post_id, comment=comment_id
            )
        return len(open_reports)


# -- a moderator's decision ----------------------------------------------------
_AUDITED = {
    "unpublish": "unpublish post",
    "delete": None,
    "hide": "hide comment",
    "disable": "disable account",
    "dismiss": "dismiss reports",
}


def _apply(target, decision, moderator):
    """Carry out ``decision`` on ``target``; False when there is nothing to
    act on, or the moderator may not (only an administrator disables staff)."""
    if decision == "dismiss":
        return True
    if decision == "disable":
        author = User.objects(id=target.author_id).first()
        if author is None or (author.can(Permission.MODERATE) and not moderator.is_administrator()):
            return False
        if not author.disabled:
            author.disable()
        return True
    if target.kind == "comment":
        if decision == "hide":
            return Post.set_comment_disabled(target.comment_id, True)
        return Post.delete_comment(target.comment_id)
    post = Post.by_id(target.post_id)
    if post is None:
        return False
    if decision == "unpublish":
        post.unpublish()
    else:
        post.remove()
    return True


def decide(key, decision, moderator):
    """Act on the target of ``key`` and close its open reports, telling the
    reporters; every step is in the audit log. Returns how many reports were
    closed, or ``None`` when ``decision`` does not fit the target (or it is
    gone, and only dismissing is left)."""
    target = stored_target(key)
    kind = key.partition(":")[0]
    if decision not in DECISIONS.get(kind, ()):
        return None
    if target is None and decision != "dismiss":
        return None
    if target is not None and not _apply(target, decision, moderator):
        return None
    action = _AUDITED[decision] or f"delete {kind}"
    label = target.label if target else "(gone)"
    AuditEntry.record(moderator, action, key, f"on reports: {label}")
    comment_id = target.comment_id if target else None
    post_id = target.post_id if target and decision not in ("delete", "unpublish") else None
    return Report.close(
        key, decision, moderator, post_id=post_id, comment_id=comment_id if decision != "delete" else None
    )
