"""What a reader learns about a post before opening it: how long it takes to
read and the picture that stands for it (its cover). Both are worked out from
the rendered body when the post is written and stored on it, so list pages
and share tags never read or parse bodies."""

import re

from bson import ObjectId

from ..extensions import db
from ..markup import plain_text

# A common figure for adults reading non-fiction on a screen.
WORDS_PER_MINUTE = 230
# The first image that is one of the site's stored files. An image on another
# host cannot be its cover: the CSP shows only our own images, and a share
# image elsewhere may change or vanish.
_STORED_IMAGE = re.compile(r"<img\b[^>]*?\bsrc=\"[^\"]*?/files/([0-9a-fA-F]{24})(?![0-9a-fA-F])")


class ReadingAids(db.EmbeddedDocument):
    minutes = db.IntField(min_value=1)
    cover = db.ObjectIdField()  # the GridFS id of the post's cover image

    @classmethod
    def of(cls, html, cover=None):
        """The aids of a post whose sanitised body is ``html``; ``cover``:
        the writer's pick, kept while the body still shows that image."""
        return cls(minutes=reading_minutes(html), cover=cover_of(html, cover))


def reading_minutes(html):
    """Whole minutes to read ``html``, at least one."""
    words = len(plain_text(html).split())
    return max(1, round(words / WORDS_PER_MINUTE))


def stored_images(html):
    """The ids of the stored images ``html`` shows, each once, in order."""
    return list(dict.fromkeys(ObjectId(found.lower()) for found in _STORED_IMAGE.findall(html or "")))


def cover_of(html, chosen=None):
    """``chosen`` when ``html`` shows it, else the first stored image's id,
    or ``None``."""
    images = stored_images(html)
    if chosen in images:
        return chosen
    return images[0] if images else None
