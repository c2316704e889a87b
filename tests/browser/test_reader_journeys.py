"""A reader's journeys in Chromium (issue 20): sharing a post, tap targets
on a phone, what an unconfirmed reader may do, and the polish seen in the
walk (theme toggle label, profile names, the feed's how-to page)."""
import re

import pytest
from playwright.sync_api import expect

from browser_support import DESKTOP
from test_journeys import log_in, register, write_post

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def story(browser, live_site):
    """A writer's tagged post, with a comment of a second reader."""
    context = browser.new_context(base_url=live_site.url, viewport=DESKTOP)
    page = context.new_page()
    register(page, live_site, "tamsin")
    url = write_post(page, "Tides and their tables", "The tide turns twice a day.\n",
                     "tides, harbours")
    page.fill("[name=body]", "A comment to tap around.")
    page.locator("#comment-form [type=submit]").click()
    expect(page.locator(".comment-body").first).to_contain_text("A comment to tap around.")
    context.close()
    return {"url": url, "writer": "tamsin", "post_id": url.rsplit("/", 1)[1]}


def test_a_reader_copies_a_posts_link(desktop, live_site, story):
    page = desktop
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_site.url)
    page.goto(story["url"])
    button = page.get_by_role("button", name="Copy link")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#share-status")).to_have_text("Link copied.")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"{live_site.url}/post/{story['post_id']}"
    page.watch.assert_clean()


def test_a_phone_with_a_share_sheet_shares_the_post(phone, live_site, story):
    page = phone
    # Headless Chromium has no share sheet: stand one in, recording what it is given.
    page.add_init_script("""navigator.share = (data) => {
        window.__shared = data; return Promise.resolve(); };""")
    page.goto(story["url"])
    page.get_by_role("button", name="Share", exact=True).click()
    shared = page.evaluate("() => window.__shared")
    assert shared == {"title": "Tides and their tables",
                      "url": f"{live_site.url}/post/{story['post_id']}"}
    page.watch.assert_clean()
