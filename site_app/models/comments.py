"""Comments and their replies, embedded in their post, and every change to
them.

Comments live inside their post because a post page reads them together.
A reply is a comment like any other in the same array, with ``parent``
naming the top-level comment it answers (one level deep: answering a reply
answers its parent), so hiding, finding and the moderation queue treat
both alike. Every change is one atomic update of the post (``$push``,
positional ``$set``, an update pipeline to remove) with the stored counts
changed in the same update, so concurrent writers never lose a comment or
skew a count. A post's comments are bounded by count
(``MAX_COMMENTS_PER_POST``) and by bytes (``MAX_COMMENT_BYTES``), so it
stays far below MongoDB's 16 MB document limit.
"""

from collections import namedtuple

from bson import ObjectId
from flask import current_app
from flask_babel import gettext as _

from ..database import is_document_too_large
from ..extensions import db
from ..markup import ContentTooLarge, render_comment
from ..pagination import MAX_NUMBERED_PAGE, Page, clamp_page
from ..text import plain_text
from .comment_removal import remove_comment
from .drafts import PUBLISHED
from .mentions import Mentions
from .references import reference_id, stored_reference
from .roles import Permission
from .signals import comment_posted, comment_removed, content_changed
from .sizes import bson_size, room_for
from .submissions import first_comment_sent, not_sent_before, submission_key
from .users import User, utcnow

COMMENT_MAX = 5_000
# Reads again when another edit of the same comment won the race (each lost
# race is another edit's success: only a storm of edits exhausts this).
_EDIT_ATTEMPTS = 50
# Posts the queue keeps tied at the k-th post's millisecond (more: a bulk import).
_TIES_KEPT = 50


class Comment(db.EmbeddedDocument):
    id = db.ObjectIdField(required=True, default=ObjectId)
    body = db.StringField(required=True, max_length=COMMENT_MAX, validation=plain_text)
    body_html = db.StringField()
    timestamp = db.DateTimeField(default=utcnow)
    author = db.ReferenceField(document_type=User)
    disabled = db.BooleanField(default=False)
    # The top-level comment this one answers; None for a top-level comment.
    parent = db.ObjectIdField()
    # When its author last changed it (shown as "edited").
    edited = db.DateTimeField()
    # Removed while replies hang on it: kept, blanked, so they keep their place.
    deleted = db.BooleanField(default=False)
    # Blanked because its author deleted their account: shown as "deleted member".
    member_left = db.BooleanField()
    submission = db.StringField()  # the form or API request that sent it (submissions.py)

    @property
    def author_id(self):
        return reference_id(stored_reference(self, "author"))

    def can_be_edited_by(self, user):
        """Only the author changes the words of a comment."""
        return not self.deleted and user is not None and user.is_authenticated and self.author_id == user.id

    def can_be_deleted_by(self, user):
        """The author, or a moderator."""
        return not self.deleted and (
            self.can_be_edited_by(user) or (user is not None and user.can(Permission.MODERATE))
        )


class CommentsClosed(Exception):
    """The post holds as many comments as it may."""


class CommentGone(Exception):
    """The comment answered (or edited) is no longer on the post."""


# One comment with the post it belongs to (moderation, the comments API).
CommentEntry = namedtuple("CommentEntry", "post_id post_title comment")


def as_object_id(value):
    """``value`` as an ObjectId, or ``None`` when it is not a valid one."""
    if isinstance(value, ObjectId):
        return value
    return ObjectId(value) if isinstance(value, str) and ObjectId.is_valid(value) else None


