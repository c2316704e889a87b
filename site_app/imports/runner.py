"""The import job: the checked file's posts stored one by one, each item's
outcome recorded on its :class:`ImportRun` as it goes (the progress page
reads it)."""

import io
import posixpath
from contextlib import nullcontext

from bson import ObjectId
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from mongoengine.errors import ValidationError
from werkzeug.datastructures import FileStorage

from ..database import gridfs_for
from ..i18n import supported
from ..jobs import enqueue
from ..markup import ContentTooLarge
from ..media import storage
from ..models import Post, User
from ..models.imports import AlreadyImported, ImportRun
from .items import relink
from .reading import checked_items, post_from
from .refusals import ImportRefused

# The placeholder id in the file URL pattern the view hands the job (a job
# has no request to build URLs from).
FILE_ID_PLACEHOLDER = "0" * 24


def start_import(author, filename, data, kind, file_url):
    """Keep the (checked) upload and queue its import; returns the run."""
    file_id = gridfs_for(current_app).put(
        data, filename=filename or "import", metadata={"owner": author.id, "kind": "import"}
    )
    run = ImportRun(owner=author.id, filename=(filename or "")[:255], kind=kind, file_id=file_id)
    run.save()
    enqueue("site_app.imports.runner.run_import", str(run.id), file_url)
    return run


def run_import(run_id, file_url):
    """The job. Safe to run twice (jobs are delivered at least once): what
    a first run stored is skipped as already imported."""
    run = ImportRun.objects(id=ObjectId(run_id)).first()
    author = User.objects(id=run.owner).first() if run else None
    if run is None or run.state in ("done", "failed") or author is None:
        return
    fs = gridfs_for(current_app)
    # The reasons the run keeps are written in the writer's language (else
    # the page's, or DEFAULT_LOCALE in a job without a request).
    with _in_language_of(author):
        try:
            _kind, items = checked_items(fs.get(run.file_id).read(), author)
        except ImportRefused as refused:  # nothing stored: the file is refused whole
            run.finish(author.id, error=str(refused))
            fs.delete(run.file_id)
            return
        run.start(len(items))
        have = Post.already_imported(
            author.id, [item.source for item in items], [item.canonical_url for item in items]
        )
        for item in items:
            if item.source in have or (item.canonical_url and item.canonical_url in have):
                run.record(item.title, "skipped", _("Already imported."))
                continue
            run.record(item.title, *_import_one(item, author, file_url))
            have.update({item.source, item.canonical_url})
    run.finish(author.id)
    fs.delete(run.file_id)


def _in_language_of(author):
    chosen = supported(getattr(author, "locale", None))
    return force_locale(chosen) if chosen else nullcontext()


def _import_one(item, author, file_url):
    """``(outcome, reason)`` of storing one item as a post of ``author``."""
    if not item.body.strip():  # as the write page, which asks for a text
        return "failed", _("The post has no text.")
    try:
        # Images of a post then refused stay unattached: `flask media gc` takes them.
        urls, files = _store_images(item, author, file_url)
        post_from(item, author, relink(item.body, urls), files=files).save_imported()
    except AlreadyImported:
        return "skipped", _("Already imported.")
    except storage.UploadRejected as rejected:
        return "failed", rejected.message
    except (ValidationError, ContentTooLarge) as exc:
        return "failed", str(exc)
    return "imported", ""


def _store_images(item, author, file_url):
    """The item's images in GridFS through the media store's own checks
    (their bytes decide): ``({target as written: URL}, [file ids])``."""
    targets = list(item.images)
    uploads = [
        FileStorage(
            io.BytesIO(item.images[target]), filename=posixpath.basename(target.strip("<>")) or "image"
        )
        for target in targets
    ]
    stored = storage.store_post_images(uploads, author)
    urls = {
        target: file_url.replace(FILE_ID_PLACEHOLDER, file["id"]) for target, file in zip(targets, stored)
    }
    return urls, [ObjectId(file["id"]) for file in stored]
