"""Posts brought in from another site or an earlier export, and the record
of each import (``ImportRun``: its progress and, at the end, what became of
every item).

An imported post keeps its source's dates, tags and canonical address, and
the source's own id for it (``Post.import_source``, unique per author), so
the same file imported twice makes each post once. Importing tells nobody:
no mentions, no followers, no subscribers; a writer bringing in years of
old posts must not flood anyone, and each post is dated as it was first
published, so it sits in the lists at that time, not at the top.
"""

from bson import ObjectId
from mongoengine.errors import NotUniqueError

from ..extensions import db
from ..markup import file_ids_in
from .signals import content_changed
from .tags import normalise_tags
from .users import utcnow

# A run's summary keeps at most this many items (the rest counted only):
# its document stays far under MongoDB's 16 MiB.
RESULTS_KEPT = 5000
# The source id of a post from an Inkwell export: "inkwell:<its id there>".
OWN = "inkwell:"
REASON_MAX = 300


class AlreadyImported(Exception):
    """The author already has a post from this source item."""


class ImportedPosts:
    """Mixed into ``Post`` (the ``import_source`` field and its index are
    declared there)."""

    @classmethod
    def from_import(
        cls,
        author,
        source,
        title,
        body,
        tags=(),
        timestamp=None,
        updated=None,
        draft=False,
        details=None,
        files=(),
        publish_at=None,
        lang=None,
    ):
        """An unsaved, rendered and validated post of ``author`` from an
        import; raises ``ValidationError`` or ``ContentTooLarge``. A draft
        keeps its ``publish_at`` only while it is ahead: a time passed
        while the file travelled publishes nothing by surprise."""
        ahead = publish_at if draft and publish_at and publish_at > utcnow() else None
        post = cls(
            author=author,
            title=(title or "").strip(),
            body=body,
            draft=bool(draft),
            tags=normalise_tags(list(tags)),
            import_source=source,
            publish_at=ahead,
            lang=lang or None,
            files=list(dict.fromkeys([*files, *file_ids_in(body)])),
            timestamp=timestamp or utcnow(),
            updated=updated,
        )
        post.apply_details(details)
        post.render()  # the site's own sanitising render, as for any post
        post.post_bytes = post.own_bytes()
        post.validate()
        return post

    @classmethod
    def already_imported(cls, author, sources, canonical_urls):
        """Which of ``sources`` and ``canonical_urls`` the author's posts
        already carry, each an indexed query (``author`` + the field). An
        Inkwell export's ``inkwell:<id>`` is also there when the author's
        own post has that id: their export brought back to the same site."""
        sources, canonical_urls = list(sources), [url for url in canonical_urls if url]
        found = set()
        if sources:
            found.update(
                p.import_source
                for p in cls.objects(author=author, import_source__in=sources).only("import_source")
            )
            own = [
                ObjectId(s[len(OWN) :])
                for s in sources
                if s.startswith(OWN) and ObjectId.is_valid(s[len(OWN) :])
            ]
            if own:
                found.update(f"{OWN}{p.id}" for p in cls.objects(id__in=own, author=author).only("id"))
        if canonical_urls:
            found.update(
                p.canonical_url
                for p in cls.objects(author=author, canonical_url__in=canonical_urls).only("canonical_url")
            )
        return found

    def save_imported(self):
        """Store a post made by :meth:`from_import`, announcing nothing but
        the save (the page cache listens). Raises :class:`AlreadyImported`
        when another run stored it meanwhile (the unique index decides)."""
        try:
            self.save(force_insert=True)
        except NotUniqueError as exc:
            raise AlreadyImported(self.import_source) from exc


class ImportRun(db.Document):
    """One file a writer imports: its progress, then its summary."""

    owner = db.ObjectIdField(required=True)
    created = db.DateTimeField(default=utcnow)
    filename = db.StringField(max_length=255)
    kind = db.StringField()  # what the file was judged to be
    file_id = db.ObjectIdField()  # the upload in GridFS until the run ends
    state = db.StringField(default="waiting")  # waiting, running, done, failed
    total = db.IntField(default=0)
    done = db.IntField(default=0)
    counts = db.DictField()  # {"imported": n, "skipped": n, "failed": n}
    results = db.ListField(field=db.DictField())  # {"title", "outcome", "reason"}
    error = db.StringField()

    meta = {
        "collection": "import_runs",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [("owner", "-created", "-id")],  # a writer's runs, newest first
    }

    @classmethod
    def of_owner(cls, owner_id):
        return cls.objects(owner=owner_id).order_by("-created", "-id")

    def start(self, total):
        """Counting from nothing: a job delivered again after a crash
        starts over (what the first stored is then skipped)."""
        self.done = 0
        self.update(set__state="running", set__total=total, set__done=0, set__counts={}, set__results=[])

    def record(self, title, outcome, reason=""):
        """One item's outcome, counted and (within ``RESULTS_KEPT``) listed."""
        changes = {"inc__done": 1, f"inc__counts__{outcome}": 1}
        if self.done < RESULTS_KEPT:
            changes["push__results"] = {
                "title": (title or "")[:200],
                "outcome": outcome,
                "reason": (reason or "")[:REASON_MAX],
            }
        self.done += 1
        type(self).objects(id=self.id).update_one(**changes)

    def finish(self, author_id, error=None):
        """The run is over: one announcement for every page the new posts
        may join (their author's, tags', the newest at their dates)."""
        self.update(set__state="failed" if error else "done", set__error=error, unset__file_id=True)
        if not error:  # a refused file stored nothing
            content_changed.send(type(self), author=author_id, site=True)
