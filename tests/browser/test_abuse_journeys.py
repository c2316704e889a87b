"""Tools against abuse in Chromium: a reader reports a comment, a moderator
finds it first in /moderate and hides it, the reader is told; a writer
blocks a reader from their profile and undoes it in settings. Same rules
as test_journeys: screenshots, axe on the new pages, no console errors or
CSP violations."""

import re

import pytest
from browser_support import check_accessibility, screenshot
from playwright.sync_api import expect
from test_journeys import edit_role, log_in, open_menu, register, submit, write_post

pytestmark = pytest.mark.browser


def test_a_reported_comment_is_hidden_from_the_queue_and_the_reporter_told(open_page, live_site, admin_email):
    writer = open_page()
    register(writer, live_site, "renata")
    post_url = write_post(writer, "Lighthouses of the north coast", "Tall and white.", "lighthouses")
    rude = "Only idiots visit lighthouses (a remark to report)"
    writer.fill("textarea[name=body]", rude)
    submit(writer, "body")
    expect(writer.get_by_text(rude)).to_be_visible()

    reader = open_page()
    register(reader, live_site, "rosalind")
    reader.goto(post_url)
    comment = reader.locator("li.comment", has_text=rude)
    comment.get_by_role("link", name="Report").click()
    expect(reader.get_by_role("heading", name="Report a comment")).to_be_visible()
    reader.get_by_label("Harassment or hate").check()
    reader.get_by_label(re.compile("Anything a moderator should know")).fill("Insults readers")
    check_accessibility(reader, "report form")
    screenshot(reader, "report-form")
    with reader.expect_navigation():
        reader.get_by_role("button", name="Send the report").click()
    expect(reader.get_by_text("a moderator will look at your report")).to_be_visible()

    moderator = open_page()
    register(moderator, live_site, "marcel")
    admin = open_page()
    log_in(admin, admin_email)
    edit_role(admin, "marcel", "Moderator")
    moderator.reload()
    open_menu(moderator)
    moderator.get_by_role("link", name="Moderate").click()
    report = moderator.locator("li.reported", has_text=rude)
    expect(report).to_contain_text("1 report")
    expect(report).to_contain_text("Harassment or hate")
    expect(report).to_contain_text("Insults readers")
    check_accessibility(moderator, "moderation queue (reports)")
    screenshot(moderator, "moderation-reports")
    with moderator.expect_navigation():
        report.get_by_role("button", name="Hide").click()
    expect(moderator.get_by_text("No open reports.")).to_be_visible()

    reader.goto(post_url)
    expect(reader.get_by_text(rude)).to_have_count(0)
    open_menu(reader)
    reader.get_by_role("link", name=re.compile("Notifications")).click()
    expect(reader.get_by_text(re.compile("handled your report on"))).to_be_visible()
    for opened in (writer, reader, moderator, admin):
        opened.watch.assert_clean()


def test_a_writer_blocks_a_reader_and_undoes_it_in_settings(open_page, live_site):
    writer = open_page()
    register(writer, live_site, "beatrix")
    post_url = write_post(writer, "Knots every sailor needs", "The bowline first.", "knots")
    reader = open_page()
    register(reader, live_site, "bartholomew")

    writer.goto("/user/bartholomew")
    writer.once("dialog", lambda dialog: dialog.accept())
    with writer.expect_navigation():
        writer.get_by_role("button", name="Block", exact=True).click()
    expect(writer.get_by_role("button", name="Unblock")).to_be_visible()
    screenshot(writer, "profile-blocked")

    reader.goto(post_url)
    reader.watch.expect_status("/post/", 400)  # the form again, saying why
    reader.fill("textarea[name=body]", "Let me in")
    submit(reader, "body")
    expect(reader.get_by_text("does not take comments from you")).to_be_visible()
    expect(reader.locator("textarea[name=body]")).to_have_value("Let me in")

    writer.goto("/settings/blocked")
    check_accessibility(writer, "blocked and muted")
    screenshot(writer, "settings-blocked")
    with writer.expect_navigation():
        writer.locator("#block-list").get_by_role("button", name="Unblock").click()
    expect(writer.locator("#block-list")).to_contain_text("Nobody.")
    for opened in (writer, reader):
        opened.watch.assert_clean()
