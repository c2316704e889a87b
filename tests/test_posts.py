"""Writers publish, edit and delete posts; readers read them; the whole
story of the site from writing to the feed."""

import io
import re
import threading
from datetime import timedelta

import pytest

from site_app.models import Post, Role, User


def post_id_from(response):
    match = re.search(r"/post/([0-9a-f]{24})", response.headers["Location"])
    assert match, response.headers.get("Location")
    return match.group(1)


def page_text(response):
    return response.get_data(as_text=True)


# -- the whole story ---------------------------------------------------------
def test_write_read_comment_moderate_follow_tag_search_feed(app, client, make_user, auth):
    writer = make_user("wendy")
    reader = make_user("rita")
    moderator = make_user("mo", role="Moderator")

    # Wendy writes a post with Markdown and messy tags.
    auth.login_as(writer)
    response = client.post(
        "/write",
        data={
            "title": "Gardening with MongoDB",
            "body": "# Seeds\n\nPlant **documents**, not rows.\n\n- one\n- two",
            "tags": " Databases, mongodb,databases ",
        },
    )
    assert response.status_code == 302
    post_id = post_id_from(response)

    # Anyone can read it, rendered and with normalised tags.
    auth.logout()
    page = page_text(client.get(f"/post/{post_id}"))
    assert "<h1>Seeds</h1>" in page and "<strong>documents</strong>" in page
    assert 'href="/tag/databases"' in page and 'href="/tag/mongodb"' in page
    assert page.count("#databases") == 1

    # Rita comments and lands on the last page of comments.
    auth.login_as(reader)
    response = client.post(f"/post/{post_id}", data={"body": "Lovely *idea*"})
    assert response.status_code == 302
    assert "page=-1" in response.headers["Location"]
    page = page_text(client.get(response.headers["Location"]))
    assert "<em>idea</em>" in page and "1 comment" in page
    auth.logout()

    # The moderator finds it on /moderate (every comment) and hides it.
    auth.login_as(moderator)
    page = page_text(client.get("/moderate?show=all"))
    assert "Lovely <em>idea</em>" in page and "Gardening with MongoDB" in page
    comment_id = re.search(r"/comment/([0-9a-f]{24})/disable", page).group(1)
    assert client.post(f"/moderate/disable/{comment_id}").status_code == 302
    auth.logout()
    page = page_text(client.get(f"/post/{post_id}"))
    assert "hidden by a moderator" in page and "Lovely" not in page

    # Rita follows Wendy: Wendy's post is in Rita's followed feed.
    auth.login_as(reader)
    assert client.post("/follow/wendy").status_code == 302
    assert "Gardening with MongoDB" in page_text(client.get("/followed"))

    # The tag page, the search and the feed all find it.
    assert "Gardening with MongoDB" in page_text(client.get("/tag/mongodb"))
    # (the searched word marked)
    assert "<mark>Gardening</mark> with MongoDB" in page_text(client.get("/search?q=gardening"))
    feed = page_text(client.get("/feed.atom"))
    assert f"http://127.0.0.1:5000/post/{post_id}" in feed


# -- writing -----------------------------------------------------------------
def test_write_page_has_the_contract_fields_and_preview(client, make_user, auth):
    auth.login_as(make_user())
    page = page_text(client.get("/write"))
    for name in ("title", "body", "tags", "images"):
        assert f'name="{name}"' in page
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r"js/preview\.[0-9a-f]{12}\.js", page) and 'id="post-preview"' in page


@pytest.mark.parametrize("role", ["User", "Moderator", "Administrator"])
def test_every_role_can_write(client, make_user, auth, role):
    auth.login_as(make_user(role=role))
    response = client.post("/write", data={"title": "Hello", "body": "Body"})
    assert response.status_code == 302
    assert Post.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_saved(client):
    response = client.post("/write", data={"title": "Hello", "body": "Body"})
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert Post.objects.count() == 0


def test_unconfirmed_accounts_are_sent_to_confirm(client, make_user, auth):
    auth.login_as(make_user(confirmed=False))
    response = client.get("/write")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/unconfirmed")


