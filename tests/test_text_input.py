"""Control and text-direction characters are refused on every path in (web
forms, the API, the admin, the models), and the Atom feed never writes them."""

from xml.dom import minidom
from xml.etree import ElementTree as ET

import pytest
from helpers import signed_in_client
from mongoengine.errors import ValidationError

from site_app.models import Post, User

NS = {"a": "http://www.w3.org/2005/Atom"}
UNSAFE = ["\x0b", "\x1b", "\u202e", "\u2066", "\x85"]


@pytest.fixture
def writer(app, make_user):
    return make_user("ann")


@pytest.fixture
def writer_client(app, writer):
    return signed_in_client(app, writer)


@pytest.mark.parametrize("char", UNSAFE)
def test_the_write_form_refuses_them_and_keeps_what_was_typed(writer_client, char):
    response = writer_client.post(
        "/write", data={"title": f"Hello{char}world", "body": "A body worth keeping", "tags": ""}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "control characters or text-direction overrides" in page
    assert "A body worth keeping" in page
    assert Post.objects.count() == 0


def test_the_body_may_hold_line_breaks_and_tabs_but_not_a_vertical_tab(writer_client):
    ok = writer_client.post("/write", data={"title": "Fine", "body": "line\r\n\tindented"})
    assert ok.status_code == 302
    refused = writer_client.post("/write", data={"title": "Not fine", "body": "a\x0bb"})
    assert "control characters" in refused.get_data(as_text=True)
    assert Post.objects.count() == 1


def test_comments_and_profiles_refuse_them(writer_client, writer):
    post = Post.publish(writer, "A post", "Body")
    writer_client.post(f"/post/{post.id}", data={"body": "evil\u202etxt.exe"})
    assert Post.objects.get(id=post.id).comment_count == 0
    page = writer_client.post("/edit-profile", data={"name": "Ann\x1b[31m", "about_me": "hi"}).get_data(
        as_text=True
    )
    assert "control characters" in page
    assert User.objects.get(id=writer.id).name is None


@pytest.mark.parametrize("char", UNSAFE)
def test_the_api_refuses_them(client, writer, api_headers, char):
    response = client.post(
        "/api/v1/posts/",
        json={"title": f"t{char}", "body": "b"},
        headers=api_headers("ann@example.com", "correct horse battery"),
    )
    assert response.status_code == 400
    assert "control characters" in response.get_json()["message"]
    assert Post.objects.count() == 0


def test_the_admin_post_form_refuses_them(app, make_user, writer):
    post = Post.publish(writer, "A post", "Body")
    admin = signed_in_client(app, make_user("root", role="Administrator"))
    response = admin.post(
        f"/admin/admin_posts/edit/?id={post.id}", data={"title": "A post", "body": "Bo\u202edy", "tags": ""}
    )
    assert "control characters" in response.get_data(as_text=True)
    assert Post.objects.get(id=post.id).body == "Body"


def test_the_models_refuse_them_whoever_calls(writer):
    with pytest.raises(ValidationError):
        Post.publish(writer, "Title\x1b", "Body")
    post = Post.publish(writer, "Title", "Body")
    with pytest.raises(ValidationError):
        post.add_comment(writer, "a\x0bb")
    with pytest.raises(ValidationError):
        User.register(email="eve@example.com", username="eve", password="long enough", location="Paris\u202e")


def test_the_feed_still_parses_after_a_post_stored_with_them(client, writer):
    post = Post.publish(writer, "Title", "Body")
    # Text stored before the rule: written around the model's validation.
    Post.objects(id=post.id).update_one(
        set__title="A\x0bB\x1bC\u202eD",
        set__body_html="<p>x\x0by\x1bz\u202e</p>",
        set__excerpt="x\x0by",
        set__tags=["t\x1bag"],
    )
    data = client.get("/feed.atom").data
    minidom.parseString(data)
    entry = ET.fromstring(data).find("a:entry", NS)
    assert entry.find("a:title", NS).text == "ABCD"
    assert entry.find("a:content", NS).text == "<p>xyz</p>"
    assert entry.find("a:category", NS).get("term") == "tag"
