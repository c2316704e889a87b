"""A member's archive (``GET /account/export``): every post as Markdown with
YAML front matter and its images beside it, and ``account.json`` with
everything else the site holds about them (GDPR Art. 20).

The format (TEAM.md, read back by the importer): no root folder;
``account.json``; ``posts/<YYYY-MM-DD>-<slug>/index.md`` with the post's
stored images in the same folder, the body's links to them rewritten to the
file names.

Streamed: ``zipfile`` writes into a pipe that is emptied after every
piece, posts are read from a cursor without the queryset's cache and files
from GridFS a chunk at a time, and ``account.json``'s long lists are
written item by item, so memory stays flat however large the account.
"""

import io
import json
import re
import unicodedata
import zipfile
from datetime import UTC

import frontmatter

from ..markup import file_ids_in
from ..media.storage import open_stored_file
from ..models import Post
from ..models.comments import as_object_id
from .record import account_sections, avatar_name

SLUG_MAX = 60
PIECE = 256 * 1024  # bytes read from GridFS at a time, and handed out at most
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")


class _Pipe(io.RawIOBase):
    """The file ``zipfile`` writes to: not seekable (so it writes data
    descriptors), emptied by the generator after each piece."""

    def __init__(self):
        super().__init__()
        self._pieces = []
        self.waiting = 0

    def writable(self):
        return True

    def write(self, data):
        self._pieces.append(bytes(data))
        self.waiting += len(data)
        return len(data)

    def drain(self):
        data = b"".join(self._pieces)
        self._pieces.clear()
        self.waiting = 0
        return data


def archive_chunks(user, progress=None):
    """The zip of ``user``'s account, as a generator of bytes.
    ``progress(done, total)`` is called after each post."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, pieces, packed in _entries(user, progress):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as member:
                for piece in pieces:
                    member.write(piece)
                    if pipe.waiting >= PIECE:
                        yield pipe.drain()
            yield pipe.drain()
    yield pipe.drain()


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the same bytes for the same account, whenever exported


def _entries(user, progress):
    """``(name, pieces, already compressed)`` for each member of the zip."""
    yield "account.json", _json_pieces(account_sections(user)), False
    avatar = avatar_name(user)
    if avatar:
        yield avatar, _file_pieces(user.avatar_id), _is_packed(avatar)
    posts = Post.objects(author=user.id).exclude("comments").order_by("timestamp", "id")
    total, done, slugs = posts.count(), 0, set()
    for post in posts.no_cache():
        folder, slug = _folder(post, slugs)
        names = _file_names(post.body)
        yield f"{folder}/index.md", [_markdown(post, slug, names).encode()], False
        for file_id, name in names.items():
            yield f"{folder}/{name}", _file_pieces(file_id), _is_packed(name)
        done += 1
        if progress is not None:
            progress(done, total)


def _json_pieces(sections):
    """``{name: value or iterator}`` as JSON text, an item of a list at a time."""
    yield b"{"
    for index, (name, value) in enumerate(sections):
        yield (("," if index else "") + json.dumps(name) + ":").encode()
        if isinstance(value, (dict, str, int, bool)) or value is None:
            yield json.dumps(value, default=_plain, indent=None).encode()
            continue
        yield b"["
        for position, item in enumerate(value):
            yield (("," if position else "") + json.dumps(item, default=_plain)).encode()
        yield b"]"
    yield b"}"


def _plain(value):
    if hasattr(value, "isoformat"):
        return iso_utc(value)
    return str(value)  # ObjectIds


def iso_utc(moment):
    """A stored (naive UTC) time as an ISO 8601 UTC string."""
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z") if moment else None


def slug_of(title, taken):
    """The title lowercased, ASCII-folded, non-alphanumerics as ``-``, at
    most ``SLUG_MAX`` characters; ``-2``, ``-3`` … when ``taken`` has it."""
    folded = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    base = _NOT_ALPHANUMERIC.sub("-", folded.lower()).strip("-")[:SLUG_MAX].strip("-") or "post"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _folder(post, slugs):
    slug = slug_of(post.title, slugs)
    return f"posts/{post.timestamp:%Y-%m-%d}-{slug}", slug


def _file_names(body):
    """``{file id: name in the folder}`` for the stored files the body links:
    the original name, or the id with its extension when that is taken."""
    names = {}
    for file_id in file_ids_in(body):
        stored = open_stored_file(file_id)
        if stored is None:
            continue
        original = (stored.metadata or {}).get("original_name") or stored.filename or ""
        name = _UNSAFE_NAME.sub("-", original).strip(".-") or str(file_id)
        if name in names.values() or name == "index.md":
            extension = name.rsplit(".", 1)[1] if "." in name else "bin"
            name = f"{file_id}.{extension}"
        names[file_id] = name
        stored.close()
    return names


def _markdown(post, slug, names):
    meta = {
        "title": post.title,
        "date": iso_utc(post.timestamp),
        "updated": iso_utc(post.updated or post.timestamp),
        "tags": list(post.tags or []),
        "draft": bool(post.draft),
    }
    optional = {
        "subtitle": post.subtitle,
        "publish_at": iso_utc(post.publish_at),
        "canonical_url": post.canonical_url,
        "excerpt": post.custom_excerpt,
        "lang": post.lang,
    }
    meta.update({key: value for key, value in optional.items() if value})
    meta.update(slug=slug, id=str(post.id))
    return frontmatter.dumps(frontmatter.Post(_relative_links(post.body, names), **meta)) + "\n"


def _relative_links(body, names):
    """The body with each link to a stored file (relative or on ``SITE_URL``,
    with or without a query) pointing at the file beside it."""
    from flask import current_app

    site = re.escape(current_app.config.get("SITE_URL", "").rstrip("/"))
    link = re.compile(rf"(?:{site})?/files/([0-9a-fA-F]{{24}})(?:\?[^\s)\"'<>]*)?(?![0-9a-fA-F])")

    def relative(match):
        name = names.get(as_object_id(match.group(1).lower()))
        return name if name else match.group(0)

    return link.sub(relative, body or "")


def _file_pieces(file_id):
    stored = open_stored_file(file_id)
    if stored is None:
        return
    try:
        while piece := stored.read(PIECE):
            yield piece
    finally:
        stored.close()


def _is_packed(name):
    """Images and archives are compressed already: stored, not deflated again."""
    return name.rsplit(".", 1)[-1].lower() in {"jpg", "jpeg", "png", "gif", "webp", "zip", "gz"}