class CommentsOfAPost:
    """The comment operations of :class:`~site_app.models.posts.Post`."""

    @property
    def thread_count(self):
        """Top-level comments: what the post page pages by."""
        return (self.comment_count or 0) - (self.reply_count or 0)

    def add_comment(self, author, body, parent_id=None, submission=None):
        """Append a comment, or a reply to ``parent_id``, atomically; a
        ``submission`` sent again returns its first comment. Raises
        :class:`CommentGone` when the comment answered is not on the post,
        :class:`CommentsClosed` when the post is full (by count, by bytes, or
        by the room the post leaves in its document), :class:`ContentTooLarge`
        when it renders too large."""
        answered = self._stored_comment(parent_id) if parent_id else None
        if parent_id and answered is None:
            raise CommentGone()
        parent = answered and (answered.get("parent") or answered["id"])  # its thread
        mentions = Mentions.in_text(body)
        sent_as = submission_key(author.id, submission)
        comment = Comment(
            body=body,
            body_html=render_comment(body, mentions.links()),
            author=author,
            parent=parent,
            submission=sent_as,
        )
        comment.validate()
        size = bson_size(comment.to_mongo())
        config = current_app.config
        room = {
            "$or": [
                {"comment_bytes": {"$lte": config["MAX_COMMENT_BYTES"] - size}},
                {"comment_bytes": {"$exists": False}},
            ],  # posts from before the field
            **room_for(size),
            **not_sent_before(sent_as),
        }
        changes = dict(
            push__comments=comment,
            inc__comment_count=1,
            inc__comment_bytes=size,
            max__last_comment_at=comment.timestamp,
        )
        if parent:
            # In the push's own update: a parent deleted meanwhile leaves no orphan.
            room["comments"] = {"$elemMatch": {"id": parent, "parent": None}}
            changes["inc__reply_count"] = 1
        try:
            # Drafts take no comments (drafts.py), checked in the same update.
            updated = (
                type(self)
                .objects(
                    id=self.id,
                    comment_count__lt=config["MAX_COMMENTS_PER_POST"],
                    draft__in=PUBLISHED,
                    __raw__=room,
                )
                .update_one(**changes)
            )
        except db.OperationError as exc:
            # A post without comment_bytes (older than the byte bound) can reach
            # 16 MB: MongoDB then refuses the push, and the post is as full as can be.
            if not is_document_too_large(exc):
                raise
            updated = False
        if not updated:
            if sent := first_comment_sent(type(self)._get_collection(), self.id, sent_as):
                return Comment._from_son(sent)
            if parent and not self._stored_comment(parent):
                raise CommentGone()
            raise CommentsClosed()
        content_changed.send(type(self), post=self.id)  # its page, and its count on cards
        # answered (and by whom): the comment replied to; its thread is ``parent``
        comment_posted.send(
            type(self),
            post=self.id,
            comment=comment.id,
            author=author.id,
            html=comment.body_html,
            parent=parent,
            answered=answered and answered["id"],
            answered_author=answered and answered.get("author"),
            mentioned=list(mentions.values()),
        )
        self.comment_count += 1
        return comment

    def _stored_comment(self, comment_id):
        """The stored comment ``comment_id`` of this post (it alone, by
        ``$elemMatch``), or ``None`` when it is not there."""
        oid = as_object_id(comment_id)
        found = oid and type(self)._get_collection().find_one(
            {"_id": self.id, "comments.id": oid}, {"comments": {"$elemMatch": {"id": oid}}}
        )
        return found["comments"][0] if found else None

    @classmethod
    def post_of_comment(cls, comment_id):
        """The id of the post holding ``comment_id``, or ``None``: for the
        old addresses that name a comment alone. Through the ``comments.id``
        index, but on a cluster sharded by post a query to every shard, so
        every other lookup starts from the post's ``_id``."""
        oid = as_object_id(comment_id)
        found = oid and cls._get_collection().find_one({"comments.id": oid}, {"_id": True})
        return found["_id"] if found else None

    @classmethod
    def _comment_address(cls, comment_id, post_id):
        """``(post id, comment ObjectId)``, ``post_id`` found when not given;
        ``(None, None)`` for a malformed id or an unknown comment."""
        oid = as_object_id(comment_id)
        post_id = as_object_id(post_id) if post_id is not None else cls.post_of_comment(oid)
        return (post_id, oid) if oid and post_id else (None, None)

    @classmethod
    def edit_comment(cls, comment_id, body, post_id=None):
        """Change a comment's words and mark it edited (positional ``$set``,
        the byte count moved by the difference in the same update). The
        update holds only while the body is the one read, so the difference
        is right: a concurrent edit makes this one read and try again."""
        mentions = Mentions.in_text(body)
        html = render_comment(body, mentions.links())
        post_id, comment_id = cls._comment_address(comment_id, post_id)
        for _attempt in range(_EDIT_ATTEMPTS):
            entry = cls.find_comment(comment_id, post_id)
            if entry is None or entry.comment.deleted:
                raise CommentGone()
            old = entry.comment
            new = Comment(
                id=old.id,
                body=body,
                body_html=html,
                timestamp=old.timestamp,
                author=old.author,
                disabled=old.disabled,
                parent=old.parent,
                edited=utcnow(),
            )
            new.validate()
            grows = bson_size(new.to_mongo()) - bson_size(old.to_mongo())
            room = room_for(max(grows, 0))
            updated = (
                cls._get_collection()
                .update_one(
                    {
                        "_id": entry.post_id,
                        "comments": {"$elemMatch": {"id": old.id, "body": old.body}},
                        **room,
                    },
                    {
                        "$set": {
                            "comments.$.body": body,
                            "comments.$.body_html": html,
                            "comments.$.edited": new.edited,
                        },
                        "$inc": {"comment_bytes": grows},
                    },
                )
                .modified_count
            )
            if updated:
                content_changed.send(cls, post=entry.post_id)
                return new
            current = cls.find_comment(comment_id, post_id)
            if current and current.comment.body == old.body:  # not a race: no room
                raise ContentTooLarge(_("The post has no room left for a longer comment."))
        raise CommentGone()

    @classmethod
    def set_comment_disabled(cls, comment_id, disabled, post_id=None):
        """Hide or show one comment (positional ``$set``); True when found."""
        post_id, oid = cls._comment_address(comment_id, post_id)
        if not oid:
            return False
        changed = bool(
            cls.objects(id=post_id, comments__id=oid).update_one(set__comments__S__disabled=bool(disabled))
        )
        if changed:
            content_changed.send(cls, post=post_id)
        return changed

    @classmethod
    def delete_comment(cls, comment_id, post_id=None, member_left=False):
        """Remove one comment, keeping counts, bytes and the newest-comment
        time right, all in one update; True when found
        (``comment_removal.remove_comment``; ``member_left``: its author is
        leaving the site)."""
        post_id, oid = cls._comment_address(comment_id, post_id)
        found_in, removed = (
            remove_comment(cls._get_collection(), oid, post_id, member_left) if oid else (None, False)
        )
        if found_in is not None:
            content_changed.send(cls, post=found_in)
        if removed:
            comment_removed.send(cls, post=found_in, comment=oid)
        return removed

    @classmethod
    def find_comment(cls, comment_id, post_id=None):
        """``CommentEntry`` for one comment of the post ``post_id`` (found
        first when not given), or ``None``. ``$elemMatch`` loads only that
        comment."""
        post_id, oid = cls._comment_address(comment_id, post_id)
        if oid is None:
            return None
        post = (
            cls.objects(id=post_id, comments__id=oid)
            .only("title", "author", "comments")
            .fields(elemMatch__comments={"id": oid})
            .first()
        )
        if post is None or not post.comments:
            return None
        comment = post.comments[0]
        load_users([comment])
        return CommentEntry(post.id, post.title, comment)

    @classmethod
    def recent_comments(cls, page, per_page):
        """Newest comments (replies too) across all posts, one page, as
        ``CommentEntry``. The newest ``k`` comments live in the ``k`` posts
        with the newest ``last_comment_at`` (and those tied with the k-th,
        found by one bounded read of that index): a ``$limit`` stops there,
        before anything is unwound. The queue is ``MAX_NUMBERED_PAGE`` pages
        deep (``page=-1`` is the deepest): bounded, whatever the site's size.
        """
        reachable = cls._comments_within(MAX_NUMBERED_PAGE * per_page)
        page = clamp_page(page, reachable, per_page)
        wanted = page * per_page
        kth = list(
            cls._get_collection()
            .find({"last_comment_at": {"$ne": None}}, {"last_comment_at": 1})
            .sort("last_comment_at", -1)
            .skip(wanted - 1)
            .limit(1)
        )
        since = {"$gte": kth[0]["last_comment_at"]} if kth else {"$ne": None}
        pipeline = [
            {"$match": {"last_comment_at": since}},
            {"$sort": {"last_comment_at": -1}},
            {"$limit": wanted + _TIES_KEPT},
            {"$project": {"title": 1, "comments": 1}},
            {"$unwind": "$comments"},
            {"$sort": {"comments.timestamp": -1, "comments.id": -1}},
            {"$skip": (page - 1) * per_page},
            {"$limit": per_page},
        ]
        rows = cls._get_collection().aggregate(pipeline, allowDiskUse=True)
        return Page(comment_entries(rows), page, per_page, reachable)

    @classmethod
    def _comments_within(cls, cap):
        """``min(comments on the site, cap)``, from the ``cap`` posts with the
        newest comments only (they hold the newest ``cap`` comments, so their
        count reaches ``cap`` whenever the site's does)."""
        rows = list(
            cls._get_collection().aggregate(
                [
                    {"$match": {"last_comment_at": {"$ne": None}}},
                    {"$sort": {"last_comment_at": -1}},
                    {"$limit": cap},
                    {"$group": {"_id": None, "total": {"$sum": "$comment_count"}}},
                ]
            )
        )
        return min(rows[0]["total"] if rows else 0, cap)

    @classmethod
    def total_comments(cls):
        """Comments on the site: a sum over the ``comment_count`` index only
        (a covered plan: no post document is read)."""
        rows = list(
            cls._get_collection().aggregate(
                [
                    {"$match": {"comment_count": {"$gt": 0}}},
                    {"$group": {"_id": None, "total": {"$sum": "$comment_count"}}},
                ]
            )
        )
        return rows[0]["total"] if rows else 0

    def comments_closed(self):
        return bool(self.draft) or self.comment_count >= current_app.config["MAX_COMMENTS_PER_POST"]


def comment_entries(rows):
    """``CommentEntry`` for aggregation rows of one post (``_id``, ``title``)
    and one of its comments (``comments``), their authors loaded at once."""
    entries = [
        CommentEntry(row["_id"], row.get("title", ""), Comment._from_son(row["comments"])) for row in rows
    ]
    load_users([entry.comment for entry in entries])
    return entries


def load_users(documents):
    """Replace the ``author`` reference of each document (post or comment)
    by its ``User``, fetched in one query for all of them."""
    ids = {reference_id(stored_reference(d, "author")) for d in documents} - {None}
    if not ids:
        return
    users = {user.id: user for user in User.objects(id__in=list(ids))}
    for document in documents:
        ref = stored_reference(document, "author")
        if ref is not None:
            # Written to _data: MongoEngine has no public way to set a field
            # without marking it changed, and a later save must not write it
            # (select_related, which does the same, takes querysets only).
            document._data["author"] = users.get(reference_id(ref))
