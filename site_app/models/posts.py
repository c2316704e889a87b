"""Posts. Their comments are embedded in them; the comment operations are
in ``comments.py`` (``CommentsOfAPost``) and the post page's reads of them
in ``threads.py`` (``CommentPages``), mixed into :class:`Post`.
"""

from flask_babel import gettext as _
from mongoengine.errors import NotUniqueError

from ..extensions import db
from ..markup import ContentTooLarge, excerpt, file_ids_in, render_markdown
from ..text import plain_line, plain_text
from .blocks import BlockRules
from .comments import (  # noqa: F401
    COMMENT_MAX,
    Comment,
    CommentEntry,
    CommentGone,
    CommentsClosed,
    CommentsOfAPost,
    as_object_id,
    load_users,
)
from .details import (
    CANONICAL_URL_MAX,
    CUSTOM_EXCERPT_MAX,
    LANG_MAX,
    SUBTITLE_MAX,
    PostDetails,
    post_language,
    web_address,
)
from .drafts import Drafts
from .followed_feed import followed_feed
from .imports import ImportedPosts
from .mentions import Mentions
from .reading import ReadingAids
from .references import reference_id, stored_reference
from .revisions import Revision
from .roles import Permission
from .schedule import KEEP, Schedule
from .signals import content_changed, post_published
from .sizes import DOCUMENT_BUDGET, bson_size
from .submissions import submission_key
from .tags import TAG_MAX, TAGS_PER_POST, normalise_tags  # noqa: F401 (re-exported)
from .threads import CommentPages
from .users import User, utcnow

TITLE_MAX = 200
BODY_MAX = 100_000


