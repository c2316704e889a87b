"""The indexes GridFS's collections are queried by: dedup, a parent's
children, ``media gc`` and the admin. GridFS files have no
MongoEngine document to declare them on, so they are declared here and built
by ``site_app.indexes`` with every other index."""

from flask import current_app

from ..database import create_missing_indexes, get_db


def ensure_media_indexes(database=None):
    """Create the indexes ``fs.files`` is queried by (dedup, a parent's
    children) and GridFS's own chunk index; returns
    ``{collection: [new index names]}``."""
    database = database if database is not None else get_db(current_app)
    wanted = {
        "fs.files": [
            ([("metadata.source_sha256", 1), ("metadata.owner", 1)], {"name": "media_dedup"}),
            ([("metadata.parent_id", 1)], {"name": "media_parent", "sparse": True}),
            # Not sparse: the admin's list asks for files without a parent.
            ([("metadata.parent_id", 1), ("uploadDate", -1), ("_id", -1)], {"name": "media_uploads_newest"}),
            ([("uploadDate", 1)], {"name": "media_uploaded"}),  # media gc: the old files
            ([("length", 1)], {"name": "media_length"}),  # the dashboard's total
            ([("filename", 1), ("uploadDate", 1)], {"name": "filename_1_uploadDate_1"}),
        ],
        "fs.chunks": [([("files_id", 1), ("n", 1)], {"name": "files_id_1_n_1", "unique": True})],
    }
    return {name: create_missing_indexes(database[name], specs) for name, specs in wanted.items()}
