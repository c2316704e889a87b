"""A writer's tools in Chromium: the profile's avatar field, the editor's
toolbar and the write page's polish, as only a browser shows them."""

import io
import re
import urllib.request

import pytest
from browser_support import check_accessibility, screenshot
from PIL import Image
from playwright.sync_api import expect
from test_journeys import log_in, open_menu, register, submit, write_post

pytestmark = pytest.mark.browser


def png(size=(80, 80)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_too_large_avatar_is_refused_in_the_browser_and_a_small_one_previewed(open_page, live_site):
    page = open_page()
    register(page, live_site, "avatara")
    page.goto("/edit-profile")
    page.fill("[name=name]", "Ava Tara")
    page.fill("[name=about_me]", "Tides, kettles and harbours.")
    limit = int(page.get_attribute("input[name=avatar]", "data-max-bytes"))
    page.set_input_files(
        "input[name=avatar]",
        files=[{"name": "huge.png", "mimeType": "image/png", "buffer": png() + b"\0" * limit}],
    )
    expect(page.locator("#avatar-size-error")).to_contain_text("The avatar is too large")
    expect(page.locator("input[name=avatar]")).to_have_class(re.compile(r"is-invalid"))
    assert page.eval_on_selector("input[name=avatar]", "input => input.files.length") == 0
    expect(page.locator("[name=name]")).to_have_value("Ava Tara")
    expect(page.locator("[name=about_me]")).to_have_value("Tides, kettles and harbours.")

    page.set_input_files(
        "input[name=avatar]", files=[{"name": "me.png", "mimeType": "image/png", "buffer": png()}]
    )
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


CONTRAST = """(selector) => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const v = c.map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  const el = document.querySelector(selector);
  let back = el;
  while (back && getComputedStyle(back).backgroundColor.match(/rgba\\(.*, 0\\)$|transparent/)) { back = back.parentElement; }
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(rgb(getComputedStyle(back).backgroundColor))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_a_phone_is_not_told_to_drop_files_nor_shown_preview_twice(open_page, live_site):
    page = open_page(phone=True)
    register(page, live_site, "thumbwriter")
    page.goto("/write")
    expect(page.get_by_text("drop them here")).to_be_hidden()  # a touch screen has nothing to drop
    expect(page.get_by_text("choose files")).to_be_visible()
    page.get_by_role("tab", name="Preview").click()
    expect(page.locator("#editor-preview").get_by_text("Preview", exact=True)).to_be_hidden()
    expect(page.get_by_text("The preview appears here as you type.")).to_be_visible()


def test_a_refused_upload_keeps_its_whole_name_in_view(open_page, live_site):
    page = open_page(phone=True)
    register(page, live_site, "refusedwriter")
    page.goto("/write")
    name = "evidence-from-the-harbour.exe"
    page.watch.expect_status("/upload", 415)
    page.set_input_files(
        "#uploader-input",
        files=[
            {"name": name, "mimeType": "application/x-msdownload", "buffer": b"MZ\x90\x00" + b"\x00" * 200}
        ],
    )
    item = page.locator("#uploader-list .uploader-item").last
    expect(item.locator(".uploader-status")).to_have_class(re.compile("text-danger"))
    label = item.locator(".uploader-name")
    expect(label).to_have_text(name)
    assert label.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "the file name is cut"
    box = label.bounding_box()
    assert box["x"] + box["width"] <= 390, "the name runs off the screen"
    item.scroll_into_view_if_needed()
    screenshot(page, "phone-upload-refused")


def test_choose_files_is_readable_in_dark_mode(open_page, live_site):
    page = open_page()
    register(page, live_site, "darkwriter")
    page.emulate_media(color_scheme="dark")
    page.goto("/write")
    ratio = page.evaluate(CONTRAST, ".uploader-pick")
    assert ratio >= 4.5, f"'choose files' has contrast {ratio:.2f}:1 in dark mode"


def test_a_portrait_image_is_bounded_in_height(open_page, live_site, tmp_path):
    path = tmp_path / "portrait.png"
    Image.new("RGB", (600, 1400), (120, 60, 30)).save(path)
    page = open_page()
    register(page, live_site, "portraitist")
    page.goto("/write")
    page.fill("[name=title]", "Standing tall")
    page.fill("[name=body]", "A tall one.")
    page.set_input_files("#uploader-input", str(path))
    expect(page.locator("#uploader-list .uploader-status").last).to_have_text("added")
    preview_image = page.locator("#post-preview img").first
    expect(preview_image).to_be_visible()
    assert preview_image.bounding_box()["height"] <= 900 * 0.8 + 1
    submit(page, "title")
    image = page.locator(".prose img").first
    expect(image).to_be_visible()
    page.wait_for_function("() => document.querySelector('.prose img').complete")
    box = image.bounding_box()
    assert box["height"] <= 900 * 0.8 + 1, f"a portrait image is {box['height']}px tall"
    assert abs(box["width"] / box["height"] - 600 / 1400) < 0.02, "its proportions changed"


def test_the_writer_picks_the_cover_among_the_uploaded_images(open_page, live_site, tmp_path):
    paths = []
    for colour in ("teal", "orange"):
        path = tmp_path / f"{colour}.png"
        Image.new("RGB", (400, 300), colour).save(path)
        paths.append(path)
    page = open_page()
    register(page, live_site, "coverist")
    page.goto("/write")
    expect(page.locator("#cover-picker")).to_be_hidden()  # nothing to pick yet
    page.fill("[name=title]", "Two colours")
    page.fill("[name=body]", "Which one?")
    for path in paths:
        page.set_input_files("#uploader-input", str(path))
        expect(page.locator("#uploader-list .uploader-status").last).to_have_text("added")
    picker = page.get_by_role("group", name="Cover image")
    expect(picker.get_by_role("radio")).to_have_count(3)  # the first (default), and each image
    expect(picker.get_by_role("radio", name="The first image")).to_be_checked()
    picker.get_by_role("radio", name="The first image").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # to the second image, by keyboard
    second = picker.get_by_role("radio", name="Image 2")
    expect(second).to_be_checked()
    chosen = second.get_attribute("value")
    picker.scroll_into_view_if_needed()
    screenshot(page, "write-cover-picker")
    submit(page, "title")
    expect(page).to_have_url(re.compile(r"/post/[0-9a-f]{24}"))
    page.goto("/")
    card = page.locator(".post-card", has=page.get_by_role("link", name="Two colours"))
    expect(card.locator(".post-card-cover img")).to_have_attribute("src", re.compile(chosen))


def test_a_writer_reads_their_stats_chart_and_table(open_page, live_site):
    page = open_page()
    register(page, live_site, "statsy")
    post_url = write_post(page, "Counted lamps", "A post to be read.", "lamp")
    # Readers elsewhere (headless Chromium's own agent says it is a crawler).
    for _ in range(2):
        request = urllib.request.Request(
            post_url,
            headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            assert answer.status == 200
    open_menu(page)
    page.get_by_role("link", name="Stats", exact=True).click()
    expect(page).to_have_url(re.compile(r"/stats$"))
    chart = page.get_by_role("img", name=re.compile(r"^Views per day"))
    expect(chart).to_be_visible()
    assert chart.locator(".stats-bar").count() == 30
    row = page.locator("#post-numbers tbody tr").first
    expect(row).to_contain_text("Counted lamps")
    expect(row.locator("td")).to_have_text(["2", "0", "0"])
    page.get_by_text("The chart's numbers").click()
    # Today: two views, no new subscriber.
    expect(page.locator("#views-per-day tbody tr").first.locator("td")).to_have_text(["2", "0"])
    screenshot(page, "writer-stats", full_page=True)
    check_accessibility(page, "stats")
    page.watch.assert_clean()
