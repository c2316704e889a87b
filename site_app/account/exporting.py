"""Which way an archive is made: streamed in the answer for an account up
to ``EXPORT_INLINE_MAX_BYTES`` (posts' stored bytes plus their files), else
built by a job into GridFS, with its progress on a page and a link mailed
when it is ready.

Why a byte threshold: the time a streamed answer takes is the bytes it
sends, and a proxy or gunicorn's timeout cuts an answer that runs long. 50
MiB goes out in seconds; 500 MB of images would not.
"""

from bson import ObjectId
from flask import current_app
from flask_babel import lazy_gettext as _l

from ..database import get_db, gridfs_for
from ..email import send_email
from ..jobs import enqueue
from ..models import Post, User
from ..models.exports import BUILDING, READY, ExportJob
from ..public_address import site_url_for
from .archive import archive_chunks

EXPORT_KIND = "export"  # fs.files metadata.kind of a built zip


def is_large(user):
    """Whether ``user``'s archive is built by a job rather than streamed."""
    return archive_size(user) > current_app.config["EXPORT_INLINE_MAX_BYTES"]


def archive_size(user):
    """About how many bytes the archive holds: each post's stored size and
    the files its posts use (read from the indexes: author, ``_id``)."""
    collection = Post._get_collection()
    totals = list(
        collection.aggregate(
            [
                {"$match": {"author": user.id}},
                {"$group": {"_id": None, "bytes": {"$sum": {"$ifNull": ["$post_bytes", 0]}}}},
            ]
        )
    )
    file_ids = collection.distinct("files", filter={"author": user.id})
    files = get_db(current_app)["fs.files"].find({"_id": {"$in": file_ids}}, {"length": 1})
    return (totals[0]["bytes"] if totals else 0) + sum(f.get("length", 0) for f in files)


def start_export_job(user):
    """The member's export job (a running one, else a new one, enqueued)."""
    latest = ExportJob.latest_of(user.id)
    if latest is not None and latest.state == BUILDING:
        return latest
    job = ExportJob.start(user.id)
    enqueue("site_app.account.exporting.build_export", str(job.id))
    return job


def build_export(job_id):
    """The job: write the zip into GridFS a piece at a time, note progress,
    mail the link. Safe to run twice (a finished job is left alone)."""
    job = ExportJob.objects(id=ObjectId(job_id)).first()
    if job is None or job.state == READY:
        return
    user = User.objects(id=job.user).first()
    if user is None:
        job.delete()
        return
    stored = gridfs_for(current_app).new_file(
        filename=f"inkwell-{user.username}.zip",
        metadata={"owner": user.id, "kind": EXPORT_KIND, "content_type": "application/zip"},
    )
    try:
        for piece in archive_chunks(user, progress=job.advance):
            stored.write(piece)
        stored.close()
    except Exception:
        stored.abort()
        job.fail()
        raise
    job.finish(stored._id)
    send_email(
        user.email,
        _l("Your archive is ready"),
        "account/export_ready",
        user=user,
        url=site_url_for("account.export_download", job_id=job.id),
    )


def open_export(job):
    """The finished zip of ``job`` (a GridOut), or ``None``."""
    if job.file_id is None:
        return None
    fs = gridfs_for(current_app)
    return fs.get(job.file_id) if fs.exists(job.file_id) else None


def forget_exports(user):
    """A leaving member's export jobs and the zips they built."""
    fs = gridfs_for(current_app)
    for job in ExportJob.objects(user=user.id):
        if job.file_id is not None:
            fs.delete(job.file_id)
    ExportJob.objects(user=user.id).delete()
