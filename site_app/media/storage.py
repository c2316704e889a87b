"""Uploaded files in GridFS: validation by content, storage, dedup, release.

Other blueprints call only the interface functions: ``store_upload``,
``store_post_images``, ``markdown_for`` and ``set_avatar``
(plus ``UploadRejected``); ``release`` frees a deleted post's files.

Each GridFS file carries its facts in ``metadata``::

    owner          ObjectId of the uploading user
    original_name  the uploaded name after ``secure_filename``
    content_type   what the bytes are (sniffed, never the client's word)
    size, sha256   of the stored bytes; sha256 is the ETag
    source_sha256  of the uploaded bytes: re-uploading them reuses the file
    kind           image | attachment | avatar | thumbnail
    thumbnail_id   the smaller copy of an image, when there is one
    parent_id      on a thumbnail or avatar size: the file it belongs to
    variants       on an avatar: {"32": id, "64": id, ...}

``uploadDate`` (GridFS's own field) is the upload time. A file with a
``parent_id`` lives and dies with its parent.
"""

import hashlib
import logging
import re
from datetime import timedelta

import gridfs
from bson import ObjectId
from flask import current_app
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from ..database import get_db, gridfs_for
from ..models import User, utcnow
from ..models.signals import content_changed
from . import images, sniffing

KIND_IMAGE = "image"
KIND_ATTACHMENT = "attachment"
KIND_AVATAR = "avatar"
KIND_THUMBNAIL = "thumbnail"
# Avatar sizes kept; a page asking for another size gets the next larger.
AVATAR_SIZES = (32, 64, 128, 256)
_IMAGE_SUFFIXES = {
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "bmp",
    "tif",
    "tiff",
    "svg",
    "svgz",
    "ico",
    "heic",
    "avif",
}


