"""Posts and the comments embedded in them.

Comments live inside their post because a post page reads them together.
Every comment change is one atomic update of that post (``$push``,
positional ``$set``, ``$pull``) with the stored count changed in the same
update, so concurrent writers never lose a comment or skew the count. The
number of comments a post holds is bounded, by count (``MAX_COMMENTS_PER_POST``)
and by bytes (``MAX_COMMENT_BYTES``), so a post stays far below MongoDB's
16 MB document limit.
"""
from collections import namedtuple

from bson import ObjectId
from flask import current_app

from ..database import is_document_too_large
from ..extensions import db
from ..markup import ContentTooLarge, excerpt, file_ids_in, render_comment, render_markdown
from ..pagination import Page, clamp_page, page_count
from ..text import plain_line, plain_text
from .drafts import PUBLISHED, Drafts
from .reading import ReadingAids
from .roles import Permission
from .signals import content_changed
from .sizes import bson_size
from .tags import TAG_MAX, TAGS_PER_POST, normalise_tags  # noqa: F401 (re-exported)
from .references import reference_id, stored_reference
from .users import User, utcnow

TITLE_MAX = 200
BODY_MAX = 100_000
COMMENT_MAX = 5_000
# A post and its comments within MongoDB's 16 MiB, less a margin for array keys.
DOCUMENT_BUDGET = 15 * 1024 * 1024


class Comment(db.EmbeddedDocument):
    id = db.ObjectIdField(required=True, default=ObjectId)
    body = db.StringField(required=True, max_length=COMMENT_MAX, validation=plain_text)
    body_html = db.StringField()
    timestamp = db.DateTimeField(default=utcnow)
    author = db.ReferenceField(document_type=User)
    disabled = db.BooleanField(default=False)


class CommentsClosed(Exception):
    """The post holds as many comments as it may."""


# One comment with the post it belongs to (moderation, the comments API).
CommentEntry = namedtuple("CommentEntry", "post_id post_title comment")


def as_object_id(value):
    """``value`` as an ObjectId, or ``None`` when it is not a valid one."""
    if isinstance(value, ObjectId):
        return value
    return ObjectId(value) if isinstance(value, str) and ObjectId.is_valid(value) else None


