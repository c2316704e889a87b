"""Tags keep what makes them distinct (the bug: ``C++`` was stored as
``c``, ``ci/cd`` as ``cicd``, ``Node.js`` as ``nodejs``), reach their page
through ``url_for``, and the writer sees what will be stored."""

import pytest

from site_app.models import Post
from site_app.models.tags import normalise_tags


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("C++, c", ["c++", "c"]),
        ("ci/cd, CICD", ["ci/cd", "cicd"]),
        ("Node.js, nodejs", ["node.js", "nodejs"]),
        ("C#, F#, .NET", ["c#", "f#", ".net"]),
        ("  Machine   Learning ", ["machine-learning"]),  # spaces become hyphens
        ("editor ux, Editor-UX, editor - ux", ["editor-ux"]),
        ("<b>html</b>", ["bhtml/b"]),
        ("../etc, /, ., ++", ["etc"]),  # no part of a tag is dots or punctuation alone
        ("a//b, /x/", ["a/b", "x"]),
    ],
)
def test_tags_stay_distinct_and_readable(typed, stored):
    assert normalise_tags(typed) == stored


def test_a_c_plus_plus_post_is_not_filed_under_c(app, client, make_user):
    writer = make_user("wendy")
    with app.app_context():
        Post.publish(writer, "Templates", "Body", tags="C++, ci/cd, Node.js, C#")
        Post.publish(writer, "Pointers", "Body", tags="C")
    page = client.get("/post/" + str(Post.objects(title="Templates").first().id)).get_data(as_text=True)
    for href in ('href="/tag/c++"', 'href="/tag/ci/cd"', 'href="/tag/node.js"', 'href="/tag/c%23"'):
        assert href in page, href
    for path, shown, hidden in (
        ("/tag/c++", "Templates", "Pointers"),
        ("/tag/c%2B%2B", "Templates", "Pointers"),
        ("/tag/c", "Pointers", "Templates"),
        ("/tag/ci/cd", "Templates", "Pointers"),
        ("/tag/c%23", "Templates", "Pointers"),
        ("/tag/node.js", "Templates", "Pointers"),
    ):
        listing = client.get(path)
        assert listing.status_code == 200, path
        text = listing.get_data(as_text=True)
        assert shown in text and hidden not in text, path
    # A tag typed another way is sent to the stored one.
    response = client.get("/tag/Node.JS")
    assert response.status_code == 301 and response.location == "/tag/node.js"
    assert client.get("/tag/..%2F..").status_code == 404


def test_the_writer_sees_the_tags_that_will_be_stored(app, client, make_user, auth):
    auth.login_as(make_user("wendy"))
    response = client.post("/write", data={"title": "", "body": "Body", "tags": "C++, Ci/CD"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Stored as:" in page and "#c++" in page and "#ci/cd" in page
    preview = client.post("/preview", data={"body": "x", "tags": "Node.JS, node.js, C#"})
    assert preview.get_json()["tags"] == ["node.js", "c#"]


def test_a_tag_with_spaces_has_a_readable_address_and_old_ones_redirect(app, client, make_user, auth):
    auth.login_as(make_user("wendy"))
    client.post("/write", data={"title": "UX notes", "body": "Text", "tags": "Editor UX"})
    page = client.get("/tag/editor-ux")
    assert page.status_code == 200 and "UX notes" in page.text
    assert 'href="/tag/editor-ux"' in client.get("/").text
    old = client.get("/tag/editor%20ux")
    assert old.status_code == 301 and old.headers["Location"] == "/tag/editor-ux"
    old_feed = client.get("/tag/editor%20ux/feed.atom")
    assert old_feed.status_code == 301 and old_feed.headers["Location"] == "/tag/editor-ux/feed.atom"


def test_deploy_renames_tags_stored_with_spaces(app, runner, make_user):
    with app.app_context():
        writer = make_user("wendy")
        Post._get_collection().insert_one(
            {"title": "Old", "body": "Old", "author": writer.id, "tags": ["editor ux", "python"]}
        )
    result = runner.invoke(args=["deploy"])
    assert "posts whose tags lost their spaces: 1" in result.output
    with app.app_context():
        assert Post.objects.first().tags == ["editor-ux", "python"]
    assert "tags: up to date" in runner.invoke(args=["deploy"]).output
