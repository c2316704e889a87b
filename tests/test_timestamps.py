"""Timestamps render without inline styles, which the CSP would block."""
from datetime import datetime

from flask import render_template_string


def test_moment_renders_a_time_element_without_inline_style(app):
    with app.test_request_context("/"):
        html = render_template_string(
            "{{ moment(ts).fromNow() }}|{{ moment(ts).format('LLL') }}",
            ts=datetime(2026, 3, 4, 5, 6, 7))
    relative, formatted = html.split("|")
    assert "style=" not in html
    assert relative.startswith('<time class="local-time" datetime="2026-03-04T05:06:07Z"')
    assert 'data-function="fromNow"' in relative
    assert 'data-format="LLL"' in formatted
    # Readers without JavaScript still see a date.
    assert ">4 Mar 2026, 05:06 UTC</time>" in relative
