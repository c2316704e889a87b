"""Why a file is refused, and dates read the same way for every format."""

from datetime import UTC, date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

WRONG_KIND = _l(
    "This file is not one Inkwell can import: upload an Inkwell export zip, a "
    "Medium export zip, a WordPress export (WXR), a Ghost JSON export or an "
    "Atom/RSS feed."
)


class ImportRefused(ValueError):
    """A file refused whole, before anything is stored; the message is for
    the writer."""


def as_utc(value, where):
    """A source's date (ISO 8601 text, or what YAML made of it) as naive
    UTC, as MongoDB stores dates; ``None`` for none. Raises
    :class:`ImportRefused` for text that is no date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        try:
            moment = datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
        except ValueError:
            raise ImportRefused(
                _(
                    "%(where)s: “%(text)s” is not a date (expected ISO 8601, e.g. 2024-05-01T09:30:00Z).",
                    where=where,
                    text=text[:60],
                )
            ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if not 1970 <= moment.year <= 9999:
        raise ImportRefused(
            _("%(where)s: %(year)s is out of range for a post's date.", where=where, year=moment.year)
        )
    return moment