class Post(
    BlockRules, CommentsOfAPost, CommentPages, Drafts, Schedule, PostDetails, ImportedPosts, db.Document
):
    title = db.StringField(required=True, max_length=TITLE_MAX, validation=plain_line)
    # The writer's details (models/details.py).
    subtitle = db.StringField(max_length=SUBTITLE_MAX, validation=plain_line)
    custom_excerpt = db.StringField(max_length=CUSTOM_EXCERPT_MAX, validation=plain_text)
    canonical_url = db.StringField(max_length=CANONICAL_URL_MAX, validation=web_address)
    cover = db.ObjectIdField()  # the writer's pick among the body's stored images
    # The language the post is written in (details.POST_LANGUAGES); None: not said.
    lang = db.StringField(max_length=LANG_MAX, validation=post_language)
    body = db.StringField(required=True, max_length=BODY_MAX, validation=plain_text)
    body_html = db.StringField()
    excerpt = db.StringField()  # the writer's own, else the body's start (render)
    tags = db.ListField(field=db.StringField(max_length=TAG_MAX, validation=plain_line))
    timestamp = db.DateTimeField(default=utcnow)
    updated = db.DateTimeField()
    author = db.ReferenceField(document_type=User, required=True)
    draft = db.BooleanField(default=False)  # see drafts.py
    publish_at = db.DateTimeField()  # a draft's scheduled publication, UTC (schedule.py)
    comments = db.EmbeddedDocumentListField(document_type=Comment)
    comment_count = db.IntField(default=0)  # replies included
    reply_count = db.IntField(default=0)  # posts from before replies have none
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
    submission = db.StringField()  # the form or API request that made it (submissions.py)
    # The source's id of an imported post ("inkwell:<id>", "ghost:<id>" …): models/imports.py
    import_source = db.StringField(max_length=2100)

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
            # A tag's posts; with ``draft`` in it, a tag's count reads the
            # index alone, never the posts (a count of a tag with 100k posts).
            ("tags", "draft", "-timestamp", "-id"),
            ("author", "draft", "-timestamp", "-id"),  # an author's drafts
            # Scheduled drafts by their time (publish-due): drafts only.
            {
                "fields": ["draft", "publish_at"],
                "name": "scheduled_drafts",
                "partialFilterExpression": {"draft": True},
            },
            "comments.id",
            # A member's comments across posts: their export, their leaving.
            "comments.author",
            # The hidden-comments queue: a key for each hidden comment only
            # (a full index holds one for every comment on the site).
            {
                "fields": ["comments.disabled"],
                "name": "hidden_comments",
                "partialFilterExpression": {"comments.disabled": True},
            },
            "-last_comment_at",
            "comment_count",
            "files",
            # Only posts a nonce made have one (sparse): sent twice, one post.
            {"fields": ["submission"], "unique": True, "sparse": True},
            # An import skips what the author already has: by source id (one
            # post a source item, whatever runs at once) or canonical address.
            {
                "fields": ["author", "import_source"],
                "unique": True,
                "name": "imported_posts",
                "partialFilterExpression": {"import_source": {"$exists": True}},
            },
            {
                "fields": ["author", "canonical_url"],
                "name": "canonical_posts",
                "partialFilterExpression": {"canonical_url": {"$exists": True}},
            },
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
    def publish(
        cls,
        author,
        title,
        body,
        tags=None,
        files=None,
        draft=False,
        details=None,
        submission=None,
        publish_at=None,
    ):
        """Store a new post (``files``: any it uses beyond the body's links),
        published or, with ``draft``, as its author's draft (with
        ``publish_at``, a UTC time, a draft until then); ``details``: see
        models/details.py; the post ``submission`` (a form's nonce, an API
        key) made, when sent again."""
        draft = bool(draft or publish_at)
        post = cls(
            author=author,
            title=title.strip(),
            body=body,
            draft=draft,
            publish_at=publish_at if draft else None,
            tags=normalise_tags(tags),
            files=_union(files or [], file_ids_in(body)),
            submission=submission_key(author.id, submission),
        )
        post.apply_details(details)
        mentions = post.render()
        post.post_bytes = post.own_bytes()
        try:
            post.save()
        except NotUniqueError:
            if post.submission is None:
                raise
            return cls.objects.get(submission=post.submission)
        post.announce(mentions)
        return post

    def render(self):
        """Render the body; the :class:`Mentions` it links are returned.
        Raises :class:`ContentTooLarge`."""
        mentions = Mentions.in_text(self.body)
        self.body_html = render_markdown(self.body, mentions.links())
        self.excerpt = self.custom_excerpt or excerpt(self.body_html)
        self.reading = ReadingAids.of(self.body_html, cover=self.cover)
        return mentions

    def announce(self, mentions):
        """Tell the members the post mentions, and announce the publication
        (``post_published``); a draft tells nobody until it is published.
        Only publishing tells: an edit naming new members each time would
        reach any number of them, so a text tells at most
        ``MENTIONS_PER_TEXT`` members, ever."""
        if not self.draft:
            mentions.announce(type(self), self.author_id, self.id, html=self.body_html)
            post_published.send(type(self), post=self.id, author=self.author_id)

    def own_bytes(self):
        """BSON bytes of the post as it stands, comments left out."""
        return bson_size({k: v for k, v in self.to_mongo().items() if k != "comments"})

    def edit(self, title, body, tags, files=None, draft=None, details=None, publish_at=KEEP):
        """Update the text of the post (and, with ``draft=False``, publish a
        draft; ``details``: models/details.py; ``publish_at``: a draft's
        new schedule, ``None`` cancels it). Only these fields are written,
        so comments that arrive meanwhile are kept. Files the new body
        links to join those the post used (a file dropped stays the post's)."""
        # A published post's text before the save (models/revisions.py).
        replaced = None if self.draft else Revision.of_text(self)
        publishing = bool(self.draft) and draft is not None and not draft
        changes = self.publication_changes(draft)
        changes.update(self.schedule_changes(None if publishing else publish_at))
        old_tags = list(self.tags or [])
        detail_changes = self.apply_details(details)
        self.title = title.strip()
        self.body = body
        self.tags = normalise_tags(tags)
        self.render()
        if not self.draft and not changes:  # a draft's saves, or unpublishing, are no "edit"
            self.updated = changes["set__updated"] = utcnow()
        changes.update(detail_changes)
        changes.update(
            set__title=self.title,
            set__body=self.body,
            set__body_html=self.body_html,
            set__excerpt=self.excerpt,
            set__tags=self.tags,
            set__reading=self.reading,
        )
        linked = _union(files or [], file_ids_in(body))
        if linked:
            self.files = _union(self.files or [], linked)
            changes["add_to_set__files"] = linked
        self.post_bytes = changes["set__post_bytes"] = self.own_bytes()
        self.validate()
        # Only while the comments leave room for the post as it now is.
        room = {"$expr": {"$lte": [{"$ifNull": ["$comment_bytes", 0]}, DOCUMENT_BUDGET - self.post_bytes]}}
        updated = Post.objects(id=self.id, __raw__=room).update_one(**changes)
        if not updated and Post.objects(id=self.id).count():
            raise ContentTooLarge(_("With its comments the post would no longer fit; shorten it."))
        if updated and replaced is not None:
            replaced.keep()
        unpublished = "set__draft" in changes  # it leaves the lists: newest, its author's
        content_changed.send(
            Post,
            post=self.id,
            tags=_union(old_tags, self.tags),
            author=self.author_id if unpublished else None,
            newest=unpublished,
        )
        if publishing and updated:
            self.publish_draft()

    def remove(self):
        """Delete the post; then, listening, the media store releases the
        files only it used and ``counts.forget_post`` deletes its likes and
        bookmarks (after the post: a failure between leaves nothing a page
        shows, and the repair sweeps it).

        The one deletion rule: pages, the API and the admin all call this.
        """
        self.delete()

    def restore(self, revision):
        """Put a revision's text back; the text it replaces becomes a
        revision in turn. Raises :class:`ContentTooLarge`."""
        self.edit(revision.title, revision.body, revision.tags, details=revision.details())

    def can_be_edited_by(self, user):
        """The one rule for editing and deleting, used by pages and API."""
        if user is None or user.is_anonymous:
            return False
        return self.author_id == user.id or user.can(Permission.ADMIN)

    @property
    def like_total(self):
        """The like count to show: never below 0 (``likes._change_count``)."""
        return max(0, self.like_count or 0)

    @property
    def author_id(self):
        return reference_id(stored_reference(self, "author"))

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
    def followed_by(cls, reader, own=True, tags=True):
        """The reader's Followed tab, bounded however many they follow
        (``followed_feed.py``); ``own``: with their own posts; ``tags``:
        with the tags they follow."""
        return followed_feed(cls, reader, own, tags)

    @classmethod
    def tagged(cls, tag):
        """Posts with one tag, served by the ``(tags, -timestamp)`` index."""
        return cls.listing().filter(tags=tag)

    @classmethod
    def count_tagged(cls, tag):
        """How many published posts carry ``tag``: covered by the
        ``(tags, draft, ...)`` index (no post is read)."""
        return cls.published().filter(tags=tag).count()

    @classmethod
    def count_by(cls, author_id):
        """How many posts ``author_id`` published: covered by the
        ``(author, draft, ...)`` index."""
        return cls.published().filter(author=author_id).count()

    @classmethod
    def by_id(cls, post_id):
        """The post (without comments), or ``None`` for unknown or malformed ids."""
        oid = as_object_id(post_id)
        return cls.objects(id=oid).exclude("comments").first() if oid else None

    @staticmethod
    def with_authors(posts):
        """Load the authors of a list of posts in one query, not one a post."""
        load_users(posts)
        return posts

    def __str__(self):
        return self.title


def _union(first, second):
    """The ids of both lists, each once, in order."""
    return list(dict.fromkeys([*first, *second]))
