"""A writer's details of a post: subtitle, their own excerpt, a canonical URL
for a piece first published elsewhere, and the cover picked among its images;
on the pages and in the API."""

import io
import re

import pytest
from PIL import Image
from test_reading import head_of

from site_app.models import Post


@pytest.fixture
def writer(make_user, auth):
    user = make_user("wendy")
    auth.login_as(user)
    return user


def upload_image(client, colour):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "PNG")
    response = client.post(
        "/upload", data={"file": (io.BytesIO(buffer.getvalue()), "i.png")}, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.text
    return response.get_json()


def post_id_from(response):
    return re.search(r"/post/([0-9a-f]{24})", response.headers["Location"]).group(1)


def test_a_writer_gives_a_subtitle_an_excerpt_and_the_original_address(app, client, writer):
    response = client.post(
        "/write",
        data={
            "title": "Tides",
            "subtitle": "What the harbour taught me",
            "body": "The body starts here and goes on.",
            "custom_excerpt": "A short story about water.",
            "canonical_url": "https://elsewhere.example/tides",
        },
    )
    assert response.status_code == 302
    post_id = post_id_from(response)

    page = app.test_client().get(f"/post/{post_id}")
    assert '<p class="post-subtitle">What the harbour taught me</p>' in page.text
    head = head_of(page)
    assert head.links[("canonical", None)] == "https://elsewhere.example/tides"
    assert head.meta["description"] == "A short story about water."
    assert head.meta["og:url"].endswith(f"/post/{post_id}")  # the share card stays ours
    home = app.test_client().get("/").text
    assert "A short story about water." in home and "The body starts here" not in home

    form = client.get(f"/edit/{post_id}").text
    assert 'value="What the harbour taught me"' in form
    assert 'value="https://elsewhere.example/tides"' in form
    client.post(
        f"/edit/{post_id}",
        data={
            "title": "Tides",
            "body": "The body starts here.",
            "subtitle": "",
            "custom_excerpt": "",
            "canonical_url": "",
        },
    )
    with app.app_context():
        post = Post.objects(id=post_id).first()
        assert (post.subtitle, post.custom_excerpt, post.canonical_url) == (None, None, None)
        assert post.excerpt == "The body starts here."
    assert (
        head_of(app.test_client().get(f"/post/{post_id}"))
        .links[("canonical", None)]
        .endswith(f"/post/{post_id}")
    )


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "ftp://elsewhere.example/x",
        "elsewhere.example/x",
        "https://",
        "https://a.example/ b",
    ],
)
def test_a_canonical_url_must_be_a_web_address(app, client, writer, address):
    response = client.post(
        "/write", data={"title": "Tides", "body": "Text", "subtitle": "Kept", "canonical_url": address}
    )
    assert response.status_code == 400
    assert "The address must" in response.text
    assert 'value="Kept"' in response.text
    with app.app_context():
        assert Post.objects.count() == 0


def test_the_writer_picks_the_cover_among_the_posts_images(app, client, writer):
    first, second = upload_image(client, "teal"), upload_image(client, "orange")
    body = f"Two pictures.\n\n![one]({first['url']})\n\n![two]({second['url']})\n"
    form = client.post("/preview", data={"body": body})
    assert form.status_code == 200
    write_page = client.post("/write", data={"title": "", "body": body}).text  # refused: re-shown
    assert f'name="cover" value="{second["id"]}"' in write_page  # offered as a choice

    response = client.post("/write", data={"title": "Pictures", "body": body, "cover": second["id"]})
    post_id = post_id_from(response)
    with app.app_context():
        assert str(Post.objects(id=post_id).first().reading.cover) == second["id"]
    card = app.test_client().get("/").text
    assert f"/files/{second['id']}?size=thumb" in card and f"/files/{first['id']}?size=thumb" not in card
    assert re.search(rf'name="cover" value="{second["id"]}" checked', client.get(f"/edit/{post_id}").text)

    # The picked image leaves the body: the first one left is the cover.
    client.post(
        f"/edit/{post_id}",
        data={"title": "Pictures", "body": f"![one]({first['url']})", "cover": second["id"]},
    )
    with app.app_context():
        assert str(Post.objects(id=post_id).first().reading.cover) == first["id"]


def test_the_api_writes_and_returns_the_details(client, writer, api_headers):
    headers = api_headers("wendy@example.com", "correct horse battery")
    response = client.post(
        "/api/v1/posts/",
        headers=headers,
        json={
            "title": "T",
            "body": "B",
            "subtitle": "S",
            "custom_excerpt": "E",
            "canonical_url": "https://elsewhere.example/t",
        },
    )
    assert response.status_code == 201
    post = response.get_json()
    assert (post["subtitle"], post["custom_excerpt"], post["canonical_url"], post["cover"]) == (
        "S",
        "E",
        "https://elsewhere.example/t",
        None,
    )
    url = response.headers["Location"]
    changed = client.put(url, headers=headers, json={"subtitle": None}).get_json()
    assert changed["subtitle"] is None and changed["custom_excerpt"] == "E"

    refused = client.put(url, headers=headers, json={"canonical_url": "javascript:alert(1)"})
    assert refused.status_code == 400
    assert refused.get_json()["message"].startswith("'canonical_url' must be a full http")
    assert client.put(url, headers=headers, json={"cover": "nope"}).status_code == 400

    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    for name in ("Post", "NewPost", "PostChanges"):
        assert {"subtitle", "custom_excerpt", "canonical_url", "cover"} <= set(schemas[name]["properties"])
