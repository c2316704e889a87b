"""The site as people use it, in Chromium: one test a journey.

Every journey makes the accounts it needs through the pages (registration,
the emailed confirmation link, the admin's role form), checks what a person
would see, saves screenshots of its key pages (in build/screenshots/; `make
screenshots` refreshes docs/screenshots/), runs
axe-core on the pages the accessibility check covers, and ends with no
console errors, failed requests or CSP violations in the browser.
"""

import re

import pytest
from browser_support import DESKTOP, PASSWORD, check_accessibility, own, screenshot
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


# -- steps a journey is made of ------------------------------------------------


def form_with(page, field_name):
    """The form on the page that holds the field ``field_name``."""
    return page.locator("form", has=page.locator(f"[name='{field_name}']")).first


def submit(page, field_name):
    """Submit the form holding ``field_name`` with its submit button."""
    with page.expect_navigation():
        form_with(page, field_name).locator("[type=submit]").first.click()


def open_menu(page):
    """On a phone the navbar is collapsed: open it with the toggler."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        # Wait for Bootstrap's collapse transition to end ("collapsing" ->
        # "collapse show"): a click on a link still sliding into view is lost
        # on a loaded machine.
        expect(page.locator("#site-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))


def log_in(page, email, password=PASSWORD):
    page.goto("/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    submit(page, "password")
    expect(page.locator("input[name=password]")).to_have_count(0)


def log_out(page):
    open_menu(page)
    page.locator("#account-menu").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_have_count(1)


def register(page, site, username, email=None, confirm=True, shots=None):
    """Sign up through the navbar's link, log in, follow the emailed link."""
    email = email or f"{username}@example.com"
    page.goto("/")
    open_menu(page)
    page.get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/auth/register"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Username").fill(username)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    if shots:
        screenshot(page, f"{shots}-register")
    mark = site.log_size()
    submit(page, "password2")
    link = site.emailed_link("/auth/confirm/", after=mark)
    if page.locator("input[name=password]").count():
        log_in(page, email)
    if confirm:
        page.goto(link)
        expect(page.locator(".alert")).to_contain_text("confirmed")
    return email


def write_post(page, title, body, tags, image_path=None):
    """Publish through /write; returns the new post's URL."""
    open_menu(page)
    page.get_by_role("link", name="Write", exact=True).click()
    expect(page).to_have_url(re.compile(r"/write$"))
    page.fill("[name=title]", title)
    page.fill("[name=body]", body)
    page.fill("[name=tags]", tags)
    if image_path:
        upload(page, image_path)
    submit(page, "title")
    expect(page).to_have_url(re.compile(r"/post/[0-9a-f]{24}"))
    expect(page.locator("h1")).to_contain_text(title)
    return page.url


def upload(page, path):
    """Add a file through the editor's one upload control (the drop zone's
    picker); its Markdown goes into the body once the server has it."""
    page.set_input_files("#uploader-input", str(path))
    expect(page.locator("#uploader-list .uploader-status").last).to_have_text("added")


def search_from_navbar(page, words):
    open_menu(page)
    box = page.get_by_role("searchbox", name="Search posts")
    box.fill(words)
    with page.expect_navigation():
        box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))


def images_loaded(page, selector):
    """How many of the matching images the browser decoded (not broken)."""
    return page.eval_on_selector_all(
        selector, "imgs => imgs.filter(i => i.complete && i.naturalWidth > 0).length"
    )


