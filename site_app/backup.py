"""``flask --app site_app backup PATH`` and ``restore PATH [--replace]``:
every collection of the site's database, GridFS's ``fs.files`` and
``fs.chunks`` included, in one zip archive.

The archive holds one member per collection, ``collections/<name>.bson``,
the collection's documents as concatenated BSON (what ``mongodump`` writes
and ``bsondump`` reads), and ``manifest.json`` last, with the format version,
each collection's document count and its index names. Documents are written
one at a time from the cursor into the deflated member and read back with
``bson.decode_file_iter`` in batches, so neither command holds a collection
in memory. The same code runs on the embedded default and on MongoDB.

A backup is written to ``PATH.partial`` and renamed when whole. A restore
reads the whole archive once before it changes anything (a cut or altered
archive is refused with the database untouched), refuses a database that
holds documents unless told ``--replace`` (which drops every collection
first), and builds every declared index afterwards (``indexes.ensure_indexes``,
as ``deploy`` does).
"""

import datetime
import itertools
import json
import os
import zipfile
from pathlib import Path

import bson
import click
from bson.errors import BSONError
from flask import current_app
from flask.cli import with_appcontext

from .database import get_db, is_embedded
from .indexes import ensure_indexes

FORMAT = "inkwell-backup"
VERSION = 1
MANIFEST = "manifest.json"
_MEMBER_PREFIX = "collections/"
_INSERT_BATCH = 500  # documents per insert_many: bounded memory, few round trips


class BackupError(click.ClickException):
    """A refused backup or restore: ``Error: <message>`` and exit status 1."""


def collection_names(database):
    """The database's collections, read from the server (``system.*`` is the
    server's own)."""
    return sorted(name for name in database.list_collection_names() if not name.startswith("system."))


# -- writing ----------------------------------------------------------------------
def write_backup(database, path):
    """Write every collection of ``database`` to a zip at ``path``; returns
    ``{collection: documents written}``."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    counts, indexes = {}, {}
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in collection_names(database):
                collection = database[name]
                indexes[name] = sorted(collection.index_information())
                # force_zip64: a member's size is unknown until it is written.
                with archive.open(_MEMBER_PREFIX + name + ".bson", "w", force_zip64=True) as member:
                    counts[name] = _write_documents(collection.find({}), member)
            archive.writestr(MANIFEST, json.dumps(_manifest(database, counts, indexes), indent=1))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return counts


def _write_documents(cursor, stream):
    written = 0
    for document in cursor:
        stream.write(bson.encode(document))
        written += 1
    return written


def _manifest(database, counts, indexes):
    return {
        "format": FORMAT,
        "version": VERSION,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": database.name,
        "collections": {name: {"documents": counts[name], "indexes": indexes[name]} for name in counts},
    }


# -- reading ----------------------------------------------------------------------
def read_manifest(archive, path):
    """The archive's manifest, checked to be an Inkwell backup this code reads."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(f"{path} is not an Inkwell backup (no {MANIFEST})") from None
    except ValueError as exc:
        raise BackupError(f"{path} has an unreadable {MANIFEST} ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} is not an Inkwell backup (format {manifest.get('format')!r})"
            if isinstance(manifest, dict)
            else f"{path} is not an Inkwell backup"
        )
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"{path} is a version {manifest.get('version')} backup; this release reads version {VERSION}"
        )
    return manifest


def documents_of(archive, name):
    """The documents of collection ``name``, decoded one by one."""
    with archive.open(_MEMBER_PREFIX + name + ".bson") as member:
        yield from bson.decode_file_iter(member)


def verify(archive, manifest, path):
    """Read every member once: each decodes and holds the count the manifest
    says (zip checks each member's CRC as it is read)."""
    for name, entry in manifest["collections"].items():
        try:
            found = sum(1 for _ in documents_of(archive, name))
        except KeyError:
            raise BackupError(f"{path} lacks the collection {name} its manifest lists") from None
        except (BSONError, zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise BackupError(f"{path} is damaged in collection {name} ({exc})") from None
        if found != entry["documents"]:
            raise BackupError(
                f"{path} is damaged: {name} holds {found} documents, its manifest says {entry['documents']}"
            )


def open_archive(path):
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"{path} is not a readable backup archive ({exc})") from None


