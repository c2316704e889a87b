"""Fields more than one path writes are changed with atomic updates: two
requests holding the same account never undo each other, and an account
deleted meanwhile is not written back as a stub."""

import pytest
from helpers import links_in, site_path
from mongoengine.errors import SaveConditionError

from site_app.models import User

PASSWORD = "correct horse battery"


def test_an_email_change_link_dies_with_a_password_change(client, auth, make_user, outbox):
    ann = make_user("ann")
    auth.login_as(ann)
    client.post("/auth/change_email", data={"email": "ann@new.example", "password": PASSWORD})
    link = links_in(outbox[-1])[0]
    client.post(
        "/auth/change-password",
        data={"old_password": PASSWORD, "password": "a new password", "password2": "a new password"},
    )
    page = client.get(site_path(link), follow_redirects=True).get_data(as_text=True)
    assert "That link is invalid or has expired" in page
    assert User.objects.get(id=ann.id).email == "ann@example.com"


def two_copies(user):
    """The same account loaded twice, as two requests would hold it."""
    return User.objects.get(id=user.id), User.objects.get(id=user.id)


def test_a_password_change_and_a_disable_both_count(make_user):
    first, second = two_copies(make_user("ann"))
    second.disable()
    first.change_password("a new password")
    stored = User.objects.get(id=first.id)
    assert stored.auth_version == 2  # both bumps, not the last writer's
    assert stored.disabled
    assert stored.verify_password("a new password")


def test_a_profile_save_does_not_bring_back_an_avatar_removed_meanwhile(app, make_user):
    import io

    from PIL import Image
    from werkzeug.datastructures import FileStorage

    from site_app.media.storage import set_avatar

    ann = make_user("ann")
    request_copy, admin_copy = two_copies(ann)
    png = io.BytesIO()
    Image.new("RGB", (80, 80), "teal").save(png, format="PNG")
    png.seek(0)
    with app.test_request_context():
        set_avatar(request_copy, FileStorage(png, filename="me.png", content_type="image/png"))
    assert User.objects.get(id=ann.id).avatar_id == request_copy.avatar_id
    # Meanwhile an administrator removes that file (admin files view).
    User.objects(avatar_id=request_copy.avatar_id).update(unset__avatar_id=True)
    # The first request goes on to save the profile's text fields.
    request_copy.edit_profile(name="Ann", location="Lisbon", about_me=None)
    stored = User.objects.get(id=ann.id)
    assert stored.avatar_id is None
    assert (stored.name, stored.location) == ("Ann", "Lisbon")


def test_two_profile_edits_keep_each_others_fields(make_user):
    first, second = two_copies(make_user("ann"))
    first.edit_profile(name="Ann")
    second.follow(make_user("bob"))
    first.edit_profile(location="Lisbon")
    stored = User.objects.get(id=first.id)
    assert (stored.name, stored.location, stored.following_count) == ("Ann", "Lisbon", 1)


def test_a_deleted_account_is_not_written_back(make_user):
    ann = make_user("ann")
    held, _ = two_copies(ann)
    User.objects(id=ann.id).delete()
    assert held.edit_profile(name="Ghost") is False
    held.change_password("a new password")
    held.confirm(held.generate_confirmation_token())
    held.name = "Ghost"
    with pytest.raises(SaveConditionError):
        held.save()
    assert User.objects(id=ann.id).count() == 0
    assert User._get_collection().count_documents({}) == 0


def test_an_account_deleted_while_its_owner_edits_the_profile_is_a_404(client, auth, make_user):
    ann = make_user("ann")
    auth.login_as(ann)
    from site_app.models import users

    real_loader = users.load_user
    held = User.objects.get(id=ann.id)

    # The request loads the account, then it is deleted before the write.
    def load_then_delete(session_id):
        User.objects(id=ann.id).delete()
        return held

    from site_app.extensions import login_manager

    login_manager.user_loader(load_then_delete)
    try:
        response = client.post("/edit-profile", data={"name": "Ghost"})
    finally:
        login_manager.user_loader(real_loader)
    assert response.status_code == 404
    assert User._get_collection().count_documents({}) == 0
