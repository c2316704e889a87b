"""Community journeys in Chromium, on a desktop and a phone: a reader likes a
post from its card (the page's script, no reload), bookmarks it from the
post page, finds it in their bookmarks, and looks around /explore. Same rules as test_journeys:
screenshots, axe on the new pages, no console errors or CSP violations."""

import re

import pytest
from browser_support import check_accessibility, screenshot
from playwright.sync_api import expect
from test_journeys import open_menu, register, write_post

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_reader_likes_and_bookmarks_a_post(open_page, live_site, phone):
    shots = "phone" if phone else "reader"
    writer = open_page()
    register(writer, live_site, f"odile-{shots}")
    title = f"Tide tables for beginners ({shots})"
    post_url = write_post(writer, title, "Read the **high** and low water times first.", "tides, harbours")

    page = open_page(phone=phone)
    register(page, live_site, f"lucien-{shots}")
    page.goto("/")
    card = page.locator("article.post-card", has_text=title)
    expect(card.locator(".like-count")).to_have_text("0 likes")
    # The like is sent by the page's script: no navigation, the card updates.
    card.get_by_role("button", name="Like", exact=True).click()
    expect(card.get_by_role("button", name="Unlike", exact=True)).to_be_visible()
    expect(card.locator(".like-count")).to_have_text("1 like")
    screenshot(page, f"{shots}-liked-card")
    page.reload()
    expect(page.locator("article.post-card", has_text=title).locator(".like-count")).to_have_text("1 like")

    page.goto(post_url)
    expect(page.locator("article .like-count").first).to_have_text("1 like")
    with page.expect_navigation():
        page.get_by_role("button", name="Bookmark", exact=True).click()
    expect(page).to_have_url(re.compile(r"/post/[0-9a-f]{24}$"))
    expect(page.get_by_role("button", name="Remove bookmark")).to_be_visible()
    if not phone:
        check_accessibility(page, "post (liked and bookmarked)")

    open_menu(page)
    page.locator("#account-menu").click()
    page.get_by_role("link", name="Bookmarks").click()
    expect(page).to_have_url(re.compile(r"/bookmarks$"))
    expect(page.get_by_role("link", name=title)).to_be_visible()
    screenshot(page, f"{shots}-bookmarks")
    if not phone:
        check_accessibility(page, "bookmarks")

    open_menu(page)
    page.get_by_role("link", name="Explore").click()
    expect(page).to_have_url(re.compile(r"/explore$"))
    expect(page.get_by_role("link", name=re.compile(r"#tides"))).to_be_visible()
    screenshot(page, f"{shots}-explore")
    if not phone:
        check_accessibility(page, "explore")
