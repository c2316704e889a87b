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
    cover = db.ObjectIdField()  # the GridFS id of the post's first stored image

    @classmethod
    def of(cls, html):
        """The aids of a post whose sanitised body is ``html``."""
        return cls(minutes=reading_minutes(html), cover=cover_of(html))


def reading_minutes(html):
    """Whole minutes to read ``html``, at least one."""
    words = len(plain_text(html).split())
    return max(1, round(words / WORDS_PER_MINUTE))


def cover_of(html):
    """The id of the first stored image in ``html``, or ``None``."""
    match = _STORED_IMAGE.search(html or "")
    return ObjectId(match.group(1).lower()) if match else None
