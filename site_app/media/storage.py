"""Uploaded files in GridFS: validation by content, storage, dedup, serving.

INTERFACE (implemented by the media work; other blueprints call only these):
"""


class UploadRejected(ValueError):
    """An upload that fails validation; ``status`` is the HTTP status to answer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.message = message
        self.status = status


def store_upload(file_storage, owner):
    """Validate and store one uploaded file; returns a dict
    ``{"id", "url", "filename", "content_type", "size", "is_image"}``."""
    raise NotImplementedError


def store_post_images(file_storages, owner):
    """Store the images of the write form's ``images`` field; returns the
    stored dicts (as ``store_upload``), skipping empty file inputs."""
    raise NotImplementedError


def markdown_for(stored):
    """The Markdown that shows a stored file in a post body."""
    raise NotImplementedError


def file_ids_in(markdown_text):
    """The GridFS ids a post body refers to (``/files/<id>`` links)."""
    raise NotImplementedError


def release_post_files(post):
    """Delete the files of a deleted post that no other post uses."""
    raise NotImplementedError


def set_avatar(user, file_storage):
    """Validate, resize and store a new avatar; deletes the old one."""
    raise NotImplementedError