@pytest.mark.parametrize(
    "data, field_error",
    [
        ({"title": "", "body": "Body"}, "title"),
        ({"title": "Title", "body": ""}, "body"),
        ({"title": "x" * 201, "body": "Body"}, "title"),
        ({"title": "Title", "body": "x" * 100_001}, "body"),
    ],
)
def test_empty_or_oversize_fields_are_rejected_and_the_draft_kept(client, make_user, auth, data, field_error):
    auth.login_as(make_user())
    response = client.post("/write", data=data)
    assert response.status_code == 400
    page = page_text(response)
    assert "is-invalid" in page
    assert (
        re.search(rf'name="{field_error}"[^>]*is-invalid|is-invalid[^>]*name="{field_error}"', page)
        or f'id="{field_error}"' in page
    )
    if data["body"] and len(data["body"]) < 1000:
        assert data["body"] in page  # what the writer typed is not lost
    assert Post.objects.count() == 0


def test_rejected_image_is_a_field_error(client, make_user, auth):
    auth.login_as(make_user())
    response = client.post(
        "/write",
        data={
            "title": "With a picture",
            "body": "See below",
            "images": [(io.BytesIO(b"this is not an image"), "photo.png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "See below" in page_text(response)
    assert Post.objects.count() == 0


def test_images_are_stored_and_shown_in_the_post(client, make_user, auth):
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (20, 10), "teal").save(picture, "PNG")
    picture.seek(0)
    auth.login_as(make_user())
    response = client.post(
        "/write",
        data={"title": "With a picture", "body": "See below", "images": [(picture, "photo.png")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, page_text(response)[:2000]
    post = Post.objects.get(id=post_id_from(response))
    assert len(post.files) == 1
    assert f"/files/{post.files[0]}" in post.body
    assert f'src="/files/{post.files[0]}' in page_text(client.get(f"/post/{post.id}"))
    assert client.get(f"/files/{post.files[0]}").status_code == 200


def test_an_image_linked_in_the_body_and_uploaded_again_is_recorded_once(client, make_user, auth):
    from PIL import Image

    auth.login_as(make_user())

    def png():
        data = io.BytesIO()
        Image.new("RGB", (8, 8), "navy").save(data, "PNG")
        data.seek(0)
        return data

    first = client.post(
        "/write",
        data={"title": "First", "body": "x", "images": [(png(), "a.png")]},
        content_type="multipart/form-data",
    )
    file_id = Post.objects.get(id=post_id_from(first)).files[0]
    second = client.post(
        "/write",
        data={"title": "Second", "body": f"Again: ![a](/files/{file_id})", "images": [(png(), "a.png")]},
        content_type="multipart/form-data",
    )
    assert Post.objects.get(id=post_id_from(second)).files == [file_id]


def test_deleting_a_post_releases_its_images(client, make_user, auth):
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "olive").save(picture, "PNG")
    picture.seek(0)
    auth.login_as(make_user())
    response = client.post(
        "/write",
        data={"title": "T", "body": "x", "images": [(picture, "p.png")]},
        content_type="multipart/form-data",
    )
    post = Post.objects.get(id=post_id_from(response))
    client.post(f"/delete/{post.id}")
    assert Post.objects.count() == 0
    assert client.get(f"/files/{post.files[0]}").status_code == 404


# -- editing and deleting ----------------------------------------------------
@pytest.fixture
def wendys_post(make_user):
    wendy = make_user("wendy")
    return Post.publish(wendy, "Original title", "Original body", "one")


@pytest.mark.parametrize("who, status", [("wendy", 200), ("other", 403), ("moderator", 403), ("admin", 200)])
def test_only_the_author_or_an_administrator_may_edit(client, make_user, auth, wendys_post, who, status):
    users = {
        "wendy": lambda: User.by_username("wendy"),
        "other": lambda: make_user("other"),
        "moderator": lambda: make_user("moddy", role="Moderator"),
        "admin": lambda: make_user("root", role="Administrator"),
    }
    auth.login_as(users[who]())
    assert client.get(f"/edit/{wendys_post.id}").status_code == status
    response = client.post(
        f"/edit/{wendys_post.id}", data={"title": "Changed", "body": "New body", "tags": "Two, two"}
    )
    if status == 200:
        assert response.status_code == 302
        wendys_post.reload()
        assert (wendys_post.title, wendys_post.tags) == ("Changed", ["two"])
        assert "<p>New body</p>" in wendys_post.body_html
    else:
        assert response.status_code == 403
        wendys_post.reload()
        assert wendys_post.title == "Original title"


def test_edit_form_shows_the_current_text(client, auth, wendys_post):
    auth.login_as(User.by_username("wendy"))
    page = page_text(client.get(f"/edit/{wendys_post.id}"))
    assert "Original title" in page and "Original body" in page and 'value="one"' in page


@pytest.mark.parametrize("who, status", [("other", 403), ("wendy", 302), ("admin", 302)])
def test_only_the_author_or_an_administrator_may_delete(client, make_user, auth, wendys_post, who, status):
    user = {
        "wendy": lambda: User.by_username("wendy"),
        "other": lambda: make_user("other"),
        "admin": lambda: make_user("root", role="Administrator"),
    }[who]()
    auth.login_as(user)
    response = client.post(f"/delete/{wendys_post.id}")
    assert response.status_code == status
    assert Post.objects.count() == (1 if status == 403 else 0)
    if status == 302:
        assert client.get(f"/post/{wendys_post.id}").status_code == 404


def test_delete_is_post_only(client, auth, wendys_post):
    auth.login_as(User.by_username("wendy"))
    assert client.get(f"/delete/{wendys_post.id}").status_code == 405
    assert Post.objects.count() == 1


def test_a_post_edited_while_comments_arrive_keeps_every_comment(app, make_user, wendys_post):
    readers = [make_user(f"reader{n}") for n in range(5)]
    wendy = User.by_username("wendy")
    post_id = wendys_post.id
    errors = []

    def comment(reader):
        client = signed_in(app, reader)
        for n in range(6):
            response = client.post(f"/post/{post_id}", data={"body": f"{reader.username} #{n}"})
            if response.status_code != 302:
                errors.append(response.status_code)

    def edit():
        client = signed_in(app, wendy)
        for n in range(10):
            response = client.post(f"/edit/{post_id}", data={"title": f"Edit {n}", "body": f"Body {n}"})
            if response.status_code != 302:
                errors.append(response.status_code)

    threads = [threading.Thread(target=comment, args=(r,)) for r in readers]
    threads.append(threading.Thread(target=edit))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    post = Post.objects.get(id=post_id)
    assert post.title == "Edit 9"
    assert post.comment_count == len(post.comments) == 30
    assert {c.body for c in post.comments} == {f"reader{r} #{n}" for r in range(5) for n in range(6)}


def signed_in(app, user):
    from helpers import signed_in_client

    return signed_in_client(app, user)


# -- bad input ---------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/post/123", "/post/aaaaaaaaaaaaaaaaaaaaaaaa", "/post/zzzzzzzzzzzzzzzzzzzzzzzz"]
)
def test_unknown_or_malformed_post_ids_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/edit/123"),
        ("get", "/edit/aaaaaaaaaaaaaaaaaaaaaaaa"),
        ("post", "/delete/123"),
        ("post", "/delete/aaaaaaaaaaaaaaaaaaaaaaaa"),
        ("post", "/post/123"),
    ],
)
def test_changes_to_unknown_posts_are_404(client, make_user, auth, method, path):
    auth.login_as(make_user())
    response = getattr(client, method)(path, data={"title": "t", "body": "b"})
    assert response.status_code == 404


@pytest.mark.parametrize("page", ["abc", "-5", "0", "99999", "-1", "1.5"])
def test_odd_page_numbers_give_a_sensible_page(app, client, make_user, page):
    app.config["POSTS_PER_PAGE"] = 2
    author = make_user()
    for n in range(5):
        Post.publish(author, f"Post number {n}", "Body")
    response = client.get(f"/?page={page}", follow_redirects=True)
    assert response.status_code == 200
    # A number that names no page shows the first; past the end and -1 the
    # last, the oldest two (a page by key is full at both ends).
    shown = re.findall(r"Post number (\d)", page_text(response))
    assert sorted(set(shown)) == (["0", "1"] if page in ("99999", "-1") else ["3", "4"])
    # Past the end, the address names the page shown (test_page_redirects.py).
    assert response.request.full_path == ("/?page=-1" if page == "99999" else f"/?page={page}")


def test_markup_in_titles_tags_and_usernames_is_escaped(client, make_user):
    author = make_user("<b>bold</b>")
    post = Post.publish(
        author, "<script>alert(1)</script>", "Body <i>x</i>", ["<img src=x onerror=alert(1)>"]
    )
    for path in ["/", f"/post/{post.id}", "/search?q=alert", "/feed.atom"]:
        page = page_text(client.get(path))
        assert "<script>alert(1)</script>" not in page, path
        assert "<b>bold</b>" not in page, path
        assert "<img src=x" not in page, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_text(client.get("/"))


# -- home page tabs ----------------------------------------------------------
def test_home_lists_newest_first_with_author_excerpt_tags_and_count(client, make_user):
    author = make_user("ann")
    newer = Post.publish(author, "Newer post", "Second body text", "beta")
    first = Post.publish(author, "Older post", "First body", "alpha")
    # Written second but dated an hour earlier: the list goes by time, not by id.
    Post.objects(id=first.id).update_one(set__timestamp=newer.timestamp - timedelta(hours=1))
    first.add_comment(author, "a comment")
    page = page_text(client.get("/"))
    assert page.index("Newer post") < page.index("Older post")
    assert "/avatar/ann" in page and "Second body text" in page
    assert 'href="/tag/beta"' in page and "1 comment" in page


def test_anonymous_visitors_see_no_tabs(client):
    page = page_text(client.get("/"))
    assert "/followed" not in page


def test_each_home_tab_has_its_own_address(client, make_user, auth):
    reader, writer, stranger = make_user("reader"), make_user("writer"), make_user("stranger")
    reader.follow(writer)
    Post.publish(writer, "Followed writer post", "body")
    Post.publish(stranger, "Stranger post", "body")
    auth.login_as(reader)
    followed = client.get("/followed")
    assert followed.status_code == 200
    assert "Followed writer post" in followed.text and "Stranger post" not in followed.text
    assert 'href="/followed" aria-current="page"' in followed.text
    # Visiting Followed chose nothing for later: / is still All.
    home = client.get("/")
    assert "Stranger post" in home.text and 'href="/" aria-current="page"' in home.text
    assert client.get("/followed?page=1").status_code == 200


def test_the_followed_tab_is_private_and_needs_a_sign_in(client, make_user, auth):
    response = client.get("/followed")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    auth.login_as(make_user())
    assert "private" in client.get("/followed").headers["Cache-Control"]


def test_the_old_all_address_leads_home_and_forgets_the_old_cookie(client, make_user, auth):
    auth.login_as(make_user())
    client.set_cookie("show_followed", "1")
    response = client.get("/all")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "show_followed=;" in response.headers["Set-Cookie"]
    assert 'href="/" aria-current="page"' in client.get("/").text


def test_preview_returns_sanitised_html(client, make_user, auth):
    auth.login_as(make_user())
    response = client.post("/preview", data={"body": "**bold** <script>alert(1)</script>"})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert "<strong>bold</strong>" in html and "<script" not in html


def test_preview_needs_a_writer(client):
    response = client.post("/preview", data={"body": "x"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def test_preview_and_comments_need_the_csrf_token_outside_testing(make_app):
    app = make_app(config_name="development", MONGODB_URI=None, RATELIMIT_ENABLED=False)
    with app.app_context():
        Role.insert_roles()
        user = User.register(email="w@example.com", username="w", password="pw123456")
        user.update(set__confirmed=True)
        user.reload()
        post = Post.publish(user, "Title", "Body")
        client = signed_in(app, user)
        assert client.post("/preview", data={"body": "x"}).status_code == 400
        assert client.post(f"/post/{post.id}", data={"body": "x"}).status_code == 400
        assert Post.objects.get(id=post.id).comment_count == 0


def test_the_preview_is_not_read_aloud_after_every_pause(client, make_user, auth):
    auth.login_as(make_user())
    page = client.get("/write").get_data(as_text=True)
    preview = re.search(r'<div id="post-preview"[^>]*>', page).group(0)
    assert "aria-live" not in preview
    assert 'id="post-preview-status" class="visually-hidden" role="status"' in page


def test_the_current_tab_is_marked_for_screen_readers(client, make_user, auth):
    auth.login_as(make_user())
    page = page_text(client.get("/"))
    assert '<a class="nav-link active" href="/" aria-current="page">All</a>' in page
    assert '<a class="nav-link" href="/followed">Followed</a>' in page


def test_the_pager_ends_are_not_links_on_the_first_and_last_page(app, client, make_user):
    app.config["POSTS_PER_PAGE"] = 2
    author = make_user()
    for n in range(3):
        Post.publish(author, f"Post number {n}", "Body")
    first, last = page_text(client.get("/")), page_text(client.get("/?page=2"))
    assert 'href="#"' not in first + last
    assert '<span class="page-link" aria-disabled="true"><span aria-hidden="true">&laquo;</span>' in first
    assert 'aria-label="Older page"' in first
    assert '<span class="page-link" aria-disabled="true"><span aria-hidden="true">&raquo;</span>' in last
    assert 'aria-label="Newer page"' in last
