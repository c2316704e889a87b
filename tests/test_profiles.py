"""Profiles: reading someone's page, editing your own, and an administrator
editing anyone's account."""

import io
import re
from datetime import datetime

from bson import ObjectId
from PIL import Image

from site_app.models import Post, Role, User


def png_bytes(size=(64, 48), color=(200, 40, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def typed_value(html, field):
    match = re.search(r'<(?:input|textarea)[^>]*name="%s"[^>]*>([^<]*)' % re.escape(field), html)
    assert match, f"no field named {field}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else match.group(1).strip()


# -- reading a profile ------------------------------------------------------------


def test_visitor_reads_a_profile_with_its_posts(client, make_user):
    ann = make_user("ann", name="Ann Lee", location="Lisbon", about_me="I write about tides.")
    bob = make_user("bob")
    Post.publish(ann, "High tide", "The water rose.")
    Post.publish(bob, "Not on Ann's page", "Bob's words.")
    response = client.get("/user/ann")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "Ann Lee",
        "Lisbon",
        "I write about tides.",
        "Member since",
        "last seen",
        "High tide",
        "/avatar/ann",
        "/followers/ann",
        "/following/ann",
    ):
        assert text in page
    assert "Not on Ann&#39;s page" not in page and "Not on Ann's page" not in page
    # A visitor may read but not follow or edit.
    assert "/follow/ann" not in page
    assert "/edit-profile" not in page.split("</nav>", 1)[1]


def test_unknown_profile_is_not_found(client):
    response = client.get("/user/nobody")
    assert response.status_code == 404
    assert "We could not find" in response.get_data(as_text=True)


def test_profile_text_is_shown_as_text_not_markup(client, make_user):
    make_user("ann", about_me='<script>alert("x")</script> & <b>bold</b>')
    page = client.get("/user/ann").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def after_link(page, path):
    """The "older" link of a page paged by key."""
    return re.search(rf'href="({re.escape(path)}\?after=[^"]+)" aria-label="Older page"', page).group(1)


def test_profile_posts_are_paginated_newest_first(app, client, make_user):
    app.config["POSTS_PER_PAGE"] = 2
    ann = make_user("ann")
    for n in range(5):
        post = Post.publish(ann, f"Entry number {n}", "Body.")
        # Distinct times: posts written in one millisecond have no order.
        Post.objects(id=post.id).update_one(set__timestamp=datetime(2024, 5, 1, 12, n))
    first = client.get("/user/ann").get_data(as_text=True)
    assert "Entry number 4" in first and "Entry number 3" in first
    assert "Entry number 2" not in first
    older = client.get(after_link(first, "/user/ann")).get_data(as_text=True)
    assert "Entry number 2" in older and "Entry number 1" in older
    last = client.get("/user/ann?page=-1").get_data(as_text=True)
    assert "Entry number 0" in last and "Entry number 4" not in last
    # An old page number is still that page; past the end (or deeper than
    # numbers are served) is the last page, at its own address.
    assert "Entry number 2" in client.get("/user/ann?page=2").get_data(as_text=True)
    assert client.get("/user/ann?page=99").location == "/user/ann?page=-1"
    assert client.get("/user/ann?page=abc").status_code == 200


def test_profile_page_reads_a_bounded_number_of_times(app, client, make_user):
    """The database work of a profile page does not grow with its posts."""
    ann = make_user("ann")
    Post.publish(ann, "One", "Body.")
    few = int(client.get("/user/ann").headers["X-DB-Ops"])
    for n in range(15):
        Post.publish(ann, f"Post {n}", "Body.")
    many = int(client.get("/user/ann").headers["X-DB-Ops"])
    assert many <= few + 1, (few, many)


def test_reader_follows_from_the_profile_and_sees_the_follows_you_badge(client, auth, make_user):
    ann = make_user("ann")
    bob = make_user("bob")
    auth.login_as(bob)
    page = client.get("/user/ann").get_data(as_text=True)
    assert 'action="/follow/ann"' in page
    assert "Follows you" not in page
    assert client.post("/follow/ann").status_code == 302
    page = client.get("/user/ann").get_data(as_text=True)
    assert 'action="/unfollow/ann"' in page
    assert re.search(r"<strong>1</strong> follower\b", page)

    auth.logout()
    auth.login_as(ann)
    page = client.get("/user/bob").get_data(as_text=True)
    assert "Follows you" in page
    # On her own page Ann may edit, not follow herself.
    own = client.get("/user/ann").get_data(as_text=True)
    assert "/follow/ann" not in own
    assert "Edit profile" in own


def test_administrator_sees_an_edit_link_on_every_profile(client, auth, make_user):
    ann = make_user("ann")
    auth.login_as(make_user("boss", role="Administrator"))
    page = client.get("/user/ann").get_data(as_text=True)
    assert f"/edit-profile/{ann.id}" in page
    assert "ann@example.com" in page


# -- editing your own profile --------------------------------------------------------


def test_reader_edits_their_profile(client, auth, make_user):
    ann = make_user("ann")
    auth.login_as(ann)
    page = client.get("/edit-profile").get_data(as_text=True)
    for field in ("name", "location", "about_me", "avatar"):
        assert f'name="{field}"' in page
    response = client.post(
        "/edit-profile", data={"name": " Ann Lee ", "location": "Lisbon", "about_me": "Tides.\nAnd boats."}
    )
    assert response.status_code == 302
    assert response.location == "/user/ann"
    ann.reload()
    assert (ann.name, ann.location, ann.about_me) == ("Ann Lee", "Lisbon", "Tides.\nAnd boats.")
    # The form opens with what is saved.
    assert typed_value(client.get("/edit-profile").get_data(as_text=True), "location") == "Lisbon"


def test_editing_the_profile_keeps_follows_made_meanwhile(app, client, auth, make_user):
    ann = make_user("ann")
    bob = make_user("bob")
    auth.login_as(ann)
    # Ann follows Bob from another browser after this one loaded her profile.
    User.objects(id=ann.id).update_one(add_to_set__following=bob)
    client.post("/edit-profile", data={"name": "Ann"})
    ann.reload()
    assert ann.is_following(bob)
    assert ann.name == "Ann"


def test_too_long_profile_fields_are_refused_and_kept(client, auth, make_user):
    ann = make_user("ann", location="Lisbon")
    auth.login_as(ann)
    response = client.post(
        "/edit-profile", data={"name": "N" * 65, "location": "Porto", "about_me": "A" * 2001}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Names are at most 64 characters" in page
    assert "Keep it under 2,000 characters" in page
    assert typed_value(page, "name") == "N" * 65
    assert typed_value(page, "location") == "Porto"
    ann.reload()
    assert ann.location == "Lisbon" and ann.name is None


def test_editing_a_profile_needs_an_account(client):
    response = client.get("/edit-profile")
    assert response.status_code == 302
    assert "/auth/login" in response.location
    assert client.post("/edit-profile", data={"name": "x"}).status_code == 302


def test_reader_uploads_an_avatar(client, auth, make_user):
    ann = make_user("ann")
    auth.login_as(ann)
    response = client.post(
        "/edit-profile",
        data={"name": "Ann", "avatar": (io.BytesIO(png_bytes()), "me.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    ann.reload()
    assert ann.avatar_id is not None
    avatar = client.get("/avatar/ann")
    assert avatar.status_code == 200
    assert avatar.mimetype.startswith("image/")


def test_a_file_that_is_not_an_image_is_refused_as_avatar(client, auth, make_user):
    ann = make_user("ann", location="Lisbon")
    auth.login_as(ann)
    response = client.post(
        "/edit-profile",
        data={"location": "Porto", "avatar": (io.BytesIO(b"%PDF-1.4 not an image"), "me.png")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 415
    assert "An avatar must be a JPEG, PNG, GIF or WebP image." in page
    assert typed_value(page, "location") == "Porto"
    ann.reload()
    assert ann.avatar_id is None
    assert ann.location == "Lisbon"  # nothing was half-saved


def test_an_avatar_over_its_limit_is_refused_on_the_form_keeping_what_was_typed(app, client, auth, make_user):
    app.config["MAX_AVATAR_BYTES"] = 64 * 1024
    ann = make_user("ann", location="Lisbon")
    auth.login_as(ann)
    form = client.get("/edit-profile").get_data(as_text=True)
    assert 'data-max-bytes="65536"' in form  # the browser checks first (static/js/avatar.js)

    big = png_bytes() + b"\0" * (70 * 1024)
    response = client.post(
        "/edit-profile",
        data={
            "name": "Ann Lee",
            "location": "Porto",
            "about_me": "I write about tides.",
            "avatar": (io.BytesIO(big), "me.png"),
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The avatar is too large: the limit is 0.1 MB." in page
    assert typed_value(page, "name") == "Ann Lee" and typed_value(page, "location") == "Porto"
    assert "I write about tides." in page
    ann.reload()
    assert ann.avatar_id is None and ann.location == "Lisbon"


def test_a_request_past_the_site_limit_is_answered_on_the_profile_form(app, client, auth, make_user):
    app.config["MAX_CONTENT_LENGTH"] = 32 * 1024
    ann = make_user("ann", location="Lisbon")
    auth.login_as(ann)
    response = client.post(
        "/edit-profile",
        data={"location": "Porto", "avatar": (io.BytesIO(b"\0" * (64 * 1024)), "me.png")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "The avatar is too large" in page and 'name="about_me"' in page
    assert typed_value(page, "location") == "Lisbon"  # unread: the stored profile is shown


# -- administrators edit accounts ------------------------------------------------------


def test_administrator_edits_an_account(client, auth, make_user):
    ann = make_user("ann", confirmed=False)
    auth.login_as(make_user("boss", role="Administrator"))
    page = client.get(f"/edit-profile/{ann.id}").get_data(as_text=True)
    assert typed_value(page, "email") == "ann@example.com"
    assert typed_value(page, "username") == "ann"
    response = client.post(
        f"/edit-profile/{ann.id}",
        data={
            "email": "Ann@Elsewhere.example",
            "username": "ann.lee",
            "confirmed": "y",
            "role": "Moderator",
            "name": "Ann Lee",
            "location": "",
            "about_me": "",
        },
    )
    assert response.status_code == 302
    assert response.location == "/user/ann.lee"
    ann.reload()
    assert ann.email == "ann@elsewhere.example"
    assert ann.username == "ann.lee"
    assert ann.confirmed
    assert ann.role.name == "Moderator"
    assert ann.name == "Ann Lee"


def test_administrator_cannot_give_an_account_a_taken_email_or_username(client, auth, make_user):
    ann = make_user("ann")
    make_user("bob")
    auth.login_as(make_user("boss", role="Administrator"))
    base = {"email": "ann@example.com", "username": "ann", "role": "User", "confirmed": "y"}
    response = client.post(f"/edit-profile/{ann.id}", data={**base, "email": "BOB@example.com"})
    assert "That email address is already registered" in response.get_data(as_text=True)
    response = client.post(f"/edit-profile/{ann.id}", data={**base, "username": "Bob"})
    assert "That username is taken" in response.get_data(as_text=True)
    response = client.post(f"/edit-profile/{ann.id}", data={**base, "role": "Emperor"})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    ann.reload()
    assert (ann.email, ann.username, ann.role.name) == ("ann@example.com", "ann", "User")


def test_admin_edit_that_loses_a_race_is_a_field_error(client, auth, make_user, monkeypatch):
    ann = make_user("ann")
    make_user("bob")
    auth.login_as(make_user("boss", role="Administrator"))
    # The form check passes, then the unique index refuses the address.
    monkeypatch.setattr(User, "email_taken", classmethod(lambda cls, email: False))
    response = client.post(
        f"/edit-profile/{ann.id}", data={"email": "bob@example.com", "username": "ann", "role": "User"}
    )
    assert response.status_code == 409
    assert "That email address is already registered" in response.get_data(as_text=True)
    ann.reload()
    assert ann.email == "ann@example.com"


def test_admin_edit_of_a_missing_or_malformed_id_is_not_found(client, auth, make_user):
    auth.login_as(make_user("boss", role="Administrator"))
    assert client.get(f"/edit-profile/{ObjectId()}").status_code == 404
    assert client.get("/edit-profile/not-an-id").status_code == 404
    assert client.post("/edit-profile/123", data={"email": "x@example.com"}).status_code == 404


def test_only_administrators_edit_other_accounts(client, auth, make_user):
    ann = make_user("ann")
    auth.login_as(make_user("mod", role="Moderator"))
    assert client.get(f"/edit-profile/{ann.id}").status_code == 403
    response = client.post(
        f"/edit-profile/{ann.id}",
        data={"email": "mine@example.com", "username": "ann", "role": "Administrator"},
    )
    assert response.status_code == 403
    ann.reload()
    assert ann.email == "ann@example.com"
    assert Role.named("Administrator").id != ann.role.id


def _avatar_url(page, username):
    return re.search(rf'src="(/avatar/{username}\?[^"]+)"', page).group(1).replace("&amp;", "&")


def test_avatar_urls_change_with_the_avatar_so_browsers_keep_them_long(client, auth, make_user):
    ann = make_user("ann")
    url = _avatar_url(client.get("/user/ann").get_data(as_text=True), "ann")
    identicon = client.get(url)
    assert "immutable" in identicon.headers["Cache-Control"] and "ETag" in identicon.headers
    assert int(re.search(r"max-age=(\d+)", identicon.headers["Cache-Control"]).group(1)) >= 31536000

    auth.login_as(ann)
    client.post(
        "/edit-profile",
        data={"name": "Ann", "avatar": (io.BytesIO(png_bytes()), "me.png")},
        content_type="multipart/form-data",
    )
    new_url = _avatar_url(client.get("/user/ann").get_data(as_text=True), "ann")
    assert new_url != url
    uploaded = client.get(new_url)
    assert uploaded.mimetype.startswith("image/") and "immutable" in uploaded.headers["Cache-Control"]
    # The page an old visitor still has names the old version: short-lived now.
    stale = client.get(url)
    assert stale.mimetype.startswith("image/") and "immutable" not in stale.headers["Cache-Control"]
