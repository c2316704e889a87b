"""An archive built in the background for a large account: its progress,
and the stored zip once ready (``account/exporting.py`` builds it)."""

from ..extensions import db
from .users import utcnow

# A job and its link last this long; the zip itself, unreferenced, is then
# taken by ``flask media gc`` after MEDIA_GC_GRACE_HOURS.
KEEP_HOURS = 24

BUILDING, READY, FAILED = "building", "ready", "failed"


class ExportJob(db.Document):
    user = db.ObjectIdField(required=True)
    state = db.StringField(default=BUILDING, choices=(BUILDING, READY, FAILED))
    posts_done = db.IntField(default=0)
    posts_total = db.IntField(default=0)
    file_id = db.ObjectIdField()  # the zip in GridFS, once ready
    created = db.DateTimeField(default=utcnow)

    meta = {
        "collection": "exports",
        "auto_create_index": False,  # built by deploy (site_app/indexes.py)
        "indexes": [
            ("user", "-created"),  # a member's latest export; deleted when they leave
            {"fields": ["created"], "expireAfterSeconds": KEEP_HOURS * 3600, "name": "exports_ttl"},
        ],
    }

    @classmethod
    def start(cls, user_id):
        return cls(user=user_id).save()

    @classmethod
    def latest_of(cls, user_id):
        return cls.objects(user=user_id).order_by("-created").first()

    @classmethod
    def of(cls, user_id, job_id):
        """The member's own job ``job_id``, or ``None``."""
        return cls.objects(id=job_id, user=user_id).first()

    def advance(self, done, total):
        ExportJob.objects(id=self.id).update_one(set__posts_done=done, set__posts_total=total)

    def finish(self, file_id):
        ExportJob.objects(id=self.id).update_one(set__state=READY, set__file_id=file_id)

    def fail(self):
        ExportJob.objects(id=self.id).update_one(set__state=FAILED)

    @property
    def percent(self):
        return int(100 * self.posts_done / self.posts_total) if self.posts_total else 0
