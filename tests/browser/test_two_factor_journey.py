"""Two-factor sign-in in Chromium: a reader sets it up from the secret the
page shows (as an authenticator app would read it), signs out, and signs in
again with a code; the QR code loads under the CSP."""

import re
import time

import pyotp
import pytest
from browser_support import check_accessibility, screenshot
from playwright.sync_api import expect
from test_journeys import log_out, register, submit

pytestmark = pytest.mark.browser


def test_reader_turns_on_two_factor_and_signs_in_with_a_code(desktop, live_site):
    page = desktop
    email = register(page, live_site, "careful")

    page.locator("#account-menu").click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page).to_have_url(re.compile(r"/auth/two-factor$"))
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 100  # the SVG loaded and drew
    secret = page.locator("#totp-secret").inner_text().strip()
    check_accessibility(page, "two-factor setup")
    screenshot(page, "two-factor-setup")

    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    submit(page, "code")
    expect(page.locator("h1")).to_have_text("Two-factor sign-in is on")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    screenshot(page, "two-factor-recovery-codes")
    log_out(page)

    page.goto("/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "a long browser password")
    submit(page, "password")
    expect(page).to_have_url(re.compile(r"/auth/two-factor/verify"))
    expect(page.get_by_role("link", name="Log in")).to_have_count(1)  # not signed in yet
    screenshot(page, "two-factor-verify")
    # The code of the next step: the current one was spent turning it on.
    page.fill("input[name=code]", pyotp.TOTP(secret).at(time.time() + 30))
    submit(page, "code")
    expect(page.locator("#account-menu")).to_contain_text("careful")

    page.goto("/auth/sessions")
    expect(page.locator("#signed-in-sessions")).to_contain_text("Chrome on Linux")
    expect(page.locator("#signed-in-sessions")).to_contain_text("This device")
    screenshot(page, "signed-in-sessions")
    page.watch.assert_clean()