@pytest.fixture(scope="session")
def picture(tmp_path_factory):
    """A real PNG to upload: a small landscape the site must scale to the column."""
    from PIL import Image, ImageDraw

    path = tmp_path_factory.mktemp("upload") / "harbour-at-dawn.png"
    image = Image.new("RGB", (1600, 900), "#d9e6f2")
    draw = ImageDraw.Draw(image)
    for i in range(0, 900, 30):
        draw.rectangle([0, i, 1600, i + 15], fill=(31 + i // 12, 78, 121))
    draw.ellipse([1100, 120, 1400, 420], fill="#f2b134")
    image.save(path, "PNG")
    return path


MARKDOWN = """An opening paragraph with **bold words**, *a little emphasis* and a
[link to the feed](/feed.atom).

## What the harbour sounds like

- gulls at first light
- rope against the mast
- a kettle somewhere

```python
def tide(hour):
    return "high" if hour % 12 < 6 else "low"
```

| time | tide |
| ---- | ---- |
| 06:00 | high |
| 12:00 | low |

> Nothing is as quiet as a harbour before the boats go out.
"""


@pytest.fixture
def published(browser, live_site, picture):
    """A writer of the journey's own and their post with a tag and an image."""
    context = browser.new_context(base_url=live_site.url, viewport=DESKTOP)
    page = context.new_page()
    writer = own("marguerite")
    register(page, live_site, writer)
    word = "lighthouse"
    title = f"Notes from the lighthouse keeper ({writer})"
    url = write_post(
        page,
        title,
        MARKDOWN + "\nThe lighthouse at night, seen from the pier.\n",
        "harbours, slow-mornings",
        picture,
    )
    context.close()
    return {"writer": writer, "title": title, "word": word, "url": url, "tag": "harbours"}


def choose(page, name, label):
    """Pick ``label`` in the select ``name``, through Select2 when the admin
    has dressed it up (the real select is hidden then)."""
    page.wait_for_load_state("load")  # Select2 dresses the select on ready
    if not page.locator(f"#s2id_{name}").count():
        page.locator(f"select[name='{name}']").select_option(label=label)
        return
    page.locator(f"#s2id_{name} a, #s2id_{name}").first.click()
    page.locator(".select2-drop-active .select2-result-label", has_text=label).first.click()
    expect(page.locator(f"#s2id_{name}")).to_contain_text(label)


def edit_role(page, username, role):
    """As an Administrator: set ``username``'s role from their profile page."""
    page.goto(f"/user/{username}")
    page.locator("a[href^='/edit-profile/']").first.click()
    expect(page).to_have_url(re.compile(r"/edit-profile/[0-9a-f]{24}"))
    page.select_option("select[name=role]", label=role)
    submit(page, "role")


# -- the journeys ----------------------------------------------------------------


def test_newcomer_registers_confirms_and_publishes_a_post_with_an_image(desktop, live_site, picture):
    page = desktop
    page.goto("/")
    expect(page.locator("footer")).to_be_visible()
    screenshot(page, "home-visitor")
    check_accessibility(page, "home (visitor)")

    name = "newcomer"
    register(page, live_site, name, shots="newcomer")
    # Confirmed: the navbar offers writing, and /write is no longer off-limits.
    expect(page.get_by_role("link", name="Write", exact=True)).to_be_visible()

    open_menu(page)
    page.get_by_role("link", name="Write", exact=True).click()
    check_accessibility(page, "write")
    title = "First light over the harbour"
    page.fill("[name=title]", title)
    page.fill("[name=body]", MARKDOWN)
    page.fill("[name=tags]", "harbours, mornings")
    upload(page, picture)
    screenshot(page, "newcomer-write")
    submit(page, "title")

    expect(page).to_have_url(re.compile(r"/post/[0-9a-f]{24}"))
    post_url = page.url
    expect(page.locator("h1")).to_contain_text(title)
    # The Markdown became HTML: emphasis, a heading, a code block and a table.
    body = page.locator(".prose").first
    expect(body.locator("strong")).to_have_text("bold words")
    expect(body.locator("h2")).to_contain_text("What the harbour sounds like")
    expect(body.locator("pre code")).to_contain_text("def tide(hour):")
    expect(body.locator("table td").first).to_have_text("06:00")
    # The uploaded image is on the page, decoded, with alt text, inside the column.
    image = page.locator("main img[src*='/files/']").first
    expect(image).to_be_visible()
    assert images_loaded(page, "main img[src*='/files/']") >= 1
    assert (image.get_attribute("alt") or "").strip(), "the post image has no alt text"
    column = body.bounding_box()
    box = image.bounding_box()
    assert box["width"] <= column["width"] + 1, "the image overflows the text column"
    expect(page.get_by_role("link", name="harbours")).to_be_visible()
    screenshot(page, "newcomer-post", full_page=True)
    check_accessibility(page, "post")

    open_menu(page)
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("link", name=title)).to_be_visible()
    screenshot(page, "newcomer-home")
    check_accessibility(page, "home (logged in)")
    assert post_url in [
        page.url.rstrip("/") + href
        for href in page.eval_on_selector_all(
            "main a[href^='/post/']", "links => links.map(a => a.getAttribute('href'))"
        )
    ]
    page.watch.assert_clean()


def reader_journey(page, site, published, shots):
    """Find the post by search and by tag, comment, follow, see it in Followed."""
    reader = {"reader": "ravi", "phone": "pia"}[shots]
    register(page, site, reader)

    search_from_navbar(page, published["word"])
    result = page.get_by_role("link", name=published["title"])
    expect(result).to_be_visible()
    screenshot(page, f"{shots}-search")

    page.goto(f"/tag/{published['tag']}")
    expect(page.get_by_role("link", name=published["title"])).to_be_visible()
    screenshot(page, f"{shots}-tag")

    page.get_by_role("link", name=published["title"]).first.click()
    expect(page).to_have_url(re.compile(r"/post/[0-9a-f]{24}"))
    comment = f"Lovely piece, {published['writer']}: the kettle line made me smile. ({reader})"
    # Inline code in a comment: axe checks its colour on the post page.
    page.fill("textarea[name=body]", comment + " Try `tide(6)` at home.")
    submit(page, "body")
    expect(page.get_by_text(comment)).to_be_visible()
    screenshot(page, f"{shots}-comment", full_page=shots == "reader")

    page.get_by_role("link", name=published["writer"]).first.click()
    expect(page).to_have_url(re.compile(rf"/user/{published['writer']}$"))
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Follow")).click()
    expect(page.get_by_role("button", name=re.compile(r"^Unfollow"))).to_be_visible()
    screenshot(page, f"{shots}-profile")
    if shots == "reader":
        check_accessibility(page, "profile")

    open_menu(page)
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("link", name="Followed").click()
    expect(page.get_by_role("link", name=published["title"])).to_be_visible()
    screenshot(page, f"{shots}-followed")
    return reader, comment


def test_reader_finds_a_post_comments_and_follows_the_writer(desktop, live_site, published):
    reader_journey(desktop, live_site, published, shots="reader")
    desktop.watch.assert_clean()


def test_phone_reader_uses_the_collapsed_navbar(phone, live_site, published):
    page = phone
    page.goto("/")
    # The navbar starts collapsed on a phone: its links are hidden until the toggler opens it.
    expect(page.locator(".navbar-toggler")).to_be_visible()
    expect(page.locator("#site-nav")).to_be_hidden()
    screenshot(page, "phone-home")
    open_menu(page)
    screenshot(page, "phone-menu-open")
    reader_journey(page, live_site, published, shots="phone")
    # Nothing is wider than the screen.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
    page.goto(published["url"])
    screenshot(page, "phone-post")
    check_accessibility(page, "post (phone)")
    page.watch.assert_clean()


def test_reader_replies_is_mentioned_and_sees_the_notification(open_page, live_site, published):
    """Noor comments; Idris answers her through the Reply link, naming her;
    Noor sees the unread count in the navbar, is told once (a reply that
    names her is one event, not a reply and a mention) and follows it to the
    reply, under her comment."""
    noor_page = open_page()
    register(noor_page, live_site, "noor")
    noor_page.goto(published["url"])
    question = "Which lighthouse was this, and can one visit it? (noor)"
    noor_page.fill("textarea[name=body]", question)
    submit(noor_page, "body")
    expect(noor_page.get_by_text(question)).to_be_visible()

    page = open_page()
    register(page, live_site, "idris")
    page.goto(published["url"])
    asked = page.locator(".comment", has_text=question).first
    with page.expect_navigation():
        asked.get_by_role("link", name="Reply").first.click()
    expect(page.get_by_text("Replying to")).to_be_visible()
    answer = "The one at the end of the pier, @noor: open on Sundays."
    page.fill("textarea[name=body]", answer)
    submit(page, "body")
    reply = page.locator(".comment-replies .comment", has_text="open on Sundays")
    expect(reply).to_be_visible()
    expect(reply.get_by_role("link", name="@noor")).to_have_attribute("href", "/user/noor")
    screenshot(page, "reply")

    page = noor_page
    page.goto("/")
    open_menu(page)
    bell = page.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(bell).to_contain_text("1 unread")
    with page.expect_navigation():
        bell.click()
    told = page.locator(".notification-list")
    expect(told).to_contain_text("idris replied to your comment on")
    expect(told).not_to_contain_text("mentioned you")
    screenshot(page, "notifications")
    check_accessibility(page, "notifications")
    open_menu(page)
    expect(page.get_by_role("link", name=re.compile(r"^Notifications"))).not_to_contain_text("unread")
    with page.expect_navigation():
        told.locator("li", has_text="replied").get_by_role("link", name=published["title"]).click()
    expect(page.locator(".comment-replies .comment", has_text="open on Sundays")).to_be_visible()
    for opened in (noor_page, page):
        opened.watch.assert_clean()


def test_moderator_hides_a_comment(open_page, live_site, published, admin_email):
    reader_page = open_page()
    reader = "tomasz"
    register(reader_page, live_site, reader)
    reader_page.goto(published["url"])
    comment = "Buy cheap watches at my shop!!! (an off-topic remark to hide)"
    reader_page.fill("textarea[name=body]", comment)
    submit(reader_page, "body")
    expect(reader_page.get_by_text(comment)).to_be_visible()

    moderator = "mona"
    moderator_page = open_page()
    register(moderator_page, live_site, moderator)
    admin_page = open_page()
    log_in(admin_page, admin_email)
    edit_role(admin_page, moderator, "Moderator")

    page = moderator_page
    page.reload()
    open_menu(page)
    page.get_by_role("link", name="Moderate").click()
    expect(page).to_have_url(re.compile(r"/moderate"))
    page.get_by_role("link", name="All comments").click()  # the first tab is the reports
    entry = page.locator("li, article, tr, .comment", has_text=comment).last
    expect(entry).to_be_visible()
    screenshot(page, "moderator-queue")
    with page.expect_navigation():
        entry.get_by_role("button", name=re.compile("Hide|Disable", re.I)).click()
    entry = page.locator("li, article, tr, .comment", has_text=comment).last
    expect(entry.get_by_role("button", name=re.compile("Show|Enable", re.I))).to_be_visible()
    screenshot(page, "moderator-hidden")

    # Readers no longer see the comment's text.
    reader_page.goto(published["url"])
    expect(reader_page.get_by_text(comment)).to_have_count(0)
    for opened in (reader_page, moderator_page, admin_page):
        opened.watch.assert_clean()


def test_administrator_changes_a_role_in_the_admin(open_page, live_site, admin_email):
    member_page = open_page()
    member = "amira"
    register(member_page, live_site, member)

    page = open_page()
    log_in(page, admin_email)
    open_menu(page)
    page.get_by_role("link", name="Admin", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/"))
    screenshot(page, "admin-home")
    check_accessibility(page, "admin")
    page.get_by_role("link", name=re.compile(r"^Users$")).first.click()
    row = page.locator("tr", has_text=member)
    expect(row).to_be_visible()
    screenshot(page, "admin-users")
    check_accessibility(page, "admin users")
    row.locator("a[href*='edit']").first.click()
    choose(page, "role", "Moderator")
    screenshot(page, "admin-edit-user")
    with page.expect_navigation():
        form_with(page, "role").get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/"))
    expect(page.locator("tr", has_text=member)).to_contain_text("Moderator")

    # The member now has the Moderate link.
    member_page.goto("/")
    open_menu(member_page)
    expect(member_page.get_by_role("link", name="Moderate")).to_be_visible()
    for opened in (member_page, page):
        opened.watch.assert_clean()


def test_someone_resets_a_forgotten_password(desktop, live_site):
    page = desktop
    name = "forgetful"
    email = register(page, live_site, name)
    log_out(page)

    page.goto("/auth/login")
    check_accessibility(page, "login")
    screenshot(page, "reset-login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.fill("input[name=email]", email)
    mark = live_site.log_size()
    submit(page, "email")
    expect(page.locator(".alert")).to_contain_text("emailed")
    link = live_site.emailed_link("/auth/reset/", after=mark)

    page.goto(link)
    new_password = "an even longer browser password"
    page.fill("input[name=password]", new_password)
    page.fill("input[name=password2]", new_password)
    screenshot(page, "reset-new-password")
    submit(page, "password2")
    expect(page.locator(".alert")).to_contain_text("reset")

    # The old password no longer works; the new one does.
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    submit(page, "password")
    expect(page.locator("input[name=password]")).to_have_count(1)
    log_in(page, email, new_password)
    expect(page.locator("#account-menu")).to_contain_text(name)
    page.watch.assert_clean()


def test_missing_page_is_helpful(desktop):
    page = desktop
    page.watch.expect_status("/no-such-page", 404)
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.get_by_role("searchbox").last).to_be_visible()
    expect(page.get_by_role("link", name="Back to the home page")).to_be_visible()
    screenshot(page, "not-found")
    check_accessibility(page, "404")
    page.watch.assert_clean()


def test_writer_keeps_a_draft_to_themselves_then_publishes_it(open_page, live_site):
    page = open_page()
    register(page, live_site, "drafter")
    open_menu(page)
    page.get_by_role("link", name="Write", exact=True).click()
    # One upload control: the drop zone; the plain file field is only for browsers without JS.
    expect(page.locator("input[type=file]")).to_have_count(1)
    expect(page.locator("input[name=images]")).to_have_count(0)
    title = "Half a thought about tides"
    page.fill("[name=title]", title)
    page.fill("[name=body]", "Not ready for readers yet.")
    page.fill("[name=tags]", "C++, CI/CD")
    # The writer sees the tags as they will be stored.
    expect(page.locator("#tags-stored")).to_contain_text("#c++")
    expect(page.locator("#tags-stored")).to_contain_text("#ci/cd")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".alert-success")).to_contain_text("draft is saved")
    expect(page.get_by_role("note")).to_contain_text("Only you can see it")
    draft_url = page.url
    screenshot(page, "draft-post")

    open_menu(page)
    page.get_by_role("link", name="Drafts", exact=True).click()
    expect(page.locator("main")).to_contain_text(title)
    check_accessibility(page, "drafts")
    page.goto("/")
    expect(page.locator("main")).not_to_contain_text(title)

    # Nobody else finds it, not even at its address.
    other = open_page()
    other.watch.expect_status(draft_url.rsplit("/", 1)[1], 404)
    other.goto(draft_url)
    expect(other.locator("h1")).not_to_contain_text(title)
    other.goto("/")
    expect(other.locator("main")).not_to_contain_text(title)

    # Publishing it from the edit page: now everyone reads it.
    page.goto(draft_url)
    page.get_by_role("link", name="Edit").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    expect(page.locator(".alert-success")).to_contain_text("published")
    other.goto("/")
    expect(other.locator("main")).to_contain_text(title)


