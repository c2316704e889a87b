"""Malformed values in a URL or a form are a 4xx with a message, never a 500."""

import pytest
from helpers import signed_in_client

from site_app.models import User


@pytest.mark.parametrize("size", ["²", "①", "٣", "9" * 5000, "1234567", "-5", "12px"])
def test_an_avatar_size_that_is_not_a_small_number_is_a_400(client, make_user, size):
    make_user("ann")
    response = client.get("/avatar/ann", query_string={"size": size})
    assert response.status_code == 400
    assert "size must be a whole number of pixels" in response.get_data(as_text=True)


def test_avatar_sizes_are_clamped_to_the_documented_range(client):
    svg = client.get("/avatar/nobody", query_string={"size": "999999"}).get_data(as_text=True)
    assert 'width="512"' in svg
    svg = client.get("/avatar/nobody", query_string={"size": "1"}).get_data(as_text=True)
    assert 'width="16"' in svg


@pytest.fixture
def admin_client(app, make_user):
    return signed_in_client(app, make_user("root", role="Administrator"))


@pytest.mark.parametrize("action", ["disable", "enable", "confirm"])
def test_a_user_action_on_a_malformed_row_id_is_a_400(admin_client, make_user, action):
    ann = make_user("ann", confirmed=False)
    response = admin_client.post(
        "/admin/admin_users/action/", data={"action": action, "rowid": [str(ann.id), "zzz"]}
    )
    assert response.status_code == 400
    assert "rowid" in response.get_data(as_text=True)
    stored = User.objects.get(id=ann.id)
    assert (stored.disabled, stored.confirmed) == (False, False)  # nothing half done


def test_a_post_action_on_a_malformed_row_id_is_a_400(admin_client):
    response = admin_client.post(
        "/admin/admin_posts/action/", data={"action": "delete", "rowid": ["not-an-id"]}
    )
    assert response.status_code == 400


def test_a_malformed_role_id_in_the_user_form_is_a_400(admin_client, make_user):
    ann = make_user("ann")
    response = admin_client.post(
        f"/admin/admin_users/edit/?id={ann.id}",
        data={"username": "ann", "email": "ann@example.com", "role": "zzz"},
    )
    assert response.status_code == 400
    assert "role" in response.get_data(as_text=True)
    assert User.objects.get(id=ann.id).role.name == "User"
