"""Revisions: the text a save of a published post replaced.

They live in their own ``revisions`` collection, not inside the post: the
post's 16 MiB budget belongs to its comments (models/sizes.py). A post keeps
at most ``MAX_REVISIONS`` of them, the oldest pruned as a new one arrives;
they go with their post (connected in models/posts.py).
"""

import difflib

from flask import current_app

from ..extensions import db
from .comments import as_object_id
from .details import DETAILS
from .sizes import bson_size
from .users import utcnow

# What a revision keeps of a post: its text and the writer's details.
TEXT_FIELDS = ("title", "body", "tags", *DETAILS)


class Revision(db.Document):
    post = db.ObjectIdField(required=True)
    created = db.DateTimeField(default=utcnow)  # when this text was replaced
    title = db.StringField()
    subtitle = db.StringField()
    custom_excerpt = db.StringField()
    canonical_url = db.StringField()
    cover = db.ObjectIdField()
    lang = db.StringField()
    body = db.StringField()
    tags = db.ListField(field=db.StringField())
    size = db.IntField()  # BSON bytes of the text kept

    meta = {
        "collection": "revisions",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [("post", "-created", "-id")],  # a post's revisions, newest first; pruning
    }

    @classmethod
    def of_text(cls, post):
        """An unsaved revision holding the post's text as it stands."""
        text = {name: getattr(post, name) for name in TEXT_FIELDS}
        text["tags"] = list(text["tags"] or [])
        revision = cls(post=post.id, **text)
        revision.size = bson_size({k: v for k, v in text.items() if v is not None})
        return revision

    def keep(self):
        """Store the revision and prune its post's beyond ``MAX_REVISIONS``."""
        self.created = utcnow()
        self.save()
        limit = current_app.config["MAX_REVISIONS"]
        stale = [r.id for r in Revision.of_post(self.post).only("id").skip(limit)]
        if stale:
            Revision.objects(id__in=stale).delete()

    @classmethod
    def of_post(cls, post_id):
        """A post's revisions, newest first."""
        return cls.objects(post=post_id).order_by("-created", "-id")

    @classmethod
    def find(cls, post_id, revision_id):
        """One revision of the post, or ``None`` (unknown or malformed id)."""
        oid = as_object_id(revision_id)
        return cls.objects(post=post_id, id=oid).first() if oid else None

    @classmethod
    def forget_post(cls, sender, document, **_):
        """``post_delete`` listener: a deleted post's revisions go with it."""
        cls.objects(post=document.id).delete()

    def details(self):
        """The writer's details as ``Post.edit`` takes them (empty clears)."""
        return {name: getattr(self, name) or "" for name in DETAILS}

    def diff_against(self, post):
        """The lines of a unified diff from this revision to the post's
        current text: ``(kind, line)``, kind one of ``"added"``,
        ``"removed"``, ``"context"``, ``"hunk"``."""
        lines = difflib.unified_diff(
            readable_text(self), readable_text(post), "revision", "current", lineterm="", n=3
        )
        return [(_kind(line), line) for line in list(lines)[2:]]


def readable_text(item):
    """A post's or revision's text as lines a diff compares."""
    head = [f"Title: {item.title}"]
    for label, name in (
        ("Subtitle", "subtitle"),
        ("Excerpt", "custom_excerpt"),
        ("Canonical URL", "canonical_url"),
        ("Cover", "cover"),
    ):
        if getattr(item, name):
            head.append(f"{label}: {getattr(item, name)}")
    head.append("Tags: " + ", ".join(item.tags or []))
    return [*head, "", *(item.body or "").splitlines()]


def _kind(line):
    if line.startswith("@@"):
        return "hunk"
    return {"+": "added", "-": "removed"}.get(line[:1], "context")