class UploadRejected(ValueError):
    """An upload that fails validation; ``status`` is the HTTP status to answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


# -- the interface -------------------------------------------------------------
def store_upload(file_storage, owner):
    """Validate and store one uploaded file; returns a dict
    ``{"id", "filename", "content_type", "size", "is_image"}`` (the views
    add the ``url``: URLs are theirs to build).

    Raises :class:`UploadRejected` (nothing is stored then)."""
    return _store(file_storage, owner)[0]


def store_post_images(file_storages, owner):
    """Store the images of the write form's ``images`` field; returns the
    stored dicts (as ``store_upload``), skipping empty file inputs.

    All or nothing: when one image is rejected, the ones this call stored
    are deleted again before :class:`UploadRejected` is raised.
    """
    stored, created = [], []
    try:
        for file_storage in file_storages or []:
            if _is_empty_input(file_storage):
                continue
            described, is_new = _store(file_storage, owner, images_only=True)
            stored.append(described)
            if is_new:
                created.append(ObjectId(described["id"]))
    except UploadRejected:
        for file_id in created:
            delete_stored_file(file_id)
        raise
    return stored


def markdown_for(stored):
    """The Markdown that shows a stored file (with its ``url``) in a post body."""
    name = _markdown_text(stored["filename"])
    if stored.get("is_image"):
        alt = _markdown_text(re.sub(r"[_-]+", " ", stored["filename"].rsplit(".", 1)[0]).strip())
        return f"![{alt or 'image'}]({stored['url']})"
    return f"[{name}]({stored['url']})"


def set_avatar(user, file_storage):
    """Validate, crop square, resize and store a new avatar, point the user
    at it in one atomic update and delete the previous one.

    Raises :class:`UploadRejected` (the old avatar is kept then)."""
    stream, filename = _received(file_storage)
    try:
        image = images.open_image(stream, _max_pixels())
        master = images.square(image, AVATAR_SIZES[-1])
    except images.NotAnImage as exc:
        raise UploadRejected(_("An avatar must be a JPEG, PNG, GIF or WebP image."), 415) from exc
    except images.BadImage as exc:
        raise UploadRejected(str(exc)) from exc
    master_id = ObjectId()
    created = []
    try:
        variants = {}
        for side in AVATAR_SIZES:
            if side >= master.width:
                break
            encoded = images.encode_avatar(master, side)
            created.append(_put_bytes(encoded, filename, user, KIND_AVATAR, parent_id=master_id))
            variants[str(side)] = created[-1]
        encoded = images.encode_avatar(master, master.width)
        created.append(_put_bytes(encoded, filename, user, KIND_AVATAR, file_id=master_id, variants=variants))
    except Exception:
        for file_id in created:
            delete_stored_file(file_id)
        raise
    before = User._get_collection().find_one_and_update(
        {"_id": user.id}, {"$set": {"avatar_id": master_id}}, projection={"avatar_id": True}
    )
    user.avatar_id = master_id
    content_changed.send(User, author=user.id)  # the avatar's URL on every page showing them
    previous = (before or {}).get("avatar_id")
    if previous and previous != master_id:
        delete_stored_file(previous)
    return master_id


# -- reading -------------------------------------------------------------------
def open_stored_file(file_id, thumbnail=False):
    """The GridOut of ``/files/<file_id>`` (its thumbnail when asked and
    there is one), or ``None`` for an unknown id."""
    grid_out = _open(ObjectId(file_id))
    if grid_out is not None and thumbnail:
        thumbnail_id = (grid_out.metadata or {}).get("thumbnail_id")
        smaller = _open(thumbnail_id) if thumbnail_id else None
        if smaller is not None:
            grid_out.close()
            return smaller
    return grid_out


def avatar_file(user, size):
    """The stored avatar size closest above ``size`` pixels, or ``None``
    when the user has no (readable) uploaded avatar."""
    if user is None or not user.avatar_id:
        return None
    master = _open(user.avatar_id)
    if master is None:
        return None
    variants = (master.metadata or {}).get("variants") or {}
    for side in sorted(int(s) for s in variants):
        if side >= size:
            variant = _open(variants[str(side)])
            if variant is not None:
                master.close()
                return variant
    return master


def is_inline_image(content_type):
    """Whether a type is a raster image a browser may show inline."""
    return content_type in images.IMAGE_TYPES.values()


# -- deleting ------------------------------------------------------------------
def delete_stored_file(file_id):
    """Delete a file, its chunks and the files that belong to it
    (thumbnail, avatar sizes)."""
    fs = _fs()
    for child in _files().find({"metadata.parent_id": file_id}, {"_id": 1}):
        fs.delete(child["_id"])
    fs.delete(file_id)


def grace_period():
    """How long an upload may stay unattached before ``media gc`` takes it."""
    return timedelta(hours=current_app.config.get("MEDIA_GC_GRACE_HOURS", 24))


# -- storing -------------------------------------------------------------------
def _store(file_storage, owner, images_only=False):
    """``(description, created)``: ``created`` is False when identical
    bytes were already stored by this owner and that file is reused."""
    stream, filename = _received(file_storage)
    source_sha256 = _sha256_of(stream)
    duplicate = _find_duplicate(owner, source_sha256)
    if duplicate is not None:
        claims_image = images_only or _claims_to_be_image(file_storage)
        if claims_image and duplicate["metadata"]["kind"] != KIND_IMAGE:
            raise _not_an_image(filename)
        _files().update_one({"_id": duplicate["_id"]}, {"$set": {"metadata.reused_at": utcnow()}})
        return _describe(duplicate, filename), False
    try:
        image = images.open_image(stream, _max_pixels())
    except images.BadImage as exc:
        raise UploadRejected(_("%(filename)s: %(exc)s", filename=filename, exc=exc)) from exc
    except images.NotAnImage:
        if sniffing.looks_like_markup(stream):
            raise UploadRejected(
                _(
                    "%(filename)s: SVG, HTML and XML files are not accepted because they can carry scripts.",
                    filename=filename,
                ),
                415,
            ) from None
        if images_only or _claims_to_be_image(file_storage):
            raise _not_an_image(filename) from None
        return _store_attachment(stream, filename, owner, source_sha256), True
    return _store_image(image, filename, owner, source_sha256), True


def _store_image(image, filename, owner, source_sha256):
    try:
        encoded = images.reencode(image, current_app.config["MAX_IMAGE_DIMENSION"])
        smaller = images.thumbnail_of(image, current_app.config["THUMBNAIL_SIZE"])
    except images.BadImage as exc:
        raise UploadRejected(_("%(filename)s: %(exc)s", filename=filename, exc=exc)) from exc
    name = _with_extension(filename, encoded.extension)
    image_id = ObjectId()
    thumbnail_id = None
    if smaller is not None:
        # The thumbnail first: should storing the image fail, an orphaned
        # thumbnail (its parent missing) is what `media gc` removes.
        thumbnail_id = _put_bytes(smaller, "thumb-" + name, owner, KIND_THUMBNAIL, parent_id=image_id)
    try:
        _put_bytes(
            encoded,
            name,
            owner,
            KIND_IMAGE,
            file_id=image_id,
            thumbnail_id=thumbnail_id,
            source_sha256=source_sha256,
        )
    except Exception:
        if thumbnail_id:
            delete_stored_file(thumbnail_id)
        raise
    return _describe(_files().find_one({"_id": image_id}), name)


def _store_attachment(stream, filename, owner, source_sha256):
    content_type = sniffing.sniff_type(stream)
    allowed = current_app.config["ALLOWED_ATTACHMENT_TYPES"]
    if content_type not in allowed:
        accepted = ", ".join(["JPEG, PNG, GIF or WebP images"] + list(allowed))
        raise UploadRejected(
            _(
                "%(filename)s: this kind of file is not accepted (the site takes %(accepted)s).",
                filename=filename,
                accepted=accepted,
            ),
            415,
        )
    size = _size_of(stream)
    stream.seek(0)
    file_id = _put_whole(
        stream,
        filename=filename,
        metadata=_metadata(
            owner,
            filename,
            content_type,
            KIND_ATTACHMENT,
            size=size,
            sha256=source_sha256,
            source_sha256=source_sha256,
        ),
    )
    return _describe(_files().find_one({"_id": file_id}), filename)


def _put_bytes(encoded, filename, owner, kind, file_id=None, **extra):
    """Store encoded image bytes; returns the new file's id."""
    metadata = _metadata(
        owner,
        filename,
        encoded.content_type,
        kind,
        size=len(encoded.data),
        sha256=hashlib.sha256(encoded.data).hexdigest(),
        width=encoded.width,
        height=encoded.height,
        **extra,
    )
    return _put_whole(encoded.data, _id=file_id or ObjectId(), filename=filename, metadata=metadata)


