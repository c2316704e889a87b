"""``flask --app site_app media gc``: remove stored files nothing refers to.

A file is in use when a post lists it in ``files`` or a user's
``avatar_id`` names it; a thumbnail or avatar size is in use when its
parent is. Uploads younger than the grace period (``MEDIA_GC_GRACE_HOURS``)
are left alone: they may belong to a post still being written. Chunks whose
file document is gone (an upload cut off half way) are removed too.
Everything is read in batches, so memory stays flat however many files
there are.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import click
from bson import ObjectId
from flask import current_app
from flask.cli import AppGroup

from ..database import get_db
from ..models import Post, User, utcnow
from .storage import grace_period

BATCH = 500


@dataclass
class Garbage:
    files: list = field(default_factory=list)  # fs.files documents
    orphaned_chunks: list = field(default_factory=list)  # files_id values

    @property
    def bytes(self):
        return sum(doc.get("length", 0) for doc in self.files)


def find_garbage(grace):
    """The files and orphaned chunk groups older than ``grace`` that
    nothing refers to."""
    cutoff = utcnow() - grace
    database = get_db(current_app)
    garbage = Garbage()
    old_files = database["fs.files"].find(
        {"uploadDate": {"$lt": cutoff}},
        {
            "filename": 1,
            "length": 1,
            "uploadDate": 1,
            "metadata.kind": 1,
            "metadata.parent_id": 1,
            "metadata.reused_at": 1,
        },
    )
    for batch in _batches(old_files):
        garbage.files.extend(_unreferenced(database, batch, cutoff))
    # Walks the (files_id, n) index, from which $group takes each id once.
    groups = database["fs.chunks"].aggregate(
        [
            {"$match": {"files_id": {"$lt": ObjectId.from_datetime(cutoff)}}},
            {"$sort": {"files_id": 1}},
            {"$group": {"_id": "$files_id"}},
        ]
    )
    for batch in _batches(groups):
        ids = [g["_id"] for g in batch]
        present = {d["_id"] for d in database["fs.files"].find({"_id": {"$in": ids}}, {"_id": 1})}
        garbage.orphaned_chunks.extend(i for i in ids if i not in present)
    return garbage


def remove_garbage(garbage, grace):
    """Delete what ``find_garbage`` found, checking each batch again first:
    a post saved or an upload reusing a file since then keeps it. The file
    document goes only if it was not reused meanwhile (a condition of the
    delete itself), then its chunks. Returns how many files went."""
    database = get_db(current_app)
    files, chunks = database["fs.files"], database["fs.chunks"]
    removed = 0
    for batch in _batches(garbage.files):
        for doc in _unreferenced(database, batch, utcnow() - grace):
            reused = (doc.get("metadata") or {}).get("reused_at")
            if files.delete_one({"_id": doc["_id"], "metadata.reused_at": reused}).deleted_count:
                chunks.delete_many({"files_id": doc["_id"]})
                removed += 1
    for files_id in garbage.orphaned_chunks:
        chunks.delete_many({"files_id": files_id})
    return removed


def _unreferenced(database, docs, cutoff):
    """The documents of ``docs`` whose file (or parent file) is unused."""
    root_of = {doc["_id"]: (doc.get("metadata") or {}).get("parent_id") or doc["_id"] for doc in docs}
    roots = list(set(root_of.values()))
    in_use = set(Post._get_collection().distinct("files", {"files": {"$in": roots}}))
    in_use |= {
        u["avatar_id"] for u in User._get_collection().find({"avatar_id": {"$in": roots}}, {"avatar_id": 1})
    }
    # A parent uploaded or re-uploaded within the grace period keeps its
    # children, as it keeps itself.
    in_use |= {
        d["_id"]
        for d in database["fs.files"].find(
            {
                "_id": {"$in": roots},
                "$or": [{"uploadDate": {"$gte": cutoff}}, {"metadata.reused_at": {"$gte": cutoff}}],
            },
            {"_id": 1},
        )
    }
    return [doc for doc in docs if root_of[doc["_id"]] not in in_use]


def _batches(cursor):
    batch = []
    for doc in cursor:
        batch.append(doc)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


media_cli = AppGroup("media", help="Manage uploaded files in GridFS.")


@media_cli.command("gc")
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
@click.option(
    "--grace-hours",
    type=click.IntRange(min=0),
    default=None,
    help="Keep unattached uploads younger than this (default MEDIA_GC_GRACE_HOURS).",
)
def gc_command(dry_run, grace_hours):
    """Remove stored files no post or user refers to, and orphaned chunks."""
    grace = timedelta(hours=grace_hours) if grace_hours is not None else grace_period()
    garbage = find_garbage(grace)
    verb = "would remove" if dry_run else "removed"
    for doc in garbage.files:
        kind = (doc.get("metadata") or {}).get("kind", "file")
        click.echo(
            f"{verb} {doc['_id']}  {kind:<10} {doc.get('length', 0):>10} bytes  {doc.get('filename') or ''}"
        )
    for files_id in garbage.orphaned_chunks:
        click.echo(f"{verb} orphaned chunks of {files_id}")
    if not dry_run:
        kept = len(garbage.files) - remove_garbage(garbage, grace)
        if kept:
            click.echo(f"kept {kept} files put to use while this ran")
    click.echo(
        f"{verb} {len(garbage.files)} unreferenced files ({garbage.bytes} bytes) and "
        f"{len(garbage.orphaned_chunks)} orphaned chunk groups "
        f"(grace period {grace.total_seconds() / 3600:g} h)"
    )
