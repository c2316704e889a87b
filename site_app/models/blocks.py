"""Blocking and muting a member: rules between two readers.

A block keeps a member away from you: they cannot follow you (and stop
following you when blocked), comment on or reply to your posts, like them
or mention you (the mention tells you nothing). A mute only hides them from
your own pages: their posts, comments and notifications.

Each is one small document ``{owner, other, kind}`` in a collection of its
own, not a list on the account: the account document is read on every
signed-in request and is near its size budget, and "does ann block bob"
is one indexed lookup. Both lists are bounded (``MAX_PER_KIND``), so the
ids a page filters by stay few.
"""

from mongoengine.errors import NotUniqueError

from ..extensions import db
from .comments import CommentsClosed
from .notifications import Notification
from .users import User, utcnow

KINDS = ("block", "mute")
MAX_PER_KIND = 1000


class TooManyRules(ValueError):
    def __init__(self, kind):
        super().__init__(f"You can {kind} at most {MAX_PER_KIND} members; un{kind} one to {kind} another.")


class BlockedByAuthor(CommentsClosed):
    """The post's author blocks the one commenting."""

    def __str__(self):
        return "The author of this post does not take comments from you."


class BlockRules:
    """Mixed into ``Post`` before ``CommentsOfAPost``: no comment or reply
    on the post of an author who blocks the commenter."""

    def add_comment(self, author, body, parent_id=None, **options):
        if blocks(self.author_id, author.id):
            raise BlockedByAuthor()
        return super().add_comment(author, body, parent_id=parent_id, **options)


class MemberRule(db.Document):
    owner = db.ObjectIdField(required=True)  # who blocks or mutes
    other = db.ObjectIdField(required=True)  # whom
    kind = db.StringField(required=True, choices=KINDS)
    created = db.DateTimeField(default=utcnow)

    meta = {
        "collection": "member_rules",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [
            # one rule of a kind a pair; the owner's list (settings, muted ids)
            {"fields": ["owner", "kind", "other"], "unique": True},
            ("owner", "kind", "-created"),
            "other",  # forgotten with a deleted account
        ],
    }


def _add(owner, other, kind):
    """True when the rule is new. Raises :class:`TooManyRules` at the bound,
    ``ValueError`` for oneself."""
    if owner.id == other.id:
        raise ValueError(f"You cannot {kind} yourself.")
    if MemberRule.objects(owner=owner.id, kind=kind).count() >= MAX_PER_KIND:
        raise TooManyRules(kind)
    try:
        MemberRule(owner=owner.id, other=other.id, kind=kind).save(force_insert=True)
    except NotUniqueError:
        return False
    return True


def _remove(owner, other, kind):
    return bool(MemberRule.objects(owner=owner.id, other=other.id, kind=kind).delete())


def _forget_told(owner, other):
    """What ``other`` told ``owner`` goes from their notifications: a block or
    a mute silences them from now on, and this clears what came before."""
    Notification.objects(recipient=owner.id, actor=other.id).delete()


def block(owner, other):
    """``owner`` blocks ``other``, who stops following them (their follower
    count and ``other``'s following list change: both profiles)."""
    added = _add(owner, other, "block")
    _forget_told(owner, other)
    other.unfollow(owner)  # the counts kept beside the follows stay exact
    return added


def unblock(owner, other):
    return _remove(owner, other, "block")


def mute(owner, other):
    added = _add(owner, other, "mute")
    _forget_told(owner, other)
    return added


def unmute(owner, other):
    return _remove(owner, other, "mute")


def blocks(owner_id, other_id):
    """True when ``owner_id`` blocks ``other_id`` (one indexed lookup)."""
    if owner_id is None or other_id is None or owner_id == other_id:
        return False
    return MemberRule.objects(owner=owner_id, kind="block", other=other_id).first() is not None


def silenced_by(owner_ids, other_id):
    """Which of ``owner_ids`` block or mute ``other_id``: they are told
    nothing of what ``other_id`` does (one query, however many)."""
    ids = [oid for oid in owner_ids if oid is not None]
    if not ids or other_id is None:
        return set()
    rows = MemberRule.objects(owner__in=ids, kind__in=KINDS, other=other_id).only("owner")
    return {row.owner for row in rows}


def muted_ids(owner_id):
    """The ids ``owner_id`` mutes (bounded by ``MAX_PER_KIND``)."""
    if owner_id is None:
        return frozenset()
    rows = MemberRule.objects(owner=owner_id, kind="mute").only("other").as_pymongo()
    return frozenset(row["other"] for row in rows)


def rules_of(owner_id, kind):
    """``[(user, since)]`` of the members ``owner_id`` blocks or mutes, newest first."""
    rules = list(MemberRule.objects(owner=owner_id, kind=kind).order_by("-created").only("other", "created"))
    others = User.objects(id__in=[r.other for r in rules]).only("username", "name")
    users = {u.id: u for u in others}
    return [(users[r.other], r.created) for r in rules if r.other in users]


def forget_member(user_id):
    """A deleted account's rules, both ways."""
    MemberRule.objects(owner=user_id).delete()
    MemberRule.objects(other=user_id).delete()


def rules_between(owner_id, other_id):
    """``{"block", "mute"}``: the rules ``owner_id`` holds on ``other_id``."""
    if owner_id is None or other_id is None:
        return set()
    return {
        rule.kind for rule in MemberRule.objects(owner=owner_id, kind__in=KINDS, other=other_id).only("kind")
    }