def _put_whole(data, **kwargs):
    """``GridFS.put`` that leaves no half file when it fails: GridFS writes
    the chunks first and the file document last, so a failure in between
    (the database dropping out) would leave chunks no file owns."""
    file_id = kwargs.setdefault("_id", ObjectId())
    try:
        return _fs().put(data, **kwargs)
    except Exception:
        try:
            _fs().delete(file_id)
        except Exception:  # still unreachable: `flask media gc` removes orphaned chunks
            logging.getLogger(__name__).warning("could not remove the chunks of failed upload %s", file_id)
        raise


def _metadata(owner, filename, content_type, kind, **facts):
    owner_id = getattr(owner, "id", owner)
    metadata = {"owner": owner_id, "original_name": filename, "content_type": content_type, "kind": kind}
    metadata.update({key: value for key, value in facts.items() if value is not None})
    return metadata


def _describe(doc, filename):
    metadata = doc.get("metadata") or {}
    content_type = metadata.get("content_type", "application/octet-stream")
    return {
        "id": str(doc["_id"]),
        "filename": filename,
        "content_type": content_type,
        "size": doc.get("length", metadata.get("size", 0)),
        "is_image": is_inline_image(content_type),
    }


def _find_duplicate(owner, source_sha256):
    return _files().find_one(
        {
            "metadata.source_sha256": source_sha256,
            "metadata.owner": getattr(owner, "id", owner),
            "metadata.kind": {"$in": [KIND_IMAGE, KIND_ATTACHMENT]},
        }
    )


# -- small helpers -------------------------------------------------------------
def _received(file_storage):
    """The upload's stream (at its start) and safe name, or a rejection
    for a missing or empty file."""
    if file_storage is None or (not file_storage.filename and _size_of(file_storage.stream) == 0):
        raise UploadRejected(_("No file was uploaded: choose a file and send it in the form field `file`."))
    stream = file_storage.stream
    if _size_of(stream) == 0:
        raise UploadRejected(_("%(file)s is empty (0 bytes).", file=file_storage.filename or "The file"))
    stream.seek(0)
    return stream, secure_filename(file_storage.filename or "") or "upload"


def _is_empty_input(file_storage):
    # A file input left empty still arrives as a part with no name.
    return file_storage is None or not file_storage.filename


def _claims_to_be_image(file_storage):
    suffix = (file_storage.filename or "").rsplit(".", 1)[-1].lower()
    declared = (file_storage.mimetype or "").lower()
    return suffix in _IMAGE_SUFFIXES or declared.startswith("image/")


def _not_an_image(filename):
    return UploadRejected(
        _(
            "%(filename)s is not a valid image: the site takes JPEG, PNG, GIF and "
            "WebP images, checked by their content.",
            filename=filename,
        )
    )


def _sha256_of(stream):
    stream.seek(0)
    digest = hashlib.file_digest(stream, "sha256").hexdigest()
    stream.seek(0)
    return digest


def _size_of(stream):
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def _with_extension(filename, extension):
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return f"{stem or 'image'}.{extension}"


def _markdown_text(text):
    return re.sub(r"([\\\[\]()*_`])", r"\\\1", text)


def _max_pixels():
    return current_app.config.get("MAX_IMAGE_PIXELS", 40_000_000)


def _fs():
    return gridfs_for(current_app)


def _files():
    return get_db(current_app)["fs.files"]


def _open(file_id):
    try:
        return _fs().get(file_id)
    except gridfs.errors.NoFile:
        return None
