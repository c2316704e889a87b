"""The admin interface: who may use it, and that every admin action keeps
the data consistent (rendered HTML, comment counts, sessions, files)."""

import re

import pytest
from bson import ObjectId

from site_app import dbstats
from site_app.database import gridfs_for
from site_app.models import Post, Role, User
from site_app.tokens import API


def log_in(client, user):
    """Log a user in through the session (what the login page does)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


@pytest.fixture
def admin(make_user):
    return make_user("root", role="Administrator")


@pytest.fixture
def admin_client(client, admin):
    log_in(client, admin)
    return client


ADMIN_PAGES = [
    "/admin/",
    "/admin/admin_users/",
    "/admin/admin_posts/",
    "/admin/comments/",
    "/admin/files/",
    "/admin/admin_roles/",
    "/admin/admin_audit/",
    "/admin/jobs/",
]


# Who reaches these pages (anonymous, each role) is in the permission
# matrix, tests/test_permissions.py.


def test_administrator_without_confirmed_email_is_sent_to_confirm(client, make_user):
    log_in(client, make_user("newboss", role="Administrator", confirmed=False))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/auth/unconfirmed" in response.headers["Location"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_administrator_sees_every_admin_page(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert "Inkwell admin" in response.get_data(as_text=True)


def test_refused_admin_actions_change_nothing(client, make_user, admin):
    post = Post.publish(admin, "Kept", "body", tags="x")
    comment = post.add_comment(admin, "stays")
    log_in(client, make_user("mallory"))
    assert client.post(f"/admin/comments/{comment.id}/delete").status_code == 403
    assert client.post("/admin/admin_posts/delete/", data={"id": str(post.id)}).status_code == 403
    post.reload()
    assert post.comment_count == 1 and len(post.comments) == 1


def test_dashboard_shows_counts_from_the_database(admin_client, admin, make_user, app, db_ops):
    make_user("ann")
    post = Post.publish(admin, "One", "body")
    post.add_comment(admin, "first")
    post.add_comment(admin, "second")
    Post.publish(admin, "Two", "body").add_comment(admin, "third")
    gridfs_for(app).put(b"x" * 1500, filename="a.txt", contentType="text/plain")
    with db_ops() as ops:
        page = admin_client.get("/admin/").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "2 Users" in text
    assert "2 New users this week" in text
    assert "2 Posts" in text
    assert "3 Comments" in text
    assert "1 Files" in text
    assert "1.5 kB Storage used by files" in text
    # counts and $group aggregations, not a load of every document
    assert ops.count <= 10


def test_admin_finds_users_by_name_and_filters_by_role(admin_client, make_user):
    make_user("zelda", role="Moderator")
    make_user("yorick")
    page = admin_client.get("/admin/admin_users/?search=zel").get_data(as_text=True)
    assert "zelda" in page and "yorick" not in page
    page = admin_client.get("/admin/admin_users/?flt0_0=Moderator").get_data(as_text=True)
    assert "zelda" in page and "yorick" not in page and "root@example.com" not in page


def test_admin_changes_a_role_and_confirms_an_account(admin_client, make_user):
    ann = make_user("ann", confirmed=False)
    response = admin_client.post(
        f"/admin/admin_users/edit/?id={ann.id}",
        data={
            "username": "ann",
            "email": "ann@example.com",
            "role": str(Role.named("Moderator").id),
            "confirmed": "y",
        },
    )
    assert response.status_code == 302
    ann.reload()
    assert ann.role.name == "Moderator" and ann.confirmed and not ann.disabled


def test_disabling_an_account_ends_its_session_and_tokens_at_once(app, admin_client, make_user):
    ann = make_user("ann")
    ann_browser = app.test_client()
    log_in(ann_browser, ann)
    assert ann_browser.get("/admin/").status_code == 403  # logged in: refused, not sent to log in
    token = ann.generate_token(API)
    assert User.from_token(API, token, 3600) is not None

    response = admin_client.post(
        f"/admin/admin_users/edit/?id={ann.id}",
        data={
            "username": "ann",
            "email": "ann@example.com",
            "role": str(ann.role.id),
            "confirmed": "y",
            "account_disabled": "y",
        },
    )
    assert response.status_code == 302

    ann.reload()
    assert ann.disabled and ann.auth_version == 1
    assert User.from_token(API, token, 3600) is None
    response = ann_browser.get("/admin/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_enabling_an_account_does_not_revive_old_sessions(admin_client, make_user):
    ann = make_user("ann")
    old_session_id = ann.get_id()
    ann.disable()
    admin_client.post("/admin/admin_users/action/", data={"action": "enable", "rowid": [str(ann.id)]})
    ann.reload()
    assert not ann.disabled
    assert ann.get_id() != old_session_id


def test_bulk_disable_action_bumps_every_account(admin_client, make_user):
    ann, bob = make_user("ann"), make_user("bob")
    response = admin_client.post(
        "/admin/admin_users/action/", data={"action": "disable", "rowid": [str(ann.id), str(bob.id)]}
    )
    assert response.status_code == 302
    for user in (ann, bob):
        user.reload()
        assert user.disabled and user.auth_version == 1


def test_admin_finds_posts_by_author_and_tag(admin_client, admin, make_user):
    ann = make_user("ann")
    Post.publish(ann, "Gardening notes", "soil", tags="garden")
    Post.publish(admin, "Admin musings", "words", tags="meta")
    page = admin_client.get("/admin/admin_posts/?flt0_0=ann").get_data(as_text=True)
    assert "Gardening notes" in page and "Admin musings" not in page
    page = admin_client.get("/admin/admin_posts/?flt0_1=Garden").get_data(as_text=True)
    assert "Gardening notes" in page and "Admin musings" not in page
    page = admin_client.get("/admin/admin_posts/?search=musings").get_data(as_text=True)
    assert "Admin musings" in page and "Gardening notes" not in page


def test_editing_a_post_rerenders_it_and_keeps_its_comments(admin_client, make_user):
    ann = make_user("ann")
    post = Post.publish(ann, "Draft", "plain words", tags="one")
    post.add_comment(ann, "a comment that must survive")
    form = admin_client.get(f"/admin/admin_posts/edit/?id={post.id}").get_data(as_text=True)
    assert 'value="one"' in form
    response = admin_client.post(
        f"/admin/admin_posts/edit/?id={post.id}",
        data={"title": "Final", "body": "now **bold**", "tags": "One, two"},
    )
    assert response.status_code == 302
    post.reload()
    assert post.title == "Final"
    assert "<strong>bold</strong>" in post.body_html
    assert post.tags == ["one", "two"]
    assert post.comment_count == 1
    assert [c.body for c in post.comments] == ["a comment that must survive"]


def test_editing_a_post_with_an_empty_body_is_refused(admin_client, make_user):
    post = Post.publish(make_user("ann"), "Keep", "original")
    response = admin_client.post(
        f"/admin/admin_posts/edit/?id={post.id}", data={"title": "Keep", "body": "", "tags": ""}
    )
    assert response.status_code == 200  # the form again, with its error
    post.reload()
    assert post.body == "original"


def test_admin_deletes_a_post(admin_client, make_user):
    post = Post.publish(make_user("ann"), "Spam", "buy now")
    response = admin_client.post("/admin/admin_posts/delete/", data={"id": str(post.id)})
    assert response.status_code == 302
    assert Post.objects(id=post.id).count() == 0


def test_comments_are_listed_newest_first_across_posts(admin_client, make_user):
    ann = make_user("ann")
    first = Post.publish(ann, "First post", "a")
    second = Post.publish(ann, "Second post", "b")
    first.add_comment(ann, "oldest words")
    second.add_comment(ann, "middle words")
    first.add_comment(ann, "newest words")
    page = admin_client.get("/admin/comments/").get_data(as_text=True)
    assert page.index("newest words") < page.index("middle words") < page.index("oldest words")
    assert "3 comments across all posts" in page


def test_hiding_and_showing_a_comment_keeps_the_count(admin_client, make_user):
    ann = make_user("ann")
    post = Post.publish(ann, "Post", "body")
    comment = post.add_comment(ann, "rude")
    assert admin_client.post(f"/admin/comments/{comment.id}/hide").status_code == 302
    post.reload()
    assert post.comments[0].disabled and post.comment_count == 1
    assert admin_client.post(f"/admin/comments/{comment.id}/show").status_code == 302
    post.reload()
    assert not post.comments[0].disabled and post.comment_count == 1


def test_an_admin_deletes_a_comment_and_the_count_stays_right(admin_client, make_user):
    ann = make_user("ann")
    post = Post.publish(ann, "Post", "body")
    doomed = post.add_comment(ann, "spam")
    post.add_comment(ann, "fine")
    assert admin_client.post(f"/admin/comments/{doomed.id}/delete").status_code == 302
    post.reload()
    assert post.comment_count == 1 and [c.body for c in post.comments] == ["fine"]
    # deleting it again finds nothing and changes nothing
    assert admin_client.post(f"/admin/comments/{doomed.id}/delete").status_code == 404
    post.reload()
    assert post.comment_count == 1


@pytest.mark.parametrize("action", ["hide", "show", "delete"])
def test_comment_actions_answer_404_for_bad_ids_and_are_post_only(admin_client, action):
    assert admin_client.post(f"/admin/comments/not-an-id/{action}").status_code == 404
    assert admin_client.post(f"/admin/comments/{ObjectId()}/{action}").status_code == 404
    assert admin_client.get(f"/admin/comments/{ObjectId()}/{action}").status_code == 405


def test_files_list_shows_owner_size_type_and_previews_images(admin_client, admin, app):
    fs = gridfs_for(app)
    image_id = fs.put(
        b"\x89PNG fake",
        filename="cat.png",
        contentType="image/png",
        metadata={"owner": admin.id, "kind": "image"},
    )
    fs.put(b"hello", filename="notes.txt", metadata={"owner": admin.id, "content_type": "text/plain"})
    fs.put(b"small", filename="cat-thumb.png", metadata={"parent_id": image_id, "kind": "thumbnail"})
    page = admin_client.get("/admin/files/").get_data(as_text=True)
    assert "cat-thumb.png" not in page  # a thumbnail belongs to its image
    assert "cat.png" in page and "notes.txt" in page and "root" in page
    assert "image/png" in page and "text/plain" in page
    assert f'<img src="/files/{image_id}"' in page
    assert page.count('<img src="/files/') == 1


def test_deleting_a_file_removes_it_and_every_reference(admin_client, admin, app):
    fs = gridfs_for(app)
    file_id = fs.put(b"data", filename="pic.png", contentType="image/png")
    thumb_id = fs.put(b"thumb", filename="pic-thumb.png", metadata={"parent_id": file_id})
    post = Post.publish(admin, "With a picture", "see", files=[file_id])
    User.objects(id=admin.id).update_one(set__avatar_id=file_id)
    assert admin_client.post(f"/admin/files/{file_id}/delete").status_code == 302
    assert not fs.exists(file_id) and not fs.exists(thumb_id)
    post.reload()
    admin.reload()
    assert post.files == [] and admin.avatar_id is None
    assert admin_client.post(f"/admin/files/{file_id}/delete").status_code == 404


def test_roles_are_read_only(admin_client):
    page = admin_client.get("/admin/admin_roles/").get_data(as_text=True)
    assert "Administrator" in page and "follow, comment, write, moderate, admin" in page
    role = Role.named("User")
    # Flask-Admin sends edits and deletes it does not allow back to the list.
    for response in (
        admin_client.get(f"/admin/admin_roles/edit/?id={role.id}"),
        admin_client.post("/admin/admin_roles/delete/", data={"id": str(role.id)}),
    ):
        assert response.status_code == 302
        assert response.headers["Location"] == "/admin/admin_roles/"
    assert Role.named("User") is not None


def test_admin_forms_need_the_site_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        boss = User.register(email="boss@example.com", username="boss", password="pw")
        boss.role = Role.named("Administrator")
        boss.confirmed = True
        boss.save()
        post = Post.publish(boss, "Guarded", "body")
        comment = post.add_comment(boss, "guarded comment")
        client = app.test_client()
        log_in(client, boss)
        assert client.post(f"/admin/comments/{comment.id}/delete").status_code == 400
        page = client.get("/admin/comments/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        assert (
            client.post(f"/admin/comments/{comment.id}/delete", data={"csrf_token": token}).status_code == 302
        )
        form = client.get(f"/admin/admin_posts/edit/?id={post.id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        response = client.post(
            f"/admin/admin_posts/edit/?id={post.id}",
            data={"csrf_token": token, "title": "Guarded", "body": "edited", "tags": ""},
        )
        assert response.status_code == 302
        post.reload()
        assert post.body == "edited"


def test_admin_pages_run_under_the_site_csp(admin_client, admin):
    Post.publish(admin, "Post", "body", tags="t")
    response = admin_client.get("/admin/admin_posts/")
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert "unsafe-inline" not in csp
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all(f'nonce="{nonce}"' in s for s in scripts)
    assert 'style="' not in page
    assert re.search(r"/static/js/admin\.[0-9a-f]{12}\.js", page)  # its hashed name
    # Flask-Admin's inline handlers (delete confirm, filter menu, bulk
    # actions) are replaced by data attributes that admin.js handles
    pages = {
        path: admin_client.get(path).get_data(as_text=True)
        for path in ("/admin/admin_posts/", "/admin/admin_users/")
    }
    for path, page in pages.items():
        assert not re.search(r"\son[a-z]+=", page), path
    assert 'data-confirm="' in pages["/admin/admin_posts/"]
    assert 'data-action="disable"' in pages["/admin/admin_users/"]


def test_the_admin_checks_accounts_by_the_account_pages_rules(admin_client, make_user):
    ann = make_user("ann")
    make_user("bob")
    role = str(ann.role.id)
    for data in (
        {"username": "a b", "email": "ann@example.com"},
        {"username": "ann", "email": "not an address"},
        {"username": "Bob", "email": "ann@example.com"},
    ):
        admin_client.post(
            f"/admin/admin_users/edit/?id={ann.id}", data={**data, "role": role, "confirmed": "y"}
        )
        ann.reload()
        assert (ann.username, ann.email) == ("ann", "ann@example.com"), data
    admin_client.post(
        f"/admin/admin_users/edit/?id={ann.id}",
        data={"username": "ann2", "email": " Ann2@Example.com ", "role": role, "confirmed": "y"},
    )
    ann.reload()
    assert (ann.username, ann.username_key, ann.email) == ("ann2", "ann2", "ann2@example.com")


# -- issue 13: the Users list reads well -----------------------------------------
def test_search_boxes_say_what_they_search(admin_client):
    for path, words in (
        ("/admin/admin_users/", "Search username, email"),
        ("/admin/admin_posts/", "Search title, body"),
    ):
        page = admin_client.get(path).get_data(as_text=True)
        assert f'placeholder="{words}"' in page, path
        assert 'placeholder="None"' not in page


def test_user_times_are_shown_to_the_minute(admin_client, admin):
    page = admin_client.get("/admin/admin_users/").get_data(as_text=True)
    assert admin.member_since.strftime("%Y-%m-%d %H:%M") in page
    assert not re.search(r"\d\d:\d\d:\d\d\.\d{6}", page)  # no seconds or microseconds


def test_disabled_and_unconfirmed_accounts_are_marked(admin_client, make_user):
    make_user("ann").disable()
    make_user("bob", confirmed=False)
    page = admin_client.get("/admin/admin_users/").get_data(as_text=True)
    assert re.search(r"ann\s*<span class=\"badge badge-danger\">disabled</span>", page)
    assert re.search(r"bob\s*<span class=\"badge badge-warning\">unconfirmed</span>", page)
    assert not re.search(r"root\s*<span", page)


def test_the_users_table_has_few_columns(admin_client):
    page = admin_client.get("/admin/admin_users/").get_data(as_text=True)
    headers = re.findall(r'<th class="column-header col-([\w_]+)"', page)
    assert headers == ["username", "email", "role", "member_since", "last_seen"]


def test_bulk_actions_count_in_words(admin_client, make_user):
    ann, bob = make_user("ann"), make_user("bob")
    admin_client.post("/admin/admin_users/action/", data={"action": "disable", "rowid": [str(ann.id)]})
    page = admin_client.get("/admin/admin_users/").get_data(as_text=True)
    assert "1 account disabled." in page and "(s)" not in page
    admin_client.post(
        "/admin/admin_users/action/", data={"action": "enable", "rowid": [str(ann.id), str(bob.id)]}
    )
    assert "1 account enabled." in admin_client.get("/admin/admin_users/").get_data(as_text=True)
    bob.disable()
    ann.disable()
    admin_client.post(
        "/admin/admin_users/action/", data={"action": "enable", "rowid": [str(ann.id), str(bob.id)]}
    )
    assert "2 accounts enabled." in admin_client.get("/admin/admin_users/").get_data(as_text=True)


@pytest.mark.parametrize(
    "path, collection",
    [("/admin/admin_users/", "users"), ("/admin/admin_posts/", "posts"), ("/admin/files/", "fs.files")],
)
def test_admin_lists_order_ties_by_id(app, admin_client, path, collection):
    """Rows of one instant (an import) keep one order on every page, on any
    server: each list's sort ends with the unique id."""
    app.config["DB_OPS_HEADER"] = False
    with dbstats.recording() as ops:
        assert admin_client.get(path).status_code == 200
    sorts = [sort for name, op, _f, sort in ops.operations if name == collection and sort]
    assert sorts and all(list(sort)[-1][0] == "_id" for sort in sorts), sorts
