"""Files in GridFS in the admin: list with owner, size and type, preview
images, delete.

Reads ``fs.files`` only (never the chunks) and names the owners with one
query a page.
"""

from bson import ObjectId
from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _

from ..database import get_db, gridfs_for
from ..media.storage import delete_stored_file
from ..models import Post, User
from ..pagination import Page, clamp_page, page_arg
from .access import AdministratorsOnly

PER_PAGE = 40


# Thumbnails and avatar sizes (files with a ``parent_id``) live and die
# with their parent, so the list shows only the files people uploaded.
# Equality with null (not ``$exists: false``) is what the non-sparse
# ``media_uploads_newest`` index serves.
_UPLOADED = {"metadata.parent_id": None}


def _content_type(doc):
    metadata = doc.get("metadata") or {}
    return metadata.get("content_type") or doc.get("contentType") or "application/octet-stream"


def stored_files(page, per_page):
    """One page of stored files, newest first, as dicts for the list."""
    files = get_db(current_app)["fs.files"]
    total = files.count_documents(_UPLOADED)
    page = clamp_page(page, total, per_page)
    docs = list(
        files.find(_UPLOADED, {"filename": 1, "length": 1, "uploadDate": 1, "contentType": 1, "metadata": 1})
        .sort([("uploadDate", -1), ("_id", -1)])  # the id breaks ties
        .skip((page - 1) * per_page)
        .limit(per_page)
    )
    owner_ids = {(d.get("metadata") or {}).get("owner") for d in docs} - {None}
    owner_ids = [ObjectId(o) for o in owner_ids if ObjectId.is_valid(str(o))]
    names = {str(u.id): u.username for u in User.objects(id__in=owner_ids).only("username")}
    items = []
    for doc in docs:
        metadata = doc.get("metadata") or {}
        content_type = _content_type(doc)
        items.append(
            {
                "id": doc["_id"],
                "filename": metadata.get("original_name") or doc.get("filename") or str(doc["_id"]),
                "size": doc.get("length", 0),
                "uploaded": doc.get("uploadDate"),
                "content_type": content_type,
                "kind": metadata.get("kind", ""),
                "is_image": content_type.startswith("image/"),
                "owner": names.get(str(metadata.get("owner")), "—"),
            }
        )
    return Page(items, page, per_page, total)


def delete_file_everywhere(file_id):
    """Delete one uploaded file (with its thumbnail and sizes, through the
    media storage) and every reference to it (a post's ``files``, an
    avatar), so nothing points at a file that is gone. False when missing."""
    if not gridfs_for(current_app).exists(file_id):
        return False
    Post.objects(files=file_id).update(pull__files=file_id)
    User.objects(avatar_id=file_id).update(unset__avatar_id=True)
    delete_stored_file(file_id)
    return True


class FilesAdmin(AdministratorsOnly, BaseView):
    @expose("/")
    def index(self):
        return self.render("admin/files.html", listing=stored_files(page_arg(), PER_PAGE))

    @expose("/<objectid:file_id>/delete", methods=["POST"])
    def delete(self, file_id):
        if not delete_file_everywhere(file_id):
            abort(404)
        flash(_("File deleted."), "success")
        return redirect(url_for(".index", page=request.form.get("page", type=int) or 1))
