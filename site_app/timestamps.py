"""Times shown in the reader's own time zone, under a strict CSP.

Templates write ``moment(ts).fromNow()`` or ``moment(ts).format('LL')``
(Flask-Moment's names). That renders a ``<time>`` element carrying the UTC
instant and what to show, with the words ``static/js/local-time.js`` will
write ("5 days ago", "November 21, 2026"), so readers without JavaScript
read them too and the script's rewrite does not move the page (Lighthouse
measured a 0.18 layout shift when a long UTC date became "5 days ago" and a
card's line wrapped anew). The script, a few lines of the browser's
``Intl.RelativeTimeFormat`` and ``Intl.DateTimeFormat``, counts relative
times from the reader's clock with the same table as ``RELATIVE`` below and
shows dates in the reader's zone. There is no inline style or script, which
the Content-Security-Policy would refuse (Flask-Moment's own renderer writes
``style="display: none"``, so the site renders the element itself).
"""

import math
from datetime import UTC, datetime, timedelta

from babel.dates import format_date, format_datetime, format_timedelta
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape


class LocalTime:
    """A timestamp a template shows in the reader's time zone."""

    def __init__(self, timestamp):
        self.timestamp = timestamp

    def fromNow(self):  # camelCase: named after moment.js, as templates read it
        return self._render("fromNow")

    def format(self, pattern):
        return self._render("format", pattern)

    def _render(self, function, pattern=None):
        attributes = f'data-function="{escape(function)}"'
        if pattern:
            attributes += f' data-format="{escape(pattern)}"'
        return Markup(
            '<time class="local-time" datetime="{}" title="{}" {}>{}</time>'.format(
                escape(self._iso_utc()),
                escape(self._utc_text()),
                attributes,
                escape(self._fallback_text(function, pattern)),
            )
        )

    def _utc(self):
        timestamp = self.timestamp
        if timestamp.tzinfo is not None:
            timestamp = timestamp.astimezone(UTC).replace(tzinfo=None)
        return timestamp

    def _iso_utc(self):
        return self._utc().strftime("%Y-%m-%dT%H:%M:%SZ")

    def _utc_text(self):
        return format_datetime(self._utc(), "d MMM y, HH:mm", locale=_locale()) + " UTC"

    def _fallback_text(self, function, pattern):
        if function == "fromNow":
            seconds = (datetime.now(UTC).replace(tzinfo=None) - self._utc()).total_seconds()
            return from_now(seconds, _locale())
        if pattern == "LL":  # as Intl.DateTimeFormat(lang, {dateStyle: "long"}) writes it
            return format_date(self._utc(), "long", locale=_locale())
        return self._utc_text()


def _locale():
    """The page's locale (Flask-Babel's choice; English outside a request)."""
    return get_locale() or "en"


# moment.js's thresholds: (under this many seconds, the unit, its length;
# None says "1"), in the words of Intl.RelativeTimeFormat("en"). The script's
# BUCKETS is the same table: change both together.
RELATIVE = [
    (90, "minute", None),
    (45 * 60, "minute", 60),
    (90 * 60, "hour", None),
    (22 * 3600, "hour", 3600),
    (36 * 3600, "day", None),
    (26 * 86400, "day", 86400),
    (45 * 86400, "month", None),
    (320 * 86400, "month", 30 * 86400),
    (548 * 86400, "year", None),
    (math.inf, "year", 365.25 * 86400),
]
JUST_NOW = 45  # seconds either side that read "now"


_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400, "month": 30 * 86400, "year": 365 * 86400}


def from_now(seconds, locale="en"):
    """What the reader is told of a time ``seconds`` ago (a negative
    number: in the future), as Intl.RelativeTimeFormat(lang) says it: the
    same CLDR words, from Babel."""
    span = abs(seconds)
    if span < JUST_NOW:
        return _("now")  # Intl's format(0, "second") with numeric: "auto"
    unit, length = next((unit, length) for limit, unit, length in RELATIVE if span < limit)
    count = math.floor(span / length + 0.5) if length else 1  # JavaScript's Math.round
    delta = timedelta(seconds=count * _UNIT_SECONDS[unit])
    return format_timedelta(
        delta if seconds < 0 else -delta,
        granularity=unit,
        threshold=math.inf,
        add_direction=True,
        locale=locale,
    )


def register(app):
    """Give every template ``moment(timestamp)``."""
    app.jinja_env.globals["moment"] = LocalTime
