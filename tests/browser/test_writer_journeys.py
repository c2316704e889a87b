"""A writer's tools in Chromium: the profile's avatar field, the editor's
toolbar and the write page's polish, as only a browser shows them."""
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from browser_support import check_accessibility, screenshot
from test_journeys import log_in, register, submit

pytestmark = pytest.mark.browser


def png(size=(80, 80)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_too_large_avatar_is_refused_in_the_browser_and_a_small_one_previewed(open_page,
                                                                                live_site):
    page = open_page()
    register(page, live_site, "avatara")
    page.goto("/edit-profile")
    page.fill("[name=name]", "Ava Tara")
    page.fill("[name=about_me]", "Tides, kettles and harbours.")
    limit = int(page.get_attribute("input[name=avatar]", "data-max-bytes"))
    page.set_input_files("input[name=avatar]", files=[{
        "name": "huge.png", "mimeType": "image/png", "buffer": png() + b"\0" * limit}])
    expect(page.locator("#avatar-size-error")).to_contain_text("The avatar is too large")
    expect(page.locator("input[name=avatar]")).to_have_class(re.compile(r"is-invalid"))
    assert page.eval_on_selector("input[name=avatar]", "input => input.files.length") == 0
    expect(page.locator("[name=name]")).to_have_value("Ava Tara")
    expect(page.locator("[name=about_me]")).to_have_value("Tides, kettles and harbours.")

    page.set_input_files("input[name=avatar]", files=[{
        "name": "me.png", "mimeType": "image/png", "buffer": png()}])
    expect(page.locator("#avatar-size-error")).to_have_text("")
    preview = page.get_by_role("img", name="Preview of your new avatar")
    expect(preview).to_be_visible()
    assert preview.get_attribute("src").startswith("data:image/png")
    screenshot(page, "avatar-preview")
    submit(page, "about_me")
    expect(page).to_have_url(re.compile(r"/user/avatara$"))
    expect(page.locator("main")).to_contain_text("Tides, kettles and harbours.")
    page.watch.assert_clean()


def test_the_markdown_toolbar_works_by_keyboard_and_by_tapping(open_page, live_site):
    page = open_page()
    register(page, live_site, "toolbox")
    page.goto("/write")
    toolbar = page.get_by_role("toolbar", name="Formatting")
    expect(toolbar).to_be_visible()
    body = page.locator("[name=body]")
    body.fill("make this loud")
    body.press("Control+a")  # the text area's selection
    body.press("Control+b")
    expect(body).to_have_value("**make this loud**")
    expect(page.locator("#post-preview strong")).to_have_text("make this loud")
    body.press("Control+z")  # the browser's undo takes the edit back
    expect(body).to_have_value("make this loud")

    body.fill("")
    body.press("Control+k")
    expect(body).to_have_value("[link text](https://)")
    page.keyboard.type("Inkwell")  # the text is selected: typed over
    expect(body).to_have_value("[Inkwell](https://)")

    # One tab stop; arrows move along it; Enter presses.
    body.fill("A title")
    body.press("End")
    page.locator(".md-tool").first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("button", name="Heading")).to_be_focused()
    page.keyboard.press("Enter")
    expect(body).to_have_value("## A title")
    check_accessibility(page, "write with toolbar")

    phone = open_page(phone=True)
    log_in(phone, "toolbox@example.com")
    phone.goto("/write")
    phone.locator("[name=body]").fill("print(1)")
    phone.locator("[name=body]").evaluate("area => area.setSelectionRange(0, area.value.length)")
    code = phone.get_by_role("button", name="Code")
    box = code.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44, box
    code.tap()
    expect(phone.locator("[name=body]")).to_have_value("`print(1)`")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the write page is {width}px wide on a phone"
    screenshot(phone, "phone-write-toolbar")
