"""Who may read a stored file at ``/files/<id>``: the one home of that rule.

A file id is an ObjectId, a counter: anyone can guess the ids next to their
own uploads or to any id the same worker made, so an id is never a secret.

- Only what uploads make is served here: images, attachments, avatars and
  their smaller copies. Anything else GridFS holds (an account's export zip)
  has its own route, which asks who is signed in.
- A file a published post uses, and an avatar, are everyone's: shared
  caches may keep them.
- A file only drafts use is read by who may read those drafts.
- A file no post uses yet (an upload before its post is saved, or never
  saved) is its uploader's, and an administrator's.

A smaller copy (a thumbnail, an avatar size) is judged as the file it
belongs to, whichever id names it.
"""

from ..models import Post
from . import storage

_SERVED_KINDS = {storage.KIND_IMAGE, storage.KIND_ATTACHMENT, storage.KIND_THUMBNAIL, storage.KIND_AVATAR}


def readers_of(grid_out, user):
    """``(may_read, everyone)``: whether ``user`` may read the stored file,
    and whether everyone may (so shared caches may keep it)."""
    metadata = grid_out.metadata or {}
    kind = metadata.get("kind")
    if kind not in _SERVED_KINDS:
        return False, False
    if kind == storage.KIND_AVATAR:
        return True, True
    published, drafts = Post.uses_of_file(metadata.get("parent_id") or grid_out._id)
    if published:
        return True, True
    if drafts:
        return any(draft.can_be_read_by(user) for draft in drafts), False
    uploader = user.is_authenticated and user.id == metadata.get("owner")
    return uploader or user.is_administrator(), False
