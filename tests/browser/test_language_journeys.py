"""Languages in Chromium (issue 27): an Arabic page is right to left (its
own Bootstrap build, the layout mirrored), the footer picker switches an
anonymous reader by the address and a signed-in one for good, and dates are
written by Intl in the page's language."""

import re

import pytest
from browser_support import DESKTOP, check_accessibility, screenshot
from playwright.sync_api import expect
from test_journeys import register, write_post

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def a_post(browser, live_site):
    context = browser.new_context(base_url=live_site.url, viewport=DESKTOP)
    page = context.new_page()
    register(page, live_site, "polyglot")
    url = write_post(page, "Lanterns", "> A quoted line\n\nLight in every language.", "lanterns")
    context.close()
    return url


def stylesheets(page):
    return page.evaluate("() => [...document.styleSheets].map(s => s.href || '')")


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_an_arabic_page_is_right_to_left(desktop, a_post):
    page = desktop
    page.goto("/?lang=ar")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
    sheets = stylesheets(page)
    assert any("bootstrap.rtl.min" in href for href in sheets)
    assert not any(re.search(r"bootstrap\.min\.[0-9a-f]+\.css", href) for href in sheets)
    # Mirrored: the brand starts at the right, the main links to its left.
    brand, home = box(page, ".navbar-brand"), box(page, "#site-nav .nav-link")
    assert brand["x"] > home["x"] + home["width"], (brand, home)
    assert brand["x"] + brand["width"] > DESKTOP["width"] * 0.75
    expect(page.get_by_role("link", name="الرئيسية")).to_be_visible()
    # A card of a post whose language its writer left unsaid reads in the
    # direction of its own words: this English one left to right, its full
    # stop at the end of the line, not at the start.
    card = page.locator(".post-card", has=page.get_by_role("link", name="Lanterns"))
    for part in (".post-card-title", ".post-card-excerpt"):
        assert card.locator(part).evaluate("e => getComputedStyle(e).direction") == "ltr", part
    assert card.locator(".reading-time").evaluate("e => getComputedStyle(e).direction") == "rtl"
    screenshot(page, "arabic-home")
    check_accessibility(page, "home (Arabic)")

    page.goto(a_post + "?lang=ar")
    quote = page.locator(".prose blockquote")
    # The quote's rule is on its start side: the right in Arabic.
    assert quote.evaluate("q => getComputedStyle(q).borderRightWidth") == "4px"
    assert quote.evaluate("q => getComputedStyle(q).borderLeftWidth") == "0px"
    screenshot(page, "arabic-post")


def test_an_english_page_loads_only_the_left_to_right_stylesheet(desktop):
    page = desktop
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    sheets = stylesheets(page)
    assert not any("bootstrap.rtl" in href for href in sheets)
    assert sum("vendor/bootstrap/" in href for href in sheets) == 1


def test_the_picker_switches_an_anonymous_reader_by_the_address(desktop, a_post):
    page = desktop
    page.goto(a_post)
    page.select_option("#language-picker-lang", "es")
    with page.expect_navigation():
        page.get_by_role("button", name="Change language").click()
    expect(page).to_have_url(re.compile(r"\?lang=es$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("button", name="Cambiar idioma")).to_be_visible()
    # Intl writes the dates in Spanish ("5 de diciembre de 2026", "hace 1 minuto").
    expect(page.locator("time.local-time").first).to_have_text(re.compile(r"\d de \w+ de \d{4}|hace|ahora"))
    screenshot(page, "spanish-post")
    assert not page.context.cookies(), "choosing a language stores no cookie"


def test_a_signed_in_reader_s_choice_is_kept(open_page, live_site):
    page = open_page()
    register(page, live_site, "lectora")
    page.select_option("#language-picker-lang", "es")
    with page.expect_navigation():
        page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto("/explore")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Explorar", exact=True)).to_be_visible()
    screenshot(page, "spanish-explore")
