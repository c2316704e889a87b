"""A reader's journeys in Chromium (issue 20): sharing a post, tap targets
on a phone, what an unconfirmed reader may do, and the polish seen in the
walk (theme toggle label, profile names, the feed's how-to page)."""

import re

import pytest
from browser_support import DESKTOP, PHONE, own, screenshot
from playwright.sync_api import expect
from test_journeys import log_in, open_menu, register, write_post

pytestmark = pytest.mark.browser


@pytest.fixture
def story(browser, live_site):
    """A writer of the journey's own and their tagged post, with a comment."""
    context = browser.new_context(base_url=live_site.url, viewport=DESKTOP)
    page = context.new_page()
    writer = own("tamsin")
    register(page, live_site, writer)
    url = write_post(page, "Tides and their tables", "The tide turns twice a day.\n", "tides, harbours")
    page.fill("[name=body]", "A comment to tap around.")
    page.locator("#comment-form [type=submit]").click()
    expect(page.locator(".comment-body").first).to_contain_text("A comment to tap around.")
    context.close()
    return {"url": url, "writer": writer, "post_id": url.rsplit("/", 1)[1]}


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
    assert shared == {"title": "Tides and their tables", "url": f"{live_site.url}/post/{story['post_id']}"}
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
    response = page.request.post(
        "/write",
        form={"csrf_token": token, "title": title, "body": "Enough posts for a pager.", "tags": "tides"},
    )
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


# The pill a reader sees: the badge's box less the transparent border its
# colour is clipped inside (a phone's tag pills grow their hit area that way).
_PAINTED_TAG_PILLS = """() => [...document.querySelectorAll('.tag-badge')].map(el => {
  const style = getComputedStyle(el), r = el.getBoundingClientRect();
  const border = style.backgroundClip === 'border-box' ? 0
    : parseFloat(style.borderTopWidth) + parseFloat(style.borderBottomWidth);
  return r.height - border;
})"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tag_pills_on_a_phone_stay_text_high_in_either_theme(open_page, story, scheme):
    """The 44 px hit area is invisible: in dark mode the pills were painted
    44 px tall, and pills wrapping onto a second line covered the first."""
    page = open_page(phone=True)
    page.emulate_media(color_scheme=scheme)
    page.goto(story["url"])
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
    heights = page.evaluate(_PAINTED_TAG_PILLS)
    assert heights and max(heights) < 30, heights


# Each "·" of the post's byline and the words after it: the top of each.
_BYLINE_SEPARATORS = """() => {
  const line = document.querySelector('article > header .post-byline');
  const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf('\u00b7');
    if (at < 0) continue;
    const dot = document.createRange();
    dot.setStart(node, at); dot.setEnd(node, at + 1);
    let next = node.nextSibling;  // the words the dot introduces
    while (next && !(next.textContent || '').trim()) next = next.nextSibling;
    const after = node.data.slice(at + 1).trim() ? node : next;
    const words = document.createRange();
    words.selectNodeContents(after);
    found.push([dot.getBoundingClientRect().top, words.getClientRects()[0].top]);
  }
  return found;
}"""


def test_a_phone_never_leaves_a_byline_dot_at_the_end_of_a_line(open_page, live_site, story):
    """The byline wraps on a phone (name, Follow, date, reading time, likes):
    each separator goes down with the words it introduces."""
    page = open_page(phone=True)
    register(page, live_site, "byliner")
    page.goto(story["url"])
    expect(page.locator("article > header form button")).to_have_text("Follow")
    pairs = page.evaluate(_BYLINE_SEPARATORS)
    assert pairs and all(abs(dot - words) < 8 for dot, words in pairs), pairs


def _body_top(browser, live_site, writer, editor_scripts):
    """Where the write page's body field starts on a phone, with or without
    the editor's deferred scripts (tabs, Markdown toolbar) having run."""
    context = browser.new_context(base_url=live_site.url, viewport=PHONE, is_mobile=True)
    page = context.new_page()
    log_in(page, f"{writer}@example.com")
    if not editor_scripts:
        page.route(re.compile(r"/static/js/(editor|toolbar)\b"), lambda route: route.abort())
    page.goto("/write")
    page.wait_for_load_state("load")
    if editor_scripts:
        expect(page.locator("#markdown-toolbar")).to_be_visible()
    top = page.locator("textarea[name=body]").bounding_box()["y"]
    context.close()
    return top


def test_the_write_page_does_not_shift_when_its_scripts_arrive(browser, live_site, story):
    """On a slow line the page paints before its deferred scripts run; the
    tabs and toolbar they show have their room already (Lighthouse's layout
    shift on /write was 0.118, over the 0.1 it calls good)."""
    before = _body_top(browser, live_site, story["writer"], editor_scripts=False)
    after = _body_top(browser, live_site, story["writer"], editor_scripts=True)
    assert abs(after - before) < 2, (before, after)
