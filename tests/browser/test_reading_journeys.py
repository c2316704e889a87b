"""Reading journeys of issue 13 in Chromium: dark mode (following the system,
a remembered toggle, axe clean in both colour modes) and a phone that never
scrolls sideways, however long a word a writer types."""

import pytest
from browser_support import DESKTOP, check_accessibility, own, screenshot
from playwright.sync_api import expect
from test_journeys import log_in, open_menu, register, submit, write_post

pytestmark = pytest.mark.browser

# A long address: the admin's Users table must still fit a laptop.
NIGHTOWL = "{name}.reading.by.candlelight.until.dawn@harbour-newsroom.example.org"
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitaenswitwenrentenversicherung" * 2


@pytest.fixture
def long_post(browser, live_site):
    """A post of the journey's own writer whose title, excerpt and body hold
    a word wider than a phone."""
    context = browser.new_context(base_url=live_site.url, viewport=DESKTOP)
    page = context.new_page()
    writer = own("nightowl")
    email = register(page, live_site, writer, email=NIGHTOWL.format(name=writer))
    url = write_post(
        page,
        f"On {LONG_WORD}",
        f"{LONG_WORD} is one word.\n\n## A heading\n\nEvenings by the river, read in the dark.\n",
        "rivers",
    )
    context.close()
    return {"url": url, "tag": "rivers", "writer": writer, "email": email}


def theme(page):
    return page.evaluate("() => document.documentElement.getAttribute('data-bs-theme')")


def test_dark_mode_follows_the_system_and_the_toggle_is_remembered(desktop, long_post):
    page = desktop
    page.emulate_media(color_scheme="dark")
    page.goto("/")
    assert theme(page) == "dark"
    toggle = page.locator("#theme-toggle")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    screenshot(page, "dark-home")
    check_accessibility(page, "home (dark)")
    page.goto(long_post["url"])
    assert theme(page) == "dark"
    screenshot(page, "dark-post")
    check_accessibility(page, "post (dark)")
    page.goto("/search?q=river")
    expect(page.locator("mark").first).to_be_visible()
    check_accessibility(page, "search (dark)")
    page.goto(f"/user/{long_post['writer']}")
    check_accessibility(page, "profile (dark)")
    page.goto("/auth/login")
    page.locator("[type=submit]").first.click()  # field errors: their colours too
    page.wait_for_load_state("load")
    check_accessibility(page, "login with errors (dark)")

    # The reader prefers light: remembered over the system's dark.
    toggle = page.locator("#theme-toggle")
    toggle.click()
    assert theme(page) == "light"
    expect(toggle).to_have_attribute("aria-pressed", "false")
    page.goto(long_post["url"])
    assert theme(page) == "light"
    check_accessibility(page, "post (light, chosen)")
    page.goto("/search?q=river")
    check_accessibility(page, "search (light, chosen)")

    # And back to dark, on a system that says light.
    page.emulate_media(color_scheme="light")
    page.locator("#theme-toggle").click()
    page.goto("/")
    assert theme(page) == "dark"
    # Signed in: the comment form, the writer's buttons, a refused comment.
    log_in(page, long_post["email"])
    page.goto(long_post["url"])
    page.watch.expect_status("/post/", 400)  # the empty comment, refused
    submit(page, "body")
    expect(page.locator(".invalid-feedback")).to_be_visible()
    expect(page.locator("#comment-form .invalid-feedback")).to_be_in_viewport()  # not at the top
    screenshot(page, "dark-post-refused-comment")
    check_accessibility(page, "post as its writer (dark)")
    page.watch.assert_clean()


def test_light_system_gets_the_light_theme(desktop, long_post):
    page = desktop
    page.emulate_media(color_scheme="light")
    page.goto(long_post["url"])
    assert theme(page) == "light"
    expect(page.locator("#theme-toggle")).to_have_attribute("aria-pressed", "false")
    check_accessibility(page, "post (light)")
    page.watch.assert_clean()


def test_a_long_word_never_widens_the_phone_page(phone, long_post):
    page = phone
    for path in ("/", long_post["url"], f"/tag/{long_post['tag']}", "/search?q=river"):
        page.goto(path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
    page.goto(long_post["url"])
    screenshot(page, "phone-long-word")
    # The toggle is in the collapsed menu on a phone, and works there.
    page.emulate_media(color_scheme="light")
    page.reload()
    open_menu(page)
    page.get_by_role("button", name="Dark mode").click()
    assert theme(page) == "dark"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    check_accessibility(page, "post (phone, dark)")
    page.watch.assert_clean()


def test_the_admin_users_table_fits_a_laptop_screen(open_page, long_post, admin_email):
    page = open_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, admin_email)
    page.goto("/admin/admin_users/")
    expect(page.locator("table.model-list")).to_be_visible()
    expect(page.locator("input[name=search]")).to_have_attribute("placeholder", "Search username, email")
    wide = page.evaluate("""() => [...document.querySelectorAll('.table-responsive, table')]
        .map(box => box.scrollWidth - box.clientWidth)""")
    assert max(wide) <= 0, f"the Users table scrolls sideways at 1366 px: {wide}"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "admin-users-1366")
    page.watch.assert_clean()
