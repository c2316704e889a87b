"""Who follows whom: references in the follower's user document
(``following``, changed with atomic ``$push`` / ``$pull``), and the counts
kept beside them. Mixed into ``User``."""

from bson import ObjectId

from ..pagination import KeyedPage
from .references import reference_id, stored_reference
from .signals import content_changed, user_followed


class FollowingPage(KeyedPage):
    """A page of the ids an account follows, as ``keyed_pagination``
    reads it; keys are ``(position, id)`` in the ``following`` array."""

    def __init__(self, items, start, has_prev, has_next):
        super().__init__(items, has_prev and bool(items), has_next and bool(items), field=None)
        self.start = start

    @property
    def prev_args(self):
        return {"before": f"{self.start}-{self.items[0]}"} if self.has_prev else None

    @property
    def next_args(self):
        return {"after": f"{self.start + len(self.items) - 1}-{self.items[-1]}"} if self.has_next else None


def position_key(text):
    """``(position, ObjectId)`` of a following page's key, or ``None``."""
    position, _, oid = (text or "").partition("-")
    if not position.isdigit() or not ObjectId.is_valid(oid):
        return None
    return int(position), ObjectId(oid)


class Follows:
    # A signed-in request loads its user without ``following`` (up to
    # megabytes for a reader following many): ``load_user`` marks it so,
    # and the follows are then asked of the database only where needed.
    _following_excluded = False

    @classmethod
    def without_follows(cls, **filters):
        """The one account ``filters`` select, read without ``following``
        (marked so), or ``None``."""
        user = cls.objects(**filters).exclude("following").first()
        if user is not None:
            user._following_excluded = True
        return user

    def is_following(self, user):
        if user is None:
            return False
        if self._following_excluded:
            return type(self).objects(id=self.id, following=user.id).only("id").first() is not None
        return user.id in self.following_ids()

    def _following_refs(self):
        if self._following_excluded:
            row = type(self).objects(id=self.id).only("following").as_pymongo().first() or {}
            return list(row.get("following") or [])
        return list(stored_reference(self, "following") or [])

    def following_page(self, per_page, after=None, before=None, page=1):
        """One page of the ids followed, in the order followed, by key
        (``after``/``before``: the ``(position, id)`` of the item the page
        follows or precedes; ``page=-1``: the last one). Only a slice of
        the array is read (``$slice``), however many it holds. A follow is
        appended, so positions only move when earlier follows are undone:
        the key's id is looked for in a window reaching ``per_page``
        positions before its old place, and the page starts right after it."""
        if after or before:
            return self._following_beside(after or before, per_page, forward=bool(after))
        if page == -1:
            ids = self._following_slice(-(per_page + 1))
            start = max(0, self.following_count - min(len(ids), per_page))
            return FollowingPage(ids[-per_page:], start, len(ids) > per_page, False)
        start = (max(1, page) - 1) * per_page
        ids = self._following_slice([start, per_page + 1])
        return FollowingPage(ids[:per_page], start, start > 0, len(ids) > per_page)

    def _following_beside(self, key, per_page, forward):
        position, oid = key
        if forward:  # the page after the key: its window, then the page and one more
            first = max(0, position - per_page)
            window = self._following_slice([first, position - first + 1 + per_page + 1])
            at = window.index(oid) if oid in window else position - first
            ids = window[at + 1 :]
            return FollowingPage(ids[:per_page], first + at + 1, True, len(ids) > per_page)
        first = max(0, position - 2 * per_page - 1)
        window = self._following_slice([first, position - first + 1])
        at = window.index(oid) if oid in window else len(window)
        start = max(0, at - per_page)
        return FollowingPage(window[start:at], first + start, first + start > 0, True)

    def _following_slice(self, bounds):
        row = type(self)._get_collection().find_one({"_id": self.id}, {"following": {"$slice": bounds}})
        return [reference_id(ref) for ref in (row or {}).get("following") or []]

    def following_ids(self):
        return [reference_id(ref) for ref in self._following_refs()]

    def follow(self, user):
        """Follow ``user``; idempotent and atomic: the update matches only
        while ``user`` is not followed, so only a new follow is announced
        (and counted)."""
        if user is None or user.id == self.id:
            raise ValueError("you cannot follow yourself")
        if (
            type(self)
            .objects(id=self.id, following__ne=user.id)
            .update_one(push__following=user, inc__following_total=1)
        ):
            type(self).objects(id=user.id).update_one(inc__followers_total=1)
            user_followed.send(type(self), follower=self.id, followed=user.id)
        self._reload_follows()
        content_changed.send(type(self), author=[self.id, user.id])  # counts and lists of both

    def unfollow(self, user):
        if (
            type(self)
            .objects(id=self.id, following=user.id)
            .update_one(pull__following=user, dec__following_total=1)
        ):
            type(self).objects(id=user.id, followers_total__gt=0).update_one(dec__followers_total=1)
        self._reload_follows()
        content_changed.send(type(self), author=[self.id, user.id])

    def _reload_follows(self):
        self.reload("following_total", *(() if self._following_excluded else ("following",)))

    @property
    def following_count(self):
        return self.following_total or 0

    @property
    def followers_count(self):
        """Read fresh (one field of one document, never the followers):
        a page shows it right after a follow by someone else."""
        row = type(self).objects(id=self.id).only("followers_total").as_pymongo().first() or {}
        return row.get("followers_total") or 0

    def followers(self):
        """Who follows this account, by name (``page_by_key(by_name=True)``)."""
        return type(self).objects(following=self.id).order_by("username", "id")
