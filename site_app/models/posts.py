"""Posts and the comments embedded in them.

Comments live inside their post because a post page reads them together.
Every comment change is one atomic update of that post (``$push``,
positional ``$set``, ``$pull``) with the stored count changed in the same
update, so concurrent writers never lose a comment or skew the count. The
number of comments a post holds is bounded (``MAX_COMMENTS_PER_POST``) so a
post stays far below MongoDB's 16 MB document limit.
"""
import re

from bson import ObjectId
from flask import current_app

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
        self.comment_count += 1
        return comment

    @classmethod
    def set_comment_disabled(cls, comment_id, disabled):
        """Hide or show one comment (positional ``$set``); True when found."""
        return bool(cls.objects(comments__id=comment_id).update_one(
            set__comments__S__disabled=disabled))

    @classmethod
    def delete_comment(cls, comment_id):
        """Remove one comment (``$pull``), keeping the count right."""
        return bool(cls.objects(comments__id=comment_id).update_one(
            pull__comments__id=comment_id, dec__comment_count=1))

    def comments_closed(self):
        return self.comment_count >= current_app.config["MAX_COMMENTS_PER_POST"]

    @classmethod
    def with_comment_page(cls, post_id, page, per_page):
        """The post with only one page of its comments loaded (``$slice``).

        ``page=-1`` (or past the end) is the last page. Returns
        ``(post, page, pages)`` or ``(None, 1, 1)``.
        """
        head = cls.objects(id=post_id).only("comment_count").first()
        if head is None:
            return None, 1, 1
        pages = max(1, -(-head.comment_count // per_page))
        if page == -1 or page > pages:
            page = pages
        page = max(page, 1)
        post = (cls.objects(id=post_id)
                .fields(slice__comments=[(page - 1) * per_page, per_page])
                .select_related(max_depth=1)
                .first())
        if post is None:
            return None, 1, 1
        return post, page, pages

    # -- reading ------------------------------------------------------------
    @classmethod
    def listing(cls):
        """Posts for list pages: newest first, without their comments."""
        return cls.objects.exclude("comments").order_by("-timestamp")

    @classmethod
    def by_authors(cls, author_ids):
        """The followed feed: one indexed query over the authors' posts."""
        return cls.listing().filter(author__in=list(author_ids))

    def __str__(self):
        return self.title
