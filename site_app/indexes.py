"""Every declared index, and the one place it is built.

Documents declare ``auto_create_index: False``: MongoEngine would otherwise
build missing indexes from inside the first request that touches a
collection, and on a replica set an index build can hold a worker past
gunicorn's timeout. On a real server ``flask deploy`` builds them. A fresh
database nobody deploys to (the embedded one, or a test's) gets them when the
app starts: there it is instant, and the unique indexes that keep emails and
usernames unique must exist before the first registration.

An index that exists with other options than declared cannot be changed in
place; deploy then names it and says how to fix it instead of a trace.
"""

from flask import current_app
from pymongo.errors import OperationFailure
from pymongo.operations import IndexModel

from .database import ConfigError, create_indexes, get_db, is_embedded

# Indexes earlier releases built that no query uses any more (each costs
# every write and memory): dropped by deploy. ``comments.disabled_1`` held a
# key for every comment (now the partial ``hidden_comments``); the tag index
# gained ``draft``, the followers index the id; nothing asks fs.files by owner or by stored sha256.
RETIRED = {
    "posts": ["comments.disabled_1", "tags_1_timestamp_-1__id_-1"],
    # Now with the id that orders ties (followers are paged by key).
    "users": ["member_since_-1", "following_1_username_1"],
    "fs.files": ["media_owner", "media_sha256", "media_uploads"],
}
# MongoDB's IndexOptionsConflict and IndexKeySpecsConflict.
_CONFLICT_CODES = {85, 86}
_COMPARED_OPTIONS = ("unique", "sparse")


def documents():
    """Every document class whose indexes deploy must create."""
    from .models import Bookmark, Like, Notification, Post, Role, User
    from .models.audit import AuditEntry
    from .models.blocks import MemberRule
    from .models.exports import ExportJob
    from .models.first_day import FirstDay
    from .models.idempotency import IdempotentAnswer
    from .models.imports import ImportRun
    from .models.post_days import PostDay
    from .models.reports import Report
    from .models.revisions import Revision
    from .models.subscriptions import Delivery, Subscription
    from .models.two_factor import TwoFactor

    return [
        Role,
        User,
        Post,
        Like,
        Bookmark,
        Notification,
        IdempotentAnswer,
        TwoFactor,
        Report,
        MemberRule,
        AuditEntry,
        FirstDay,
        Revision,
        Subscription,
        Delivery,
        PostDay,
        ExportJob,
        ImportRun,
    ]


def build_at_start(app):
    """Build the indexes while the app starts, on a database nobody deploys to."""
    if is_embedded(app) or app.testing:
        with app.app_context():
            ensure_indexes()


def ensure_indexes():
    """Create every declared index; returns ``{collection: [new index names]}``.
    Stops with :class:`ConfigError` when one exists with other options."""
    created = {}
    database = get_db(current_app)
    dropped = drop_retired(database)
    for document in documents():
        # The raw collection, as the document class may not be bound yet.
        collection = database[document._get_collection_name()]
        before = collection.index_information()
        problems = list(_conflicts(document, collection.name, before))
        if problems:
            raise ConfigError("; ".join(problems))
        try:
            # Every declared one, those present too: only the server can
            # tell that one of the same name differs (a text index's weights).
            created[collection.name] = create_indexes(collection, list(_declared(document)), before)
        except OperationFailure as exc:
            if exc.code not in _CONFLICT_CODES:
                raise
            raise ConfigError(
                f"an index on {collection.name} conflicts with the declared ones "
                f"({exc.details.get('errmsg') if exc.details else exc}): drop the index it "
                "names, then run `flask --app site_app deploy` again"
            ) from None
    from .media.indexes import ensure_media_indexes

    created.update(ensure_media_indexes())
    from .sessions import ensure_session_indexes

    created.update(ensure_session_indexes())
    if dropped:  # printed by deploy as "indexes on retired: ..."
        created["retired"] = dropped
    return created


def drop_retired(database):
    """Drop the retired indexes still present; returns their names."""
    dropped = []
    for collection, names in RETIRED.items():
        present = database[collection].index_information()
        for name in names:
            if name in present:
                database[collection].drop_index(name)
                dropped.append(f"{collection}.{name}")
    return dropped


def _declared(document):
    """The indexes MongoEngine would ask the server for (``IndexModel``:
    name, key, options), from the document's ``meta``."""
    for spec in document._meta["index_specs"]:
        options = {k: v for k, v in spec.items() if k not in ("fields", "cls")}
        yield IndexModel(spec["fields"], **options)


def _conflicts(document, collection, existing):
    """One message for each declared index the database holds differently."""
    for model in _declared(document):
        wanted = model.document
        name, keys = wanted["name"], list(wanted["key"].items())
        text = any(direction == "text" for _, direction in keys)
        have = existing.get(name)
        if have is not None:
            differences = [
                f"{option} {bool(have.get(option))} in the database, {bool(wanted.get(option))} declared"
                for option in _COMPARED_OPTIONS
                if bool(have.get(option)) != bool(wanted.get(option))
            ]
            # A text index is stored under its own keys (_fts): names suffice.
            if not text and list(have["key"]) != keys:
                differences.append(f"keys {list(have['key'])} in the database, {keys} declared")
            if differences:
                yield _fix(collection, name, "; ".join(differences))
        elif not text:
            for other, info in existing.items():
                if list(info["key"]) == keys:
                    yield _fix(collection, other, f"declared as {name!r}")


def _fix(collection, name, difference):
    return (
        f"index {name!r} on {collection} differs from the declared one ({difference}): "
        f"drop it (mongosh: db.{collection}.dropIndex({name!r})) and run "
        "`flask --app site_app deploy` again to build it as declared"
    )
