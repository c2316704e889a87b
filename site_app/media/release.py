"""Releasing the files of a deleted post: the media store listens for
deleted posts (MongoEngine's ``post_delete``), so the models never call
into media, and a post can only free what its own author uploaded for it.
"""

import logging

from bson import ObjectId
from flask import current_app
from mongoengine import signals
from pymongo.errors import PyMongoError

from ..database import get_db
from ..models import Post, User, utcnow
from . import storage


def release_post_files(post):
    """Delete the files of a deleted post that its author uploaded for
    posts and no other post uses.

    A body may link anyone's file (another writer's image, an avatar):
    those are never the post's to release. A file someone re-uploaded
    within the grace period (an identical upload reuses the stored file)
    may be about to go into another post, so it is left for ``media gc``
    to judge later. Returns the deleted ids.
    """
    file_ids = [ObjectId(str(f)) for f in post.files or []]
    if not file_ids:
        return []
    reused_since = utcnow() - storage.grace_period()
    own = [
        doc["_id"]
        for doc in get_db(current_app)["fs.files"].find(
            {
                "_id": {"$in": file_ids},
                "metadata.owner": post.author_id,
                "metadata.kind": {"$in": [storage.KIND_IMAGE, storage.KIND_ATTACHMENT]},
            },
            {"metadata.reused_at": 1},
        )
        if not _reused_since(doc, reused_since)
    ]
    still_used = (
        set(Post._get_collection().distinct("files", {"files": {"$in": own}, "_id": {"$ne": post.id}}))
        if own
        else set()
    )
    released = [f for f in own if f not in still_used]
    for file_id in released:
        storage.delete_stored_file(file_id)
    return released


def _reused_since(doc, since):
    reused_at = (doc.get("metadata") or {}).get("reused_at")
    return reused_at is not None and reused_at >= since


def connect_signals():
    """Release a post's files once the post is deleted, whichever path
    deleted it. The post goes first: should the release fail, the files are
    unreferenced and ``media gc`` sweeps them, while the other order could
    leave a post whose images are gone."""
    signals.post_delete.connect(_release_files_of_deleted_post, sender=Post, weak=False)
    signals.post_delete.connect(_release_avatar_of_deleted_account, sender=User, weak=False)


def _release_files_of_deleted_post(sender, document, **kwargs):
    try:
        release_post_files(document)
    except PyMongoError:
        logging.getLogger(__name__).warning(
            "could not release the files of deleted post %s; `flask media gc` will", document.id
        )


def _release_avatar_of_deleted_account(sender, document, **kwargs):
    """A deleted account's avatar (and its sizes) goes with it."""
    if document.avatar_id:
        try:
            storage.delete_stored_file(document.avatar_id)
        except PyMongoError:
            logging.getLogger(__name__).warning(
                "could not delete the avatar of deleted account %s; `flask media gc` will", document.id
            )
