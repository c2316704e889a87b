"""Dates as a person reads them, in Chromium, once local-time.js has run.

For every ``<time>`` on the home, post, profile and notifications pages,
the text after the script runs is the server's own text for a relative time
("5 hours ago") and the reader's local date for a date, in UTC and in
Auckland (UTC+13 in December, UTC+12 in winter), where a post made at
13:30 UTC is dated the next day. The writing comes from serve_dated.py, made
at known instants; a clock set in the browser walks the script through every
step of the words and checks them against the server's.
"""

import json
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from browser_support import DESKTOP, HERE, ROOT, LiveSite, PageWatch, screenshot
from conftest import _free_port
from helpers import child_site_environment
from playwright.sync_api import expect
from serve_dated import MEMBER_SINCE, PASSWORD

sys.path.insert(0, str(ROOT))
from site_app.timestamps import from_now

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dated_site(tmp_path_factory):
    port = _free_port()
    log_path = tmp_path_factory.mktemp("dated") / "server.log"
    overrides = {
        "SECRET_KEY": "dated-tests-secret",
        "MAIL_SERVER": None,
        "RATELIMIT_ENABLED": False,
        "EMBEDDED_DATA_DIR": None,
    }
    env = child_site_environment()
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, str(HERE / "serve_dated.py"), str(port), json.dumps(overrides)],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    site = LiveSite(f"http://127.0.0.1:{port}", log_path, process)
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(site.url + "/healthz", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the dated site did not start:\n" + site.log()[-4000:])
            time.sleep(0.2)
    yield site
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def reader_in(browser, dated_site):
    """``reader_in(zone)``: a desktop page whose clock reads ``zone``."""
    contexts = []

    def make(zone):
        context = browser.new_context(
            base_url=dated_site.url, viewport=DESKTOP, timezone_id=zone, locale="en-US"
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.watch = PageWatch(dated_site.url)
        page.watch.attach(context, page)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


class _ServerTimes(HTMLParser):
    """Each ``<time>`` as the server wrote it: (datetime, what it shows, text)."""

    def __init__(self):
        super().__init__()
        self.times, self._open = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "time":
            attrs = dict(attrs)
            self._open = [attrs["datetime"], attrs.get("data-format") or attrs["data-function"], ""]

    def handle_data(self, data):
        if self._open:
            self._open[2] += data

    def handle_endtag(self, tag):
        if tag == "time" and self._open:
            self.times.append(tuple(self._open))
            self._open = None


def local_date(iso, zone):
    """A UTC instant's calendar date in ``zone``, as "November 21, 2026"."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    return f"{moment:%B} {moment.day}, {moment.year}"


def read_times(page, path, zone):
    """Open ``path``; check every <time> reads as it should; return them
    as {(datetime, kind): text shown}."""
    response = page.goto(path)
    assert response.status == 200, path
    parser = _ServerTimes()
    parser.feed(response.text())
    shown = page.eval_on_selector_all(
        "time", "times => times.map(t => [t.getAttribute('datetime'), t.textContent])"
    )
    assert parser.times, f"{path} shows no time"
    assert [iso for iso, _ in shown] == [iso for iso, _, _ in parser.times], path
    for (iso, kind, server_text), (_, text) in zip(parser.times, shown):
        expected = server_text.strip() if kind == "fromNow" else local_date(iso, zone)
        assert text == expected, f"{path}: {iso} ({kind}) reads {text!r}, not {expected!r}"
    return {(iso, kind): text for (iso, kind, _), (_, text) in zip(parser.times, shown)}


def log_in(page, username):
    page.goto("/auth/login")
    page.fill("input[name=email]", f"{username}@example.com")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("form [type=submit]").first.click()
    expect(page.locator("input[name=password]")).to_have_count(0)


def post_path(page, title):
    page.goto("/")
    return page.get_by_role("link", name=title).first.get_attribute("href")


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland"])
def test_every_time_reads_as_the_server_said_or_on_the_local_calendar(reader_in, zone):
    page = reader_in(zone)
    home = read_times(page, "/", zone)
    assert sum(kind == "fromNow" for _, kind in home) >= 6  # one a post, hours to years old
    dawn = post_path(page, "Harbour at dawn")
    post = read_times(page, dawn, zone)
    # The article's own date comes first; "More from" and related posts follow.
    made = next(iso for iso, kind in post if kind == "LL")
    assert made.endswith("T13:30:00Z")
    day = datetime.fromisoformat(made[:10])
    if zone == "Pacific/Auckland":
        day += timedelta(days=1)  # 13:30 UTC is after midnight there
    assert post[(made, "LL")] == f"{day:%B} {day.day}, {day.year}"
    assert sum(kind == "fromNow" for _, kind in post) == 2  # its two comments
    screenshot(page, f"dates-post-{zone.replace('/', '-')}", full_page=True)
    profile = read_times(page, "/user/tui", zone)
    since = MEMBER_SINCE.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert profile[(since, "LL")] == ("March 15, 2025" if zone == "Pacific/Auckland" else "March 14, 2025")
    log_in(page, "tui")
    told = read_times(page, "/notifications", zone)
    assert set(told.values()) == {"7 hours ago"}
    page.watch.assert_clean()


AGES = [
    timedelta(seconds=10),
    timedelta(seconds=50),
    timedelta(minutes=5),
    timedelta(minutes=50),
    timedelta(hours=5),
    timedelta(hours=30),
    timedelta(days=5),
    timedelta(days=30),
    timedelta(days=100),
    timedelta(days=400),
    timedelta(days=1000),
    -timedelta(days=5),
    timedelta(hours=2, minutes=30),
]


def test_the_script_says_what_the_server_says_at_every_step(reader_in):
    page = reader_in("UTC")
    dawn = post_path(page, "Harbour at dawn")
    page.goto(dawn)
    (iso,) = page.eval_on_selector_all(
        "time[data-function=fromNow]", "times => times.map(t => t.getAttribute('datetime'))"
    )[:1]
    written = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    for age in AGES:
        page.clock.set_fixed_time(written + age)
        page.goto(dawn)
        text = page.locator(f"time[datetime='{iso}']").first.text_content()
        assert text == from_now(age.total_seconds()), f"{age} after: {text!r}"
    page.watch.assert_clean()
