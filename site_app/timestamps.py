"""Times shown in the reader's own time zone, without breaking the CSP.

Flask-Moment renders ``<span class="flask-moment" style="display: none">``;
our Content-Security-Policy (``style-src 'self'``) blocks inline ``style=``
attributes, so every timestamp on every page was a CSP violation. This
subclass renders a ``<time>`` element instead, with no style attribute and a
readable UTC fallback (for readers without JavaScript); the moment.js support
code (static/js/moment-support.js) replaces the text with local time.
Templates keep calling ``moment(ts).fromNow()`` / ``.format('LLL')``.
"""
from datetime import timezone

from flask_moment import Moment, moment
from markupsafe import Markup, escape


class csp_safe_moment(moment):
    """``moment(ts)`` for templates; see the module docstring."""

    def _fallback_text(self):
        timestamp = self.timestamp
        if isinstance(timestamp, str):
            return timestamp
        if timestamp.tzinfo is not None:
            timestamp = timestamp.astimezone(timezone.utc)
        return timestamp.strftime("%-d %b %Y, %H:%M") + ("" if self.local else " UTC")

    def _render(self, func, format=None, timestamp2=None, no_suffix=None,
                units=None, refresh=False):
        data = {"timestamp": self._timestamp_as_iso_8601(self.timestamp),
                "function": func, "format": format, "timestamp2": timestamp2,
                "nosuffix": "1" if no_suffix else None, "units": units,
                "refresh": int(refresh) * 60000}
        attributes = " ".join(f'data-{name}="{escape(value)}"'
                              for name, value in data.items() if value not in (None, ""))
        return Markup('<time class="flask-moment" datetime="{}" {}>{}</time>'.format(
            escape(data["timestamp"]), attributes, escape(self._fallback_text())))


class CspSafeMoment(Moment):
    """The Flask-Moment extension, handing templates ``csp_safe_moment``."""

    def init_app(self, app):
        super().init_app(app)
        app.extensions["moment"] = csp_safe_moment
