"""A published post's earlier texts: kept on every save, listed and compared
for its author and the administrators, put back on request."""

import re

import pytest
from helpers import signed_in_client

from site_app.models import Post
from site_app.models.revisions import Revision


@pytest.fixture
def writer(make_user, auth):
    user = make_user("wendy")
    auth.login_as(user)
    return user


def write(client, title, body, **fields):
    response = client.post("/write", data={"title": title, "body": body, **fields})
    assert response.status_code == 302
    return re.search(r"/post/([0-9a-f]{24})", response.headers["Location"]).group(1)


def edit(client, post_id, title, body, **fields):
    response = client.post(f"/edit/{post_id}", data={"title": title, "body": body, **fields})
    assert response.status_code == 302, response.text


def revision_ids(page):
    return re.findall(r"diff=([0-9a-f]{24})", page.text)


def test_each_save_keeps_the_replaced_text_and_the_diff_shows_it(client, writer):
    post_id = write(client, "Tides", "The sea <b>rises</b>.\nThe moon pulls.", tags="sea")
    edit(
        client,
        post_id,
        "Tides and moons",
        "The sea falls.\nThe moon pulls.",
        tags="sea, moon",
        subtitle="A study",
    )

    page = client.get(f"/post/{post_id}/revisions")
    assert page.status_code == 200
    assert "“Tides”" in page.text
    [revision_id] = revision_ids(page)

    diff = client.get(f"/post/{post_id}/revisions?diff={revision_id}")
    assert diff.status_code == 200
    assert '<span class="diff-removed">-The sea &lt;b&gt;rises&lt;/b&gt;.</span>' in diff.text
    assert '<span class="diff-added">+The sea falls.</span>' in diff.text
    assert '<span class="diff-added">+Subtitle: A study</span>' in diff.text
    assert '<span class="diff-context"> The moon pulls.</span>' in diff.text
    assert "style=" not in diff.text.split('<pre class="revision-diff">')[1].split("</pre>")[0]


def test_restoring_puts_the_text_back_and_keeps_the_replaced_one(app, client, writer):
    post_id = write(client, "First", "One.")
    edit(client, post_id, "Second", "Two.", subtitle="A second subtitle")
    [first] = revision_ids(client.get(f"/post/{post_id}/revisions"))
    assert "Two." in app.test_client().get(f"/post/{post_id}").text  # cached by a reader

    response = client.post(f"/post/{post_id}/revisions/{first}/restore")
    assert response.status_code == 302
    reader_view = app.test_client().get(f"/post/{post_id}").text
    assert "One." in reader_view and "Two." not in reader_view and "A second subtitle" not in reader_view
    listing = client.get(f"/post/{post_id}/revisions")
    assert len(revision_ids(listing)) == 2
    assert "“Second”" in listing.text


def test_a_draft_keeps_no_revisions_and_only_editors_see_them(app, client, writer, make_user):
    draft_id = write(client, "Draft", "Unsaid.", save_draft="y")
    edit(client, draft_id, "Draft", "Still unsaid.", save_draft="y")
    edit(client, draft_id, "Draft", "Published.")  # publishing replaces no published text
    assert revision_ids(client.get(f"/post/{draft_id}/revisions")) == []
    post_id = write(client, "Out", "Said.")
    edit(client, post_id, "Out", "Said again.")
    [revision_id] = revision_ids(client.get(f"/post/{post_id}/revisions"))

    stranger = signed_in_client(app, make_user("sam"))
    assert stranger.get(f"/post/{post_id}/revisions").status_code == 404
    assert stranger.get(f"/post/{draft_id}/revisions").status_code == 404
    assert stranger.post(f"/post/{post_id}/revisions/{revision_id}/restore").status_code == 404
    assert app.test_client().get(f"/post/{post_id}/revisions").status_code == 404  # signed out
    assert client.get(f"/post/{post_id}/revisions?diff=nonsense").status_code == 404
    assert client.post(f"/post/{post_id}/revisions/nonsense/restore").status_code == 404


def test_at_most_max_revisions_are_kept_the_oldest_pruned(app, client, writer):
    app.config["MAX_REVISIONS"] = 3
    post_id = write(client, "Count", "v0")
    for n in range(1, 6):
        edit(client, post_id, "Count", f"v{n}")
    with app.app_context():
        assert [r.body for r in Revision.of_post(post_id)] == ["v4", "v3", "v2"]


def test_revisions_go_with_their_post(app, client, writer):
    post_id = write(client, "Gone", "Soon.")
    edit(client, post_id, "Gone", "Sooner.")
    assert client.post(f"/delete/{post_id}").status_code == 302
    with app.app_context():
        assert Revision.objects(post=post_id).count() == 0
        assert Post.objects(id=post_id).count() == 0


def test_the_api_lists_diffs_and_restores_revisions(app, client, writer, make_user, api_headers):
    headers = api_headers("wendy@example.com", "correct horse battery")
    made = client.post("/api/v1/posts/", json={"title": "Api", "body": "Old line."}, headers=headers)
    assert made.status_code == 201
    post_id = made.get_json()["id"]
    assert (
        client.put(f"/api/v1/posts/{post_id}", json={"body": "New line."}, headers=headers).status_code == 200
    )

    listing = client.get(f"/api/v1/posts/{post_id}/revisions/", headers=headers)
    assert listing.status_code == 200
    [revision] = listing.get_json()["revisions"]
    assert (revision["title"], revision["body"]) == ("Api", "Old line.")
    one = client.get(f"/api/v1/posts/{post_id}/revisions/{revision['id']}", headers=headers)
    assert {"kind": "removed", "line": "-Old line."} in one.get_json()["diff"]
    assert {"kind": "added", "line": "+New line."} in one.get_json()["diff"]

    make_user("sam")
    other = api_headers("sam@example.com", "correct horse battery")
    assert client.get(f"/api/v1/posts/{post_id}/revisions/", headers=other).status_code == 404
    restored = client.post(f"/api/v1/posts/{post_id}/revisions/{revision['id']}/restore", headers=headers)
    assert restored.status_code == 200
    assert restored.get_json()["body"] == "Old line."
    assert (
        len(client.get(f"/api/v1/posts/{post_id}/revisions/", headers=headers).get_json()["revisions"]) == 2
    )
