"""Fixtures for the end-to-end tests in Debian's Chromium.

- ``live_site``: the site served by a real server process (tests/browser/serve.py)
  on a free local port, CSRF on, its log (where unsent mail is written) readable
  by the tests. One server for the session; every journey makes its own users.
- ``browser``: headless Chromium through Playwright. Missing Chromium skips the
  browser tests with a message saying how to install it, except under CI
  (``CI=true``), where it fails: there they must run.
- ``desktop`` / ``phone``: a page in a fresh context that records console
  errors, page errors, failed requests, HTTP errors and CSP violations; a
  journey ends with ``watch.assert_clean()`` (the fixture checks again).
Helpers that are not fixtures (screenshots, the axe-core check) live in
browser_support.py.
"""

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_support import (
    ADMIN_EMAIL,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    HERE,
    PHONE,
    ROOT,
    LiveSite,
    PageWatch,
    in_ci,
)
from helpers import child_site_environment
from playwright.sync_api import expect

# Assertions wait as long as actions do (each context's default, 10 s;
# Playwright's expect() waits 5 s by itself): with both lanes' workers busy
# on 2 cores, an uploaded image's "added" once took longer than 5 s.
expect.set_options(timeout=10_000)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_site(tmp_path_factory):
    port = _free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    overrides = {
        "SITE_ADMIN": ADMIN_EMAIL,
        "SITE_URL": f"http://127.0.0.1:{port}",  # where emailed links must lead
        "SECRET_KEY": "browser-tests-secret",
        "MAIL_SERVER": None,  # mail goes to the log, which the tests read
        "JOBS_RUN_AT_ONCE": True,
        "RATELIMIT_ENABLED": False,  # many logins from one address in a few seconds
        # Every journey's accounts are minutes old: no first-day limits.
        "NEW_ACCOUNT_DAILY_POSTS": 0,
        "NEW_ACCOUNT_DAILY_COMMENTS": 0,
        "LOG_LEVEL": "INFO",
    }
    env = child_site_environment()
    env["PYTHONUNBUFFERED"] = "1"
    log_file = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, str(HERE / "serve.py"), str(port), json.dumps(overrides)],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    site = LiveSite(url, log_path, process)
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            pytest.fail("the site did not start:\n" + site.log()[-4000:])
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the site did not answer /healthz in 30 s:\n" + site.log()[-4000:])
        time.sleep(0.2)
    yield site
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log_file.close()


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    if not Path(CHROMIUM).exists():
        message = (
            f"the browser tests need Chromium at {CHROMIUM}: install it with "
            "`sudo apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH"
        )
        if in_ci():
            pytest.fail(message + " (CI must run them, not skip them)", pytrace=False)
        pytest.skip(message)
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _open_page(browser, live_site, viewport, **options):
    context = browser.new_context(base_url=live_site.url, viewport=viewport, device_scale_factor=1, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    watch = PageWatch(live_site.url)
    watch.attach(context, page)
    page.watch = watch
    return context, page


@pytest.fixture
def open_page(browser, live_site):
    """``open_page(phone=False)``: another page in its own fresh context."""
    opened = []

    def make(phone=False):
        if phone:
            context, page = _open_page(browser, live_site, PHONE, is_mobile=True, has_touch=True)
        else:
            context, page = _open_page(browser, live_site, DESKTOP)
        opened.append((context, page))
        return page

    yield make
    problems = []
    for context, page in opened:
        problems.extend(page.watch.problems)
        context.close()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.fixture
def desktop(open_page):
    return open_page()


@pytest.fixture
def phone(open_page):
    return open_page(phone=True)


@pytest.fixture(scope="session")
def admin_email(browser, live_site):
    """The SITE_ADMIN account, registered (and so promoted) through the pages,
    once for every module that needs an administrator."""
    from test_journeys import register

    context = browser.new_context(base_url=live_site.url, viewport=DESKTOP)
    register(context.new_page(), live_site, "chief", email=ADMIN_EMAIL)
    context.close()
    return ADMIN_EMAIL
