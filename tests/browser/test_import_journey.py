"""A writer imports a Ghost export in Chromium: the file picked, the
summary read, then a file of the wrong kind refused in words."""

import re

import pytest
from browser_support import check_accessibility, screenshot
from import_samples import ghost_export
from playwright.sync_api import expect
from test_journeys import open_menu, register, submit

pytestmark = pytest.mark.browser


def test_a_writer_imports_a_ghost_export_and_reads_the_summary(open_page, live_site):
    page = open_page()
    register(page, live_site, "importer")
    open_menu(page)
    page.locator("#account-menu").click()
    page.get_by_role("link", name="Import posts").click()
    expect(page).to_have_url(re.compile(r"/import$"))
    check_accessibility(page, "import")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "ghost.json", "mimeType": "application/json", "buffer": ghost_export().encode()}],
    )
    submit(page, "file")

    expect(page).to_have_url(re.compile(r"/import/[0-9a-f]{24}$"))
    expect(page.locator("#import-summary")).to_have_text("Done: 2 imported, 0 skipped, 0 failed.")
    expect(page.locator("tr.import-imported")).to_have_count(2)
    check_accessibility(page, "import summary")
    screenshot(page, "import-summary")

    page.goto("/import")
    page.watch.expect_status("/import", 400)
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "notes.zip", "mimeType": "application/zip", "buffer": b"just words"}],
    )
    submit(page, "file")
    expect(page.locator("#import-error")).to_contain_text("This file is not one Inkwell can import")
    expect(page.locator("main")).to_contain_text("Earlier imports")
    screenshot(page, "import-refused")
    page.watch.assert_clean()
