"""Posts and the comments embedded in them.

Comments live inside their post because a post page reads them together.
Every comment change is one atomic update of that post (``$push``,
positional ``$set``, ``$pull``) with the stored count changed in the same
update, so concurrent writers never lose a comment or skew the count. The
number of comments a post holds is bounded (``MAX_COMMENTS_PER_POST``) so a
post stays far below MongoDB's 16 MB document limit.
"""
import re
from collections import namedtuple

from bson import DBRef, ObjectId
from flask import current_app

from ..content_cache import content_changed
from ..extensions import db
from ..markup import excerpt, render_comment, render_markdown
from .roles import Permission
from .users import User, reference_id, utcnow

TITLE_MAX = 200
BODY_MAX = 100_000
COMMENT_MAX = 5_000
TAG_MAX = 40
TAGS_PER_POST = 10
_TAG_RE = re.compile(r"[^\w\- ]+", re.UNICODE)


def normalise_tags(tags):
    """Lower case, trimmed, de-duplicated (order kept), bounded tags.

    Accepts a comma separated string or a list of strings.
    """
    if isinstance(tags, str):
        tags = tags.split(",")
    seen = []
    for tag in tags or []:
        if not isinstance(tag, str):
            continue
        clean = " ".join(_TAG_RE.sub("", tag).lower().split())[:TAG_MAX].strip()
        if clean and clean not in seen:
            seen.append(clean)
    return seen[:TAGS_PER_POST]


class Comment(db.EmbeddedDocument):
    id = db.ObjectIdField(required=True, default=ObjectId)
    body = db.StringField(required=True, max_length=COMMENT_MAX)
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


class Post(db.Document):
    title = db.StringField(required=True, max_length=TITLE_MAX)
    body = db.StringField(required=True, max_length=BODY_MAX)
    body_html = db.StringField()
    excerpt = db.StringField()
    tags = db.ListField(field=db.StringField(max_length=TAG_MAX))
    timestamp = db.DateTimeField(default=utcnow)
    updated = db.DateTimeField()
    author = db.ReferenceField(document_type=User, required=True)
    comments = db.EmbeddedDocumentListField(document_type=Comment)
    comment_count = db.IntField(default=0)
    files = db.ListField(field=db.ObjectIdField())  # GridFS files the post uses

    meta = {
        "collection": "posts",
        "indexes": [
            "-timestamp",
            ("author", "-timestamp"),
            ("tags", "-timestamp"),
            "comments.id",
            "-comments.timestamp",
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
    def publish(cls, author, title, body, tags=None, files=None):
        post = cls(author=author, title=title.strip(), body=body,
                   tags=normalise_tags(tags), files=list(files or []))
        post.render()
        post.save()
        return post

    def render(self):
        self.body_html = render_markdown(self.body)
        self.excerpt = excerpt(self.body_html)

    def edit(self, title, body, tags, files=None):
        """Update the text of the post. Only these fields are written, so
        comments that arrive meanwhile are kept."""
        self.title = title.strip()
        self.body = body
        self.tags = normalise_tags(tags)
        self.render()
        self.updated = utcnow()
        changes = dict(set__title=self.title, set__body=self.body,
                       set__body_html=self.body_html, set__excerpt=self.excerpt,
                       set__tags=self.tags, set__updated=self.updated)
        if files is not None:
            self.files = list(files)
            changes["set__files"] = self.files
        self.validate()
        Post.objects(id=self.id).update_one(**changes)
        content_changed()

    def remove(self):
        """Delete the post and release the uploaded files only it used.

        The one deletion rule: pages, the API and the admin all call this.
        """
        if self.files:
            from ..media.storage import release_post_files
            release_post_files(self)
        self.delete()

    def can_be_edited_by(self, user):
        """The one rule for editing and deleting, used by pages and API."""
        if user is None or user.is_anonymous:
            return False
        return self.author_id == user.id or user.can(Permission.ADMIN)

    @property
    def author_id(self):
        return reference_id(self._data.get("author"))

    # -- comments -----------------------------------------------------------
    def add_comment(self, author, body):
        """Append a comment atomically; raises :class:`CommentsClosed` when
        the post is full."""
        comment = Comment(body=body, body_html=render_comment(body), author=author)
        comment.validate()
        limit = current_app.config["MAX_COMMENTS_PER_POST"]
        updated = Post.objects(id=self.id, comment_count__lt=limit).update_one(
            push__comments=comment, inc__comment_count=1)
        if not updated:
            raise CommentsClosed()
        content_changed()  # the comment count on list pages
        self.comment_count += 1
        return comment

    @classmethod
    def set_comment_disabled(cls, comment_id, disabled):
        """Hide or show one comment (positional ``$set``); True when found."""
        changed = bool(cls.objects(comments__id=comment_id).update_one(
            set__comments__S__disabled=disabled))
        content_changed()
        return changed

    @classmethod
    def delete_comment(cls, comment_id):
        """Remove one comment (``$pull``), keeping the count right."""
        removed = bool(cls.objects(comments__id=comment_id).update_one(
            pull__comments__id=comment_id, dec__comment_count=1))
        content_changed()
        return removed

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

        An aggregation (``$unwind`` then ``$sort`` on the comment time) is
        used rather than a find on the ``-comments.timestamp`` index: that
        multikey index orders *posts* by their newest comment, not the
        comments themselves, so only an unwind yields comments in time
        order. Each post holds at most ``MAX_COMMENTS_PER_POST`` comments
        and the sort spills to disk when it must, which keeps this fine for
        a moderation queue; two operations a page (count and page).
        """
        from ..pagination import Page
        total = cls.objects.sum("comment_count")
        pages = max(1, -(-total // per_page))
        if page == -1 or page > pages:
            page = pages
        page = max(page, 1)
        pipeline = [
            {"$match": {"comment_count": {"$gt": 0}}},
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

    def comments_closed(self):
        return self.comment_count >= current_app.config["MAX_COMMENTS_PER_POST"]

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
        pages = max(1, -(-head.comment_count // per_page))
        if page == -1 or page > pages:
            page = pages
        page = max(page, 1)
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
        """Posts for list pages: newest first, without their comments."""
        return cls.objects.exclude("comments").order_by("-timestamp")

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
    ids = {_ref_id(d._data.get("author")) for d in documents} - {None}
    if not ids:
        return
    users = {user.id: user for user in User.objects(id__in=list(ids))}
    for document in documents:
        ref = document._data.get("author")
        if ref is not None:
            # Written to _data so the document is not marked as changed.
            document._data["author"] = users.get(_ref_id(ref))


def _ref_id(ref):
    """The id a reference holds: an ObjectId, a DBRef or a loaded document."""
    if isinstance(ref, DBRef):
        return ref.id
    return getattr(ref, "pk", ref)
