"""Times shown in the reader's own time zone, under a strict CSP.

Templates write ``moment(ts).fromNow()`` or ``moment(ts).format('LL')``.
That renders a ``<time>`` element carrying the UTC instant and what to show,
with a readable UTC fallback for readers without JavaScript;
``static/js/moment-support.js`` turns it into local time with moment.js.
There is no inline style or script, which the Content-Security-Policy would
refuse (Flask-Moment's own renderer writes ``style="display: none"``, so the
site renders the element itself rather than reach into that library).
"""
from datetime import timezone

from markupsafe import Markup, escape


class LocalTime:
    """A timestamp a template shows in the reader's time zone."""

    def __init__(self, timestamp):
        self.timestamp = timestamp

    def fromNow(self):  # noqa: N802 (named after moment.js, as templates read it)
        return self._render("fromNow")

    def format(self, pattern):
        return self._render("format", pattern)

    def _render(self, function, pattern=None):
        attributes = f'data-function="{escape(function)}"'
        if pattern:
            attributes += f' data-format="{escape(pattern)}"'
        return Markup('<time class="local-time" datetime="{}" {}>{}</time>'.format(
            escape(self._iso_utc()), attributes, escape(self._fallback_text())))

    def _utc(self):
        timestamp = self.timestamp
        if timestamp.tzinfo is not None:
            timestamp = timestamp.astimezone(timezone.utc).replace(tzinfo=None)
        return timestamp

    def _iso_utc(self):
        return self._utc().strftime("%Y-%m-%dT%H:%M:%SZ")

    def _fallback_text(self):
        return self._utc().strftime("%-d %b %Y, %H:%M") + " UTC"


def register(app):
    """Give every template ``moment(timestamp)``."""
    app.jinja_env.globals["moment"] = LocalTime
