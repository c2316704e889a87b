"""Reading an uploaded zip without trusting it.

Every bound is checked on the bytes actually inflated, while reading, never
on the sizes the archive's headers claim (a zip bomb lies in them): each
member, the whole archive, and the ratio of inflated to stored bytes. Member
names that climb out (``../``), start at the root (``/etc``, ``C:\\``) or
are symbolic links refuse the whole file, before anything is stored.
"""

import io
import stat
import zipfile

from flask import current_app
from flask_babel import format_number
from flask_babel import gettext as _

from .refusals import ImportRefused

_CHUNK = 64 * 1024
# Below this, a member may compress as well as it likes (a page of spaces).
_RATIO_FREE_BYTES = 1024 * 1024


def is_zip(data):
    return data[:4] == b"PK\x03\x04"


def read_members(data):
    """``{name: bytes}`` of the archive's files (folders left out)."""
    limits = current_app.config
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise ImportRefused(_("The zip file cannot be read: %(error)s.", error=exc)) from None
    if len(infos) > limits["IMPORT_MAX_MEMBERS"]:
        raise ImportRefused(
            _(
                "The zip holds %(num)s files; at most %(max)s are accepted.",
                num=format_number(len(infos)),
                max=format_number(limits["IMPORT_MAX_MEMBERS"]),
            )
        )
    members, total = {}, 0
    for info in infos:
        _check_name(info)
        if info.is_dir():
            continue
        content = _inflate(archive, info, limits["IMPORT_MAX_TOTAL_BYTES"] - total)
        total += len(content)
        members[info.filename] = content
    return members


def _check_name(info):
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise ImportRefused(
            _("The zip holds a file with an absolute path (%(name)s); nothing was imported.", name=name[:80])
        )
    if ".." in parts:
        raise ImportRefused(
            _("The zip holds a file outside its folder (%(name)s); nothing was imported.", name=name[:80])
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ImportRefused(
            _("The zip holds a symbolic link (%(name)s); nothing was imported.", name=name[:80])
        )


def _inflate(archive, info, room_left):
    """The member's bytes, counted while they are inflated."""
    limits = current_app.config
    per_member, ratio = limits["IMPORT_MAX_MEMBER_BYTES"], limits["IMPORT_MAX_RATIO"]
    out, read = io.BytesIO(), 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                read += len(chunk)
                if read > per_member:
                    raise ImportRefused(
                        _(
                            "%(name)s inflates past %(size)s MB; nothing was imported.",
                            name=info.filename[:80],
                            size=format_number(per_member // (1024 * 1024)),
                        )
                    )
                if read > room_left:
                    raise ImportRefused(
                        _(
                            "The zip inflates past %(size)s MB in all; nothing was imported.",
                            size=format_number(limits["IMPORT_MAX_TOTAL_BYTES"] // (1024 * 1024)),
                        )
                    )
                if read > _RATIO_FREE_BYTES and read > ratio * max(info.compress_size, 1):
                    raise ImportRefused(
                        _(
                            "%(name)s inflates more than %(ratio)s times its stored "
                            "size (a zip bomb?); nothing was imported.",
                            name=info.filename[:80],
                            ratio=format_number(ratio),
                        )
                    )
                out.write(chunk)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        RuntimeError,
        OSError,
    ) as exc:
        raise ImportRefused(
            _("%(name)s cannot be read from the zip: %(error)s.", name=info.filename[:80], error=exc)
        ) from None
    return out.getvalue()