class Post(Drafts, db.Document):
    title = db.StringField(required=True, max_length=TITLE_MAX, validation=plain_line)
    body = db.StringField(required=True, max_length=BODY_MAX, validation=plain_text)
    body_html = db.StringField()
    excerpt = db.StringField()
    tags = db.ListField(field=db.StringField(max_length=TAG_MAX, validation=plain_line))
    timestamp = db.DateTimeField(default=utcnow)
    updated = db.DateTimeField()
    author = db.ReferenceField(document_type=User, required=True)
    draft = db.BooleanField(default=False)  # see drafts.py
    comments = db.EmbeddedDocumentListField(document_type=Comment)
    comment_count = db.IntField(default=0)
    like_count = db.IntField(default=0)  # kept by $inc with the likes collection (likes.py)
    # BSON bytes of the comments: the second bound, since comments of the
    # maximum length would pass 16 MB well before MAX_COMMENTS_PER_POST.
    comment_bytes = db.IntField(default=0)
    # Time of the newest comment (kept by ``$max``): the moderation queue
    # reads the posts with the newest comments first, through its index.
    last_comment_at = db.DateTimeField()
    # GridFS files the body links to, whatever the path in (media gc keeps them)
    files = db.ListField(field=db.ObjectIdField())
    # BSON bytes of the post without its comments (bounded through the
    # rendered HTML): the comments get what is left of DOCUMENT_BUDGET.
    post_bytes = db.IntField()
    reading = db.EmbeddedDocumentField(document_type=ReadingAids)  # minutes and cover (models/reading.py)

    meta = {
        "collection": "posts",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        # The id breaks ties of time, so no post repeats or goes missing between pages.
        "indexes": [
            ("-timestamp", "-id"),  # the admin's list of every post, drafts too
            # Published posts (``draft`` in PUBLISHED), and their count.
            ("draft", "-timestamp", "-id"),
            # An author's or a tag's posts: the few drafts among them are
            # left out as they are read. An $in of authors (the followed
            # feed) stays one merge of one range an author this way.
            ("author", "-timestamp", "-id"),
            ("tags", "-timestamp", "-id"),
            ("author", "draft", "-timestamp", "-id"),  # an author's drafts
            "comments.id", "comments.disabled",  # the hidden-comments queue
            "-last_comment_at",
            "comment_count",
            "files",
            {
                "fields": ["$title", "$body", "$tags"],
                "default_language": "english",
                "weights": {"title": 10, "tags": 5, "body": 1},
                "name": "post_text",
            },
        ],
    }

    # -- writing ------------------------------------------------------------
    @classmethod
    def publish(cls, author, title, body, tags=None, files=None, draft=False):
        """Store a new post (``files``: any it uses beyond the body's links),
        published or, with ``draft``, as its author's draft."""
        post = cls(author=author, title=title.strip(), body=body, draft=bool(draft),
                   tags=normalise_tags(tags), files=_union(files or [], file_ids_in(body)))
        post.render()
        post.post_bytes = post.own_bytes()
        post.save()
        return post

    def render(self):
        """Render the body; raises :class:`ContentTooLarge`."""
        self.body_html = render_markdown(self.body)
        self.excerpt = excerpt(self.body_html)
        self.reading = ReadingAids.of(self.body_html)

    def own_bytes(self):
        """BSON bytes of the post as it stands, comments left out."""
        return bson_size({k: v for k, v in self.to_mongo().items() if k != "comments"})

    def edit(self, title, body, tags, files=None, draft=None):
        """Update the text of the post (and, with ``draft=False``, publish a
        draft). Only these fields are written, so comments that arrive
        meanwhile are kept. Files the new body links to join those the post
        used (a file dropped stays the post's)."""
        changes = self.publication_changes(draft)
        self.title = title.strip()
        self.body = body
        self.tags = normalise_tags(tags)
        self.render()
        if not self.draft and not changes:  # a draft's saves, or publishing, are no "edit"
            self.updated = changes["set__updated"] = utcnow()
        changes.update(set__title=self.title, set__body=self.body,
                       set__body_html=self.body_html, set__excerpt=self.excerpt,
                       set__tags=self.tags, set__reading=self.reading)
        linked = _union(files or [], file_ids_in(body))
        if linked:
            self.files = _union(self.files or [], linked)
            changes["add_to_set__files"] = linked
        self.post_bytes = changes["set__post_bytes"] = self.own_bytes()
        self.validate()
        # Only while the comments leave room for the post as it now is.
        room = {"$expr": {"$lte": [{"$ifNull": ["$comment_bytes", 0]},
                                   DOCUMENT_BUDGET - self.post_bytes]}}
        updated = Post.objects(id=self.id, __raw__=room).update_one(**changes)
        if not updated and Post.objects(id=self.id).count():
            raise ContentTooLarge("With its comments the post would no longer fit; shorten it.")
        content_changed.send(self)

    def remove(self):
        """Delete the post; the media store, listening, then releases the
        files only it used.

        The one deletion rule: pages, the API and the admin all call this.
        """
        self.delete()

    def can_be_edited_by(self, user):
        """The one rule for editing and deleting, used by pages and API."""
        if user is None or user.is_anonymous:
            return False
        return self.author_id == user.id or user.can(Permission.ADMIN)

    @property
    def author_id(self):
        return reference_id(stored_reference(self, "author"))

    # -- comments -----------------------------------------------------------
    def add_comment(self, author, body):
        """Append a comment atomically; raises :class:`CommentsClosed` when
        the post is full (by count, by bytes, or by the room the post leaves
        in its document), :class:`ContentTooLarge` when it renders too large."""
        comment = Comment(body=body, body_html=render_comment(body), author=author)
        comment.validate()
        size = bson_size(comment.to_mongo())
        config = current_app.config
        room = {"$or": [{"comment_bytes": {"$lte": config["MAX_COMMENT_BYTES"] - size}},
                        {"comment_bytes": {"$exists": False}}],  # posts from before the field
                "$expr": {"$lte": [{"$add": [{"$ifNull": ["$post_bytes", 0]},
                                             {"$ifNull": ["$comment_bytes", 0]}]},
                                   DOCUMENT_BUDGET - size]}}
        try:
            # Drafts take no comments (drafts.py), checked in the same update.
            updated = Post.objects(id=self.id, comment_count__lt=config["MAX_COMMENTS_PER_POST"],
                                   draft__in=PUBLISHED, __raw__=room).update_one(
                push__comments=comment, inc__comment_count=1, inc__comment_bytes=size,
                max__last_comment_at=comment.timestamp)
        except db.OperationError as exc:
            # A post without comment_bytes (older than the byte bound) can
            # still reach 16 MB: then MongoDB refuses the push, and the post
            # is as full as it can be.
            if not is_document_too_large(exc):
                raise
            updated = False
        if not updated:
            raise CommentsClosed()
        content_changed.send(self)  # the comment count on list pages
        self.comment_count += 1
        return comment

    @classmethod
    def set_comment_disabled(cls, comment_id, disabled):
        """Hide or show one comment (positional ``$set``); True when found."""
        changed = bool(cls.objects(comments__id=comment_id).update_one(
            set__comments__S__disabled=disabled))
        content_changed.send(cls)
        return changed

    @classmethod
    def delete_comment(cls, comment_id):
        """Remove one comment, keeping count, bytes and the newest-comment
        time right, all in one update; True when found."""
        oid = as_object_id(comment_id)
        if oid is None:
            return False
        collection = cls._get_collection()
        found = collection.find_one({"comments.id": oid}, {"comments": {"$elemMatch": {"id": oid}}})
        if not found:
            return False
        size = bson_size(found["comments"][0])
        removed = collection.update_one({"_id": found["_id"], "comments.id": oid},
                                        _removal_pipeline(oid, size)).modified_count
        content_changed.send(cls)
        return bool(removed)

    @classmethod
    def find_comment(cls, comment_id):
        """``CommentEntry`` for one comment, or ``None``. Served by the
        ``comments.id`` index; ``$elemMatch`` loads only that comment."""
        oid = as_object_id(comment_id)
        if oid is None:
            return None
        post = (cls.objects(comments__id=oid)
                .only("title", "author", "comments")
                .fields(elemMatch__comments={"id": oid})
                .first())
        if post is None or not post.comments:
            return None
        comment = post.comments[0]
        _load_users([comment])
        return CommentEntry(post.id, post.title, comment)

    @classmethod
    def recent_comments(cls, page, per_page):
        """Newest comments across all posts, one page, as ``CommentEntry``.

        The newest ``k`` comments all belong to the posts whose newest
        comment is at least as late as that of the ``k``-th latest post (a
        post below it would have ``k`` newer comments ahead of its own; ties
        are kept, so equal times lose nothing). Both steps go through the
        ``-last_comment_at`` index and only those posts' comments are
        unwound: the cost follows the page depth, not the size of the site.
        """
        total = cls.total_comments()
        page = clamp_page(page, total, per_page)
        wanted = page * per_page
        collection = cls._get_collection()
        kth = list(collection.find({"last_comment_at": {"$ne": None}}, {"last_comment_at": 1})
                   .sort("last_comment_at", -1).skip(wanted - 1).limit(1))
        since = {"$gte": kth[0]["last_comment_at"]} if kth else {"$ne": None}
        pipeline = [
            {"$match": {"last_comment_at": since}},
            {"$project": {"title": 1, "comments": 1}},
            {"$unwind": "$comments"},
            {"$sort": {"comments.timestamp": -1, "comments.id": -1}},
            {"$skip": (page - 1) * per_page},
            {"$limit": per_page},
        ]
        rows = list(cls._get_collection().aggregate(pipeline, allowDiskUse=True))
        entries = [CommentEntry(row["_id"], row.get("title", ""),
                                Comment._from_son(row["comments"])) for row in rows]
        _load_users([entry.comment for entry in entries])
        return Page(entries, page, per_page, total)

    @classmethod
    def total_comments(cls):
        """Comments on the site: a sum over the ``comment_count`` index only
        (a covered plan: no post document is read)."""
        rows = list(cls._get_collection().aggregate([
            {"$match": {"comment_count": {"$gt": 0}}},
            {"$group": {"_id": None, "total": {"$sum": "$comment_count"}}},
        ]))
        return rows[0]["total"] if rows else 0

    def comments_closed(self):
        return bool(self.draft) or self.comment_count >= current_app.config["MAX_COMMENTS_PER_POST"]

    @classmethod
    def with_comment_page(cls, post_id, page, per_page):
        """The post with only one page of its comments loaded (``$slice``).

        ``page=-1`` (or past the end) is the last page. Returns
        ``(post, page, pages)`` or ``(None, 1, 1)``.
        """
        post_id = as_object_id(post_id)
        if post_id is None:
            return None, 1, 1
        head = cls.objects(id=post_id).only("comment_count").first()
        if head is None:
            return None, 1, 1
        pages = page_count(head.comment_count, per_page)
        page = clamp_page(page, head.comment_count, per_page)
        # Every other field is named: a projection holding only a $slice means
        # "all fields" to MongoDB but "only comments" to mongomock.
        others = {name: 1 for name in cls._fields if name not in ("id", "comments")}
        found = (cls.objects(id=post_id)
                 .fields(slice__comments=[(page - 1) * per_page, per_page], **others)
                 .limit(1)
                 .select_related(max_depth=2))  # the post's and comments' authors, batched
        if not found:
            return None, 1, 1
        return found[0], page, pages

    # -- reading ------------------------------------------------------------
    @classmethod
    def listing(cls):
        """Published posts for list pages: newest first, without their comments."""
        return cls.published().exclude("comments").order_by("-timestamp", "-id")

    @classmethod
    def by_authors(cls, author_ids):
        """The followed feed: one indexed query over the authors' posts."""
        return cls.listing().filter(author__in=list(author_ids))

    @classmethod
    def tagged(cls, tag):
        """Posts with one tag, served by the ``(tags, -timestamp)`` index."""
        return cls.listing().filter(tags=tag)

    @classmethod
    def by_id(cls, post_id):
        """The post (without comments), or ``None`` for unknown or malformed ids."""
        oid = as_object_id(post_id)
        return cls.objects(id=oid).exclude("comments").first() if oid else None

    @staticmethod
    def with_authors(posts):
        """Load the authors of a list of posts in one query, not one a post."""
        _load_users(posts)
        return posts

    def __str__(self):
        return self.title


def _load_users(documents):
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


def _union(first, second):
    """The ids of both lists, each once, in order."""
    return list(dict.fromkeys([*first, *second]))


def _removal_pipeline(comment_id, size):
    """One atomic update that pulls a comment, lowers count and bytes and
    recomputes the newest-comment time from those left (null when none)."""
    return [
        {"$set": {
            "comments": {"$filter": {"input": "$comments",
                                     "cond": {"$ne": ["$$this.id", comment_id]}}},
            "comment_count": {"$subtract": ["$comment_count", 1]},
            "comment_bytes": {"$subtract": [{"$ifNull": ["$comment_bytes", size]}, size]},
        }},
        {"$set": {"last_comment_at": {"$max": "$comments.timestamp"}}},
    ]
