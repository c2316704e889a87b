"""Drafts: posts saved without being published.

A draft is its author's (and the administrators') alone: every list of
posts starts from :meth:`Drafts.published`, so no listing, feed, search,
sitemap or API list shows one, and the pages answer 404 to anyone else
(:meth:`Drafts.can_be_read_by`). Publishing a draft dates the post then.

A published post goes back to being a draft only on purpose (the page's
Unpublish button, ``"draft": true`` in the API; as Medium and Ghost allow),
never as a side effect of saving it: readers may have commented on it, linked to it or read
it in their feed reader. Its comments are kept for when it is published
again; new comments on a draft are refused (``Post.add_comment``).
"""

from .mentions import Mentions
from .signals import content_changed
from .users import utcnow

# Posts stored before drafts existed have no ``draft`` field: published.
# An ``$in`` of two points, so an index on ``draft`` still serves the
# newest-first sort (MongoDB merges the two sorted ranges).
PUBLISHED = [False, None]
# Posts read to decide who may read a file: one query for any file in use by a few.
_FEW = 10


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
        return cls.objects(author=author, draft=True).exclude("comments").order_by("-timestamp", "-id")

    @classmethod
    def uses_of_file(cls, file_id):
        """``(published, drafts)``: whether a published post uses file
        ``file_id``, and when none does, the drafts that use it (its images
        are then theirs alone; empty when no post uses it yet). Both on the
        ``files`` index; a few drafts are enough to decide who may read it."""
        users = list(cls.objects(files=file_id).only("author", "draft").limit(_FEW + 1))
        if any(not post.draft for post in users):
            return True, []
        if len(users) > _FEW and cls.published().filter(files=file_id).only("id").first():
            return True, []  # many drafts use it: a published post past the few read?
        return False, users[:_FEW]

    def can_be_read_by(self, user):
        """Published posts are everyone's; a draft its editors' only."""
        return not self.draft or self.can_be_edited_by(user)

    def publication_changes(self, draft):
        """The update fields that make a published post a draft again
        (``draft`` true; it keeps its time and comments). ``None`` or
        ``False`` change nothing here: a draft is published by
        :meth:`publish_draft`, once its text is saved."""
        if draft is None or bool(draft) == bool(self.draft):
            return {}
        if draft:
            self.draft = True
            return {"set__draft": True}
        return {}  # publishing is publish_draft's, after the text is saved

    def publish_draft(self, due_by=None):
        """Publish this draft as it stands, dated now: the one way a draft
        becomes public (the Publish button, an edit that publishes, its
        scheduled time come, given as ``due_by``: only while its time is no
        later). One conditional update, so of two runs at once exactly one
        publishes and tells; True when this one did."""
        query = {"id": self.id, "draft": True}
        if due_by is not None:
            query["publish_at__lte"] = due_by
        now = utcnow()
        if (
            not type(self)
            .objects(**query)
            .update_one(set__draft=False, set__timestamp=now, unset__publish_at=True)
        ):
            return False
        self.draft, self.timestamp, self.publish_at = False, now, None
        content_changed.send(
            type(self), post=self.id, tags=list(self.tags or []), author=self.author_id, newest=True
        )
        self.announce(Mentions.in_text(self.body))  # sends post_published, once
        return True

    def unpublish(self):
        """Make a published post its author's draft again, comments kept:
        it leaves every list, feed and search, so those pages go stale."""
        changes = self.publication_changes(True)
        if not changes:
            return
        type(self).objects(id=self.id).update_one(**changes)
        content_changed.send(
            type(self), post=self.id, tags=list(self.tags or []), author=self.author_id, newest=True
        )
