"""A member downloads their archive, then leaves: from the account menu, in
a real browser, with CSRF on."""

import io
import json
import re
import zipfile

from browser_support import PASSWORD, check_accessibility, screenshot
from playwright.sync_api import expect
from test_journeys import open_menu, register, write_post


def test_a_member_downloads_their_archive_then_leaves(open_page, live_site):
    page = open_page()
    register(page, live_site, "leaving-lea")
    post_url = write_post(page, "Last words from Lea", "Thanks for reading.", "goodbye")

    open_menu(page)
    page.locator("#account-menu").click()
    page.get_by_role("link", name="Delete account").click()
    expect(page).to_have_url(re.compile(r"/account/delete$"))
    expect(page.locator("h1")).to_have_text("Delete your account")
    check_accessibility(page, "delete account")
    screenshot(page, "account-delete")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my archive").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert json.loads(archive.read("account.json"))["profile"]["username"] == "leaving-lea"
    assert any(name.endswith("-last-words-from-lea/index.md") for name in archive.namelist())

    page.watch.expect_status("/account/delete", 400)  # the refused form
    page.fill("input[name=password]", "not my password")
    page.get_by_role("button", name="Delete my account and everything in it").click()
    expect(page.locator(".invalid-feedback, .text-danger").first).to_contain_text(
        "That is not your password."
    )

    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Delete my account and everything in it").click()
    expect(page.locator(".alert")).to_contain_text("Your account and everything in it are deleted")
    expect(page.get_by_role("link", name="Log in")).to_have_count(1)
    page.watch.expect_status(post_url.split("/", 3)[-1], 404)  # the post left with her
    assert page.goto(post_url).status == 404
    page.watch.assert_clean()
