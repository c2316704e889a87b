"""A writer's tools in Chromium: the profile's avatar field, the editor's
toolbar and the write page's polish, as only a browser shows them."""
import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from browser_support import screenshot
from test_journeys import register, submit

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