def test_phone_writer_uses_tabs_and_keeps_unsent_text(open_page, live_site):
    page = open_page(phone=True)
    register(page, live_site, "thumbs")
    page.goto("/write")
    write_tab = page.get_by_role("tab", name="Write")
    preview_tab = page.get_by_role("tab", name="Preview")
    expect(write_tab).to_be_visible()
    expect(page.locator("#post-preview")).to_be_hidden()
    check_accessibility(page, "write (phone)")

    title = "Written on a bus"
    page.fill("[name=title]", title)
    page.fill("[name=body]", "Some code:\n\n```python\ndef ride(stop):\n    return stop + 1\n```\n")
    preview_tab.click()
    expect(page.locator("[name=body]")).to_be_hidden()
    # Highlighted on the server: Pygments' token classes, coloured by code.css.
    expect(page.locator("#post-preview .codehilite .k").first).to_have_text("def")
    screenshot(page, "phone-write-preview")
    write_tab.click()
    expect(page.locator("[name=body]")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the write page is {width}px wide on a phone"

    # Leaving asks first; coming back finds the text kept in the browser.
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    page.wait_for_timeout(600)  # the autosave waits for a pause in typing
    page.reload()
    assert dialogs == ["beforeunload"]
    expect(page.locator("[name=title]")).to_have_value(title)
    expect(page.locator("[name=body]")).to_have_value(re.compile(r"def ride\(stop\)"))
    expect(page.locator("#editor-restored")).to_be_visible()

    # A field the server refused stops being red once it is fixed.
    page.watch.expect_status("/write", 400)
    page.fill("[name=title]", "")
    page.wait_for_timeout(600)
    submit(page, "title")
    title_field = page.locator("[name=title]")
    expect(title_field).to_have_class(re.compile(r"is-invalid"))
    title_field.fill(title)
    expect(title_field).not_to_have_class(re.compile(r"is-invalid"))
    expect(page.locator(".invalid-feedback:visible")).to_have_count(0)

    submit(page, "title")
    expect(page).to_have_url(re.compile(r"/post/[0-9a-f]{24}"))
    # Saved: the browser's copy is gone, a new post starts empty.
    page.goto("/write")
    expect(page.locator("[name=title]")).to_have_value("")
    expect(page.locator("#editor-restored")).to_be_hidden()