# -- restoring --------------------------------------------------------------------
def occupied(database):
    """``{collection: documents}`` for each collection holding any."""
    counts = {name: database[name].estimated_document_count() for name in collection_names(database)}
    return {name: count for name, count in counts.items() if count}


def restore_backup(database, path, replace=False):
    """Fill ``database`` from the archive at ``path``; returns
    ``{collection: documents restored}``. Refuses (changing nothing) a
    damaged archive, and a database holding documents unless ``replace``."""
    with open_archive(path) as archive:
        manifest = read_manifest(archive, path)
        verify(archive, manifest, path)
        held = occupied(database)
        if held and not replace:
            listed = ", ".join(f"{name} ({count})" for name, count in held.items())
            raise BackupError(
                f"the database {database.name} is not empty: {listed}. Nothing was restored. "
                "Restore into an empty database, or add --replace to drop every collection "
                "first and replace the whole database with the backup"
            )
        if replace:
            for name in collection_names(database):
                database.drop_collection(name)
        restored = {}
        for name in manifest["collections"]:
            restored[name] = _insert_in_batches(database[name], documents_of(archive, name))
    return restored


def missing_indexes(database, path):
    """``{collection: [names]}``: indexes the backed-up database had that
    the restored one lacks after ``ensure_indexes`` (an index built by hand,
    or one this release no longer declares)."""
    with open_archive(path) as archive:
        manifest = read_manifest(archive, path)
    missing = {}
    for name, entry in manifest["collections"].items():
        have = set(database[name].index_information())
        lacking = sorted(set(entry["indexes"]) - have)
        if lacking:
            missing[name] = lacking
    return missing


def _insert_in_batches(collection, documents):
    inserted = 0
    while batch := list(itertools.islice(documents, _INSERT_BATCH)):
        collection.insert_many(batch)
        inserted += len(batch)
    return inserted


# -- the commands -----------------------------------------------------------------
def _kept_store(app):
    """On the embedded default, the store ``flask demo``/``run`` keep in
    ``EMBEDDED_DATA_DIR``, loaded (``None`` on MongoDB or when nothing is
    kept: the database is then this process's own)."""
    if not is_embedded(app):
        return None
    if not app.config.get("EMBEDDED_DATA_DIR"):
        if not app.testing:
            click.echo(
                "warning: MONGODB_URI and EMBEDDED_DATA_DIR are unset: this works on "
                "an in-memory database that is gone when the command ends.",
                err=True,
            )
        return None
    from .embedded_files import KeptStore  # never imported by production

    store = KeptStore(get_db(app), app.config["EMBEDDED_DATA_DIR"])
    store.load()
    return store


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path):
    """Write every collection (GridFS files included) to the zip archive PATH."""
    app = current_app._get_current_object()
    _kept_store(app)
    counts = write_backup(get_db(app), path)
    for name, count in counts.items():
        click.echo(f"{name}: {count} documents")
    click.echo(f"backed up {sum(counts.values())} documents in {len(counts)} collections to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True, help="Drop every collection of a non-empty database first.")
@with_appcontext
def restore_command(path, replace):
    """Fill the database from the backup archive PATH (an empty one, unless --replace)."""
    app = current_app._get_current_object()
    store = _kept_store(app)
    restored = restore_backup(get_db(app), path, replace=replace)
    built = ensure_indexes()
    if store is not None:
        store.save()
    for name, missing in missing_indexes(get_db(app), path).items():
        click.echo(
            f"warning: {name} lacks the indexes {', '.join(missing)} the backup had "
            "(not declared by this release)",
            err=True,
        )
    for name, count in restored.items():
        click.echo(f"{name}: {count} documents")
    new_indexes = sum(len(names) for names in built.values())
    click.echo(
        f"restored {sum(restored.values())} documents in {len(restored)} collections "
        f"from {path}; indexes built: {new_indexes}"
    )


def register(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
