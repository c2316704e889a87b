"""Who follows whom: references in the follower's user document
(``following``, changed with atomic ``$push`` / ``$pull``), and the counts
kept beside them. Mixed into ``User``."""
from ..pagination import Page, clamp_page
from .references import reference_id, stored_reference
from .signals import content_changed, user_followed


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

    def following_page(self, page, per_page):
        """One page of the ids followed, in the order followed: only that
        slice of the array is read (``$slice``), however many it holds."""
        page = clamp_page(page, self.following_count, per_page)
        row = type(self)._get_collection().find_one(
            {"_id": self.id}, {"following": {"$slice": [(page - 1) * per_page, per_page]}})
        ids = [reference_id(ref) for ref in (row or {}).get("following") or []]
        return Page(ids, page, per_page, self.following_count)

    def following_ids(self):
        return [reference_id(ref) for ref in self._following_refs()]

    def follow(self, user):
        """Follow ``user``; idempotent and atomic: the update matches only
        while ``user`` is not followed, so only a new follow is announced
        (and counted)."""
        if user is None or user.id == self.id:
            raise ValueError("you cannot follow yourself")
        if type(self).objects(id=self.id, following__ne=user.id).update_one(
                push__following=user, inc__following_total=1):
            type(self).objects(id=user.id).update_one(inc__followers_total=1)
            user_followed.send(type(self), follower=self.id, followed=user.id)
        self._reload_follows()
        content_changed.send(type(self), author=[self.id, user.id])  # counts and lists of both

    def unfollow(self, user):
        if type(self).objects(id=self.id, following=user.id).update_one(
                pull__following=user, dec__following_total=1):
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
