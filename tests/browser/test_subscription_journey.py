"""A reader subscribes to a writer by email from the end of a post, in
Chromium: the form (CSRF on, on a page cached for anonymous readers), the
answer, the mailed link, the confirm button; the profile's form passes axe."""

import re

import pytest
from browser_support import DESKTOP, check_accessibility, screenshot
from playwright.sync_api import expect
from test_journeys import register, write_post

pytestmark = pytest.mark.browser


def test_a_reader_subscribes_from_the_end_of_a_post(browser, desktop, live_site):
    context = browser.new_context(base_url=live_site.url, viewport=DESKTOP)
    writer_page = context.new_page()
    register(writer_page, live_site, "orla")
    url = write_post(writer_page, "Letters from the coast", "Salt, wind and news.\n", "coast")
    context.close()

    page = desktop
    page.goto(url)
    form = page.locator(".post-end .subscribe-form")
    form.scroll_into_view_if_needed()
    screenshot(page, "subscribe-post-end")
    form.get_by_label(re.compile("new posts by email")).fill("sea.reader@example.com")
    logged = live_site.log_size()
    form.get_by_role("button", name="Subscribe").click()
    expect(page.locator("h1")).to_have_text("Check your inbox")
    expect(page.locator("#subscribe-answer")).to_contain_text("sea.reader@example.com")

    page.goto(live_site.emailed_link("/subscriptions/confirm/", after=logged))
    expect(page.locator("h1")).to_have_text("Confirm your subscription")
    page.get_by_role("button", name="Yes, subscribe me").click()
    expect(page.locator("h1")).to_have_text("You are subscribed")

    page.goto("/user/orla")
    expect(page.locator("#profile-subscribe-email")).to_be_visible()
    check_accessibility(page, "profile with the subscribe form")
    page.watch.assert_clean()
