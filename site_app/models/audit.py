"""What moderators and administrators did: who, what and when.

One document an action (hiding or deleting a comment, disabling or enabling
an account, a role change, a report's decision), written after the action
succeeded and never changed. A TTL index drops entries after a year.
"""

from ..extensions import db
from .users import utcnow

KEEP_DAYS = 365
ACTIONS = (
    "hide comment",
    "show comment",
    "delete comment",
    "delete post",
    "unpublish post",
    "disable account",
    "enable account",
    "change role",
    "dismiss reports",
    "retry job",
)


class AuditEntry(db.Document):
    actor = db.ObjectIdField(required=True)
    actor_name = db.StringField(max_length=64)  # kept readable after a rename or deletion
    action = db.StringField(required=True, choices=ACTIONS)
    target = db.StringField(required=True, max_length=120)  # "comment:<id>", "user:<name>" ...
    detail = db.StringField(max_length=300)
    created = db.DateTimeField(default=utcnow)

    meta = {
        "collection": "audit_log",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [
            ("-created", "-id"),  # the admin's list, newest first
            ("action", "-created", "-id"),  # the admin's filter by action
            ("actor", "-created"),
            {"fields": ["created"], "expireAfterSeconds": KEEP_DAYS * 24 * 3600, "name": "audit_log_ttl"},
        ],
    }

    @classmethod
    def record(cls, actor, action, target, detail=""):
        """Store one action of ``actor`` (a user) on ``target``."""
        return cls(
            actor=actor.id,
            actor_name=actor.username,
            action=action,
            target=str(target)[:120],
            detail=(detail or "")[:300],
        ).save()
