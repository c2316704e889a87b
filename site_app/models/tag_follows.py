"""Tags a reader follows: their posts join the reader's Followed tab.

The tags live on the reader's own document (``User.followed_tags``), so the
feed needs no further read to learn them; they are bounded
(``FOLLOWED_TAGS_MAX``) because the followed feed asks for every one of them
in the same sorted query (``followed_feed.py``) and the account document is
read on every signed-in request. No shared page shows them, so a
follow announces nothing to the page cache.
"""

from .tags import TAG_MAX, normalise_tag  # noqa: F401 (TAG_MAX: the field on User)

FOLLOWED_TAGS_MAX = 50


class TooManyFollowedTags(ValueError):
    def __init__(self):
        super().__init__(f"You can follow at most {FOLLOWED_TAGS_MAX} tags; unfollow one to follow another.")


class TagFollows:
    """What ``User`` knows about followed tags (a mixin: the field is
    declared on ``User``)."""

    def is_following_tag(self, tag):
        return tag in (self.followed_tags or [])

    def follow_tag(self, tag):
        """Follow ``tag``: one conditional ``$push`` (idempotent, and bounded
        inside the update, so racing clicks cannot pass the limit). Raises
        :class:`TooManyFollowedTags`."""
        tag = normalise_tag(tag)
        if not tag:
            raise ValueError("not a tag")
        room = {f"followed_tags.{FOLLOWED_TAGS_MAX - 1}": {"$exists": False}}
        pushed = (
            type(self)
            .objects(id=self.id, followed_tags__ne=tag, __raw__=room)
            .update_one(push__followed_tags=tag)
        )
        self.reload("followed_tags")
        if not pushed and not self.is_following_tag(tag):
            raise TooManyFollowedTags()

    def unfollow_tag(self, tag):
        type(self).objects(id=self.id).update_one(pull__followed_tags=tag)
        self.reload("followed_tags")
