"""A reader edits their comment where it stands (the page's script shows the
edit form in place and saves it without leaving the page); a refusal is
shown under the field with the words kept; without scripts the Edit link
opens the edit page, which brings the reader back to the comment."""

import re

import pytest
from browser_support import check_accessibility, screenshot
from playwright.sync_api import expect
from test_journeys import register, write_post

pytestmark = pytest.mark.browser


def _comment(page, text):
    page.fill("#comment-form [name=body]", text)
    page.locator("#comment-form [type=submit]").click()
    expect(page.locator(".comment-body", has_text=text)).to_be_visible()


def test_a_reader_edits_a_comment_in_place(open_page, live_site):
    page = open_page()
    register(page, live_site, "ines-edits")
    post_url = write_post(page, "Knots for sailors", "The **bowline** first.", "knots")
    _comment(page, "A reef knot is easier")
    page_url = page.url
    comment = page.locator("li.comment", has_text="A reef knot is easier")
    comment.get_by_role("link", name="Edit", exact=True).click()
    field = comment.locator("textarea")
    expect(field).to_be_focused()
    expect(field).to_have_value("A reef knot is easier")
    expect(comment.locator(".comment-body")).to_be_hidden()
    screenshot(page, "reader-comment-edit-in-place")
    check_accessibility(page, "post, a comment edited in place")

    page.watch.expect_status("/edit", 400)  # the refusal below, answered in JSON
    field.fill("   ")
    comment.get_by_role("button", name="Save").click()
    expect(comment.locator(".comment-edit-error")).to_be_visible()
    expect(field).to_have_attribute("aria-invalid", "true")

    field.fill("A **reef** knot is easier, but slips")
    comment.get_by_role("button", name="Save").click()
    expect(comment.locator(".comment-body strong")).to_have_text("reef")
    expect(comment.locator("textarea")).to_have_count(0)
    assert page.url == page_url  # never left the page
    page.reload()
    expect(page.locator(".comment-body", has_text="knot is easier, but slips")).to_be_visible()

    comment = page.locator("li.comment", has_text="but slips")
    comment.get_by_role("link", name="Edit", exact=True).click()
    comment.get_by_role("button", name="Cancel").click()
    expect(comment.locator(".comment-body")).to_be_visible()
    expect(comment.get_by_role("link", name="Edit", exact=True)).to_be_focused()
    assert post_url


def test_without_scripts_edit_opens_its_page_and_returns_to_the_comment(browser, live_site):
    context = browser.new_context(base_url=live_site.url, java_script_enabled=False)
    page = context.new_page()
    try:
        register(page, live_site, "jules-noscript")
        write_post(page, "Ropes without scripts", "Plain text.", "ropes")
        _comment(page, "First try")
        page.locator("li.comment", has_text="First try").get_by_role("link", name="Edit", exact=True).click()
        expect(page).to_have_url(re.compile(r"/post/[0-9a-f]{24}/comment/[0-9a-f]{24}/edit"))
        page.fill("[name=body]", "Second try")
        page.get_by_role("button", name="Save").click()
        expect(page).to_have_url(re.compile(r"/post/[0-9a-f]{24}\?page=1#comment-[0-9a-f]{24}$"))
        expect(page.locator(".comment-body", has_text="Second try")).to_be_visible()
    finally:
        context.close()
