"""Scheduling a post in Chromium: the browser's own time zone goes with the
datetime-local field (static/js/publish-at.js), so the stored UTC time is
the one the writer meant, and the drafts and edit pages show it back on
the writer's clock."""

import re

import pytest
from browser_support import DESKTOP, PageWatch, screenshot
from playwright.sync_api import expect
from test_journeys import register, submit

pytestmark = pytest.mark.browser


@pytest.fixture
def tokyo_page(browser, live_site):
    """A page whose browser lives in Tokyo (UTC+9, no daylight saving)."""
    context = browser.new_context(
        base_url=live_site.url,
        viewport=DESKTOP,
        device_scale_factor=1,
        timezone_id="Asia/Tokyo",
        locale="en-US",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.watch = PageWatch(live_site.url)
    page.watch.attach(context, page)
    yield page
    problems = page.watch.problems
    context.close()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


def test_a_time_picked_in_tokyo_is_stored_as_that_instant_and_shown_back_in_tokyo(tokyo_page, live_site):
    page = tokyo_page
    register(page, live_site, "tokyowriter")
    page.goto("/write")
    expect(page.locator("#publish-at-zone")).to_have_text("In your time zone (Asia/Tokyo).")
    page.fill("[name=title]", "Cherry blossoms")
    page.fill("[name=body]", "Out on the first of June.")
    expect(page.locator("#submit")).to_have_value("Publish")
    page.fill("[name=publish_at]", "2030-06-01T09:30")
    expect(page.locator("#submit")).to_have_value("Schedule")
    screenshot(page, "schedule-write")
    submit(page, "publish_at")
    expect(page.locator("main")).to_contain_text("Your post is scheduled")

    page.goto("/drafts")
    scheduled = page.locator(".scheduled-for time")
    # 09:30 in Tokyo is 00:30 UTC, and the page says so on the writer's clock.
    expect(scheduled).to_have_attribute("datetime", "2030-06-01T00:30:00Z")
    expect(scheduled).to_have_text(re.compile(r"June 1, 2030.*9:30\s?AM"))
    screenshot(page, "schedule-drafts")

    page.get_by_role("link", name="Change").click()
    expect(page.locator("[name=publish_at]")).to_have_value("2030-06-01T09:30")
    expect(page.locator("#submit")).to_have_value("Schedule")
    page.get_by_role("link", name=re.compile("Back to the post")).click()
    page.goto("/drafts")
    with page.expect_navigation():
        page.get_by_role("button", name="Cancel schedule").click()
    expect(page.locator("main")).to_contain_text("The schedule is cancelled")
    expect(page.locator(".scheduled-for")).to_have_count(0)
    page.watch.assert_clean()


def test_the_script_speaks_the_page_s_language(tokyo_page, live_site):
    """The words publish-at.js writes come translated from the page."""
    page = tokyo_page
    register(page, live_site, "escritora")
    page.goto("/write?lang=es")
    expect(page.locator("#publish-at-zone")).to_have_text("En tu zona horaria (Asia/Tokyo).")
    page.fill("[name=publish_at]", "2030-06-01T09:30")
    expect(page.locator("#submit")).to_have_value("Programar")
    page.watch.assert_clean()
