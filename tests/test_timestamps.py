"""Timestamps render without inline styles, which the CSP would block, and
with the words static/js/local-time.js will write, so its rewrite moves
nothing (tests/browser/test_dates_journeys.py checks the script's side)."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template_string

from site_app.timestamps import from_now


def test_moment_renders_a_time_element_without_inline_style(app):
    with app.test_request_context("/"):
        html = render_template_string(
            "{{ moment(ts).fromNow() }}|{{ moment(ts).format('LLL') }}", ts=datetime(2026, 3, 4, 5, 6, 7)
        )
    relative, formatted = html.split("|")
    assert "style=" not in html
    assert relative.startswith('<time class="local-time" datetime="2026-03-04T05:06:07Z"')
    assert 'data-function="fromNow"' in relative
    assert 'data-format="LLL"' in formatted
    # Readers without JavaScript still see when, and the UTC time on hover.
    assert relative.endswith(" ago</time>") and 'title="4 Mar 2026, 05:06 UTC"' in relative
    assert ">4 Mar 2026, 05:06 UTC</time>" in formatted


@pytest.mark.parametrize(
    "ago, words",
    [
        (timedelta(seconds=10), "now"),
        (timedelta(seconds=60), "1 minute ago"),
        (timedelta(minutes=5), "5 minutes ago"),
        (timedelta(minutes=60), "1 hour ago"),
        (timedelta(hours=5), "5 hours ago"),
        (timedelta(hours=30), "1 day ago"),
        (timedelta(days=5), "5 days ago"),
        (timedelta(days=30), "1 month ago"),
        (timedelta(days=100), "3 months ago"),
        (timedelta(days=400), "1 year ago"),
        (timedelta(days=1000), "3 years ago"),
        (-timedelta(days=5), "in 5 days"),
    ],
)
def test_the_fallback_says_what_the_script_will_say(app, ago, words):
    ts = datetime.now(UTC).replace(tzinfo=None) - ago
    with app.test_request_context("/"):
        html = render_template_string("{{ moment(ts).fromNow() }}", ts=ts)
    assert html.endswith(f">{words}</time>")


def test_a_long_date_reads_as_intl_writes_it(app):
    with app.test_request_context("/"):
        html = render_template_string("{{ moment(ts).format('LL') }}", ts=datetime(2026, 3, 4, 5, 6))
    assert html.endswith(">March 4, 2026</time>")


def test_half_way_rounds_up_as_javascript_does():
    # Python's round(2.5) is 2; the script's Math.round(2.5) is 3.
    assert from_now(2.5 * 3600) == "3 hours ago"
