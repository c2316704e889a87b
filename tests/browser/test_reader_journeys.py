"""A reader's journeys in Chromium (issue 20): sharing a post, tap targets
on a phone, what an unconfirmed reader may do, and the polish seen in the
walk (theme toggle label, profile names, the feed's how-to page)."""

import pytest
from playwright.sync_api import expect

from browser_support import DESKTOP, screenshot
from test_journeys import log_in, open_menu, register, write_post

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
    page.locator(".post-end").scroll_into_view_if_needed()
    screenshot(page, "post-end")
    # The writer's box stands in the post's column, not at the page's edge.
    assert page.locator(".post-end").bounding_box()["x"] == page.locator("article").bounding_box()["x"]
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


# Controls a finger taps: links, buttons, form controls, anywhere but inside
# a text (a link in a sentence of a post or comment is exempt, as WCAG 2.5.8
# allows), and skip links that show only on keyboard focus.
_SMALL_TARGETS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  const exempt = '.prose, .comment-body, .visually-hidden-focusable, .visually-hidden';
  const small = [];
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest(exempt)) continue;
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || style.visibility === 'hidden') continue;
    if (r.width < 43.5 || r.height < 43.5) {
      const name = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
      small.push(`${el.tagName.toLowerCase()}.${el.className} "${name.slice(0, 30)}" ` +
                 `${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return small;
}"""


def _publish_quickly(page, title):
    """Publish through the write form, without the editor's round trips."""
    page.goto("/write")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = page.request.post("/write", form={
        "csrf_token": token, "title": title, "body": "Enough posts for a pager.", "tags": "tides"})
    assert response.ok


def test_every_control_on_a_phone_is_at_least_44_px(open_page, live_site, story):
    page = open_page(phone=True)
    log_in(page, f"{story['writer']}@example.com")
    for n in range(21):  # more than a page of posts: the home page has a pager
        _publish_quickly(page, f"Tide table {n}")
    for path in ["/", story["url"], f"/user/{story['writer']}", "/tag/tides"]:
        page.goto(path)
        page.wait_for_load_state("load")
        if path == "/":
            expect(page.locator(".pagination")).to_be_visible()
        if path == story["url"]:
            expect(page.locator(".comment-actions a, .comment-actions button")).not_to_have_count(0)
        screenshot(page, "phone-targets-" + ("home" if path == "/" else path.split("/")[-2]))
        small = page.evaluate(_SMALL_TARGETS)
        assert not small, f"tap targets under 44x44 px on {path}:\n" + "\n".join(small)
    open_menu(page)  # the collapsed navbar's links and search, once opened
    small = page.evaluate(_SMALL_TARGETS)
    assert not small, "tap targets under 44x44 px in the open menu:\n" + "\n".join(small)
    page.watch.assert_clean()

    anonymous = open_page(phone=True)
    for path in ["/", story["url"], f"/user/{story['writer']}", "/tag/tides"]:
        anonymous.goto(path)
        small = anonymous.evaluate(_SMALL_TARGETS)
        assert not small, f"tap targets under 44x44 px on {path}, signed out:\n" + "\n".join(small)


def test_a_wide_screen_shows_lists_as_one_centred_column(browser, live_site, story):
    context = browser.new_context(base_url=live_site.url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    for path in ["/", "/tag/tides", f"/user/{story['writer']}"]:
        page.goto(path)
        if path == "/":
            screenshot(page, "desktop-list-column")
        box = page.evaluate("""() => {
            const cards = [...document.querySelectorAll('.post-card')].map(c => c.getBoundingClientRect());
            const heading = document.querySelector('main h1').getBoundingClientRect();
            return {left: Math.min(...cards.map(r => r.left)), right: Math.max(...cards.map(r => r.right)),
                    heading: heading.left, width: innerWidth};
        }""")
        empty_left, empty_right = box["left"], box["width"] - box["right"]
        # Neither side holds the quarter of the screen the walk found empty on the right.
        assert abs(empty_left - empty_right) < 40, (path, box)
        assert box["right"] - box["left"] > 700, (path, box)
        if "/user/" not in path:  # (a profile's name stands beside its picture)
            assert abs(box["heading"] - box["left"]) < 2, (path, box)  # the title lines up with it
    context.close()


def test_the_theme_toggle_says_what_it_does_and_like_counts_stay_on_one_line(open_page, story):
    page = open_page()
    page.goto("/")
    toggle = page.locator("#theme-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_accessible_name("Dark mode")
    label = page.locator("#theme-toggle .theme-label")
    expect(label).to_be_visible()
    assert label.bounding_box()["width"] > 40  # words a sighted reader sees, not a bare disc
    phone = open_page(phone=True)
    phone.goto("/")
    for count in phone.locator(".like-count").all()[:5]:
        lines = count.evaluate("el => el.getClientRects().length")
        assert lines == 1, count.inner_text()
