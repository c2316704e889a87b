"""Drafts: posts saved without being published.

A draft is its author's (and the administrators') alone: every list of
posts starts from :meth:`Drafts.published`, so no listing, feed, search,
sitemap or API list shows one, and the pages answer 404 to anyone else
(:meth:`Drafts.can_be_read_by`). Publishing a draft dates the post then.

A published post does not go back to being a draft: readers may have
commented on it, linked to it or read it in their feed reader. Comments on
a draft are refused (``Post.add_comment``), so a draft never has any and
the comment queues need no draft rule.
"""
from .users import utcnow

# Posts stored before drafts existed have no ``draft`` field: published.
# An ``$in`` of two points, so an index on ``draft`` still serves the
# newest-first sort (MongoDB merges the two sorted ranges).
PUBLISHED = [False, None]


class AlreadyPublished(ValueError):
    """A published post asked to become a draft again."""

    def __init__(self):
        super().__init__("This post is published; it cannot go back to being a draft.")


class Drafts:
    """What ``Post`` knows about drafts (a mixin: the ``draft`` field and
    the indexes that serve these queries are declared on ``Post``)."""

    @classmethod
    def published(cls):
        """Every published post: the one start of every public list."""
        return cls.objects(draft__in=PUBLISHED)

    @classmethod
    def drafts_of(cls, author):
        """An author's drafts, newest first (the ``/drafts`` page)."""
        return (cls.objects(author=author, draft=True).exclude("comments")
                .order_by("-timestamp", "-id"))

    @classmethod
    def drafts_alone_using(cls, file_id):
        """The drafts that use file ``file_id`` when no published post does
        (its images are then theirs alone), else none. Both on the ``files``
        index; a few drafts are enough to decide who may read it."""
        if cls.published().filter(files=file_id).only("id").first() is not None:
            return []
        return list(cls.objects(files=file_id).only("author", "draft").limit(10))

    def can_be_read_by(self, user):
        """Published posts are everyone's; a draft its editors' only."""
        return not self.draft or self.can_be_edited_by(user)

    def publication_changes(self, draft):
        """The update fields that move the post to ``draft`` (``None``: as
        it is); publishing a draft gives it the publication time. Raises
        :class:`AlreadyPublished` for a published post made a draft."""
        if draft is None or bool(draft) == bool(self.draft):
            return {}
        if draft:
            raise AlreadyPublished()
        self.draft, self.timestamp = False, utcnow()
        return {"set__draft": False, "set__timestamp": self.timestamp}
