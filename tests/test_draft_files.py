"""A file only drafts use is its author's: ids are ObjectIds (a counter), so
anyone could otherwise find a draft's images by trying the ids next to
their own uploads."""

import io

import pytest
from helpers import signed_in_client
from PIL import Image


def image_bytes(colour, size=(32, 24)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def writer(make_user):
    return make_user("wren")


@pytest.fixture
def writer_browser(app, writer):
    return signed_in_client(app, writer)


def upload(browser, colour="olive", size=(32, 24)):
    """What ``/upload`` answers for a fresh PNG (no post uses it yet)."""
    answer = browser.post(
        "/upload",
        data={"file": (io.BytesIO(image_bytes(colour, size)), "me.png")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201
    return answer.get_json()


def draft_with_an_image(browser, colour="teal", size=(32, 24)):
    """``(post URL, file URL)`` of a draft showing a fresh upload."""
    stored = upload(browser, colour, size)
    saved = browser.post(
        "/write", data={"title": "Secret", "body": stored["markdown"], "tags": "", "save_draft": "Save draft"}
    )
    assert saved.status_code == 302
    return saved.location, stored["url"]


def test_a_draft_image_is_served_to_its_author_alone(app, client, writer_browser, make_user):
    _post, file_url = draft_with_an_image(writer_browser)
    assert client.get(file_url).status_code == 404
    assert client.get(file_url + "?size=thumb").status_code == 404
    assert signed_in_client(app, make_user("guesser")).get(file_url).status_code == 404
    own = writer_browser.get(file_url)
    assert own.status_code == 200 and own.mimetype == "image/png"
    cache_control = {d.strip() for d in own.headers["Cache-Control"].split(",")}
    assert "public" not in cache_control and "private" in cache_control  # no CDN keeps it
    administrator = make_user("root", role="Administrator")
    assert signed_in_client(app, administrator).get(file_url).status_code == 200


def test_publishing_the_draft_serves_its_images_to_everyone(app, client, writer_browser):
    post_url, file_url = draft_with_an_image(writer_browser)
    post_id = post_url.rstrip("/").rsplit("/", 1)[1]
    published = writer_browser.post(
        f"/edit/{post_id}",
        data={"title": "Secret", "body": f"![me]({file_url})", "tags": "", "submit": "Save"},
    )
    assert published.status_code == 302
    answer = client.get(file_url)
    assert answer.status_code == 200 and "public" in answer.headers["Cache-Control"]


def test_an_image_a_published_post_also_uses_is_everyones(app, client, writer, writer_browser):
    from site_app.models import Post

    _post, file_url = draft_with_an_image(writer_browser)
    with app.app_context():
        Post.publish(writer, "Out", f"![again]({file_url})")
    assert client.get(file_url).status_code == 200


def test_an_upload_no_post_uses_yet_is_its_uploaders_alone(app, client, writer_browser, make_user):
    """Between the upload and the saved post (the editor's preview), or
    forever when the post is never saved."""
    file_url = upload(writer_browser)["url"]
    assert client.get(file_url).status_code == 404
    assert client.get(file_url + "?size=thumb").status_code == 404
    assert signed_in_client(app, make_user("guesser")).get(file_url).status_code == 404
    own = writer_browser.get(file_url)
    assert own.status_code == 200 and own.mimetype == "image/png"
    assert "private" in own.headers["Cache-Control"] and "public" not in own.headers["Cache-Control"]
    writer_browser.post("/write", data={"title": "Out", "body": f"![me]({file_url})", "tags": ""})
    assert client.get(file_url).status_code == 200


def test_a_draft_images_thumbnail_is_not_served_by_its_own_id(app, client, writer_browser):
    from site_app.media import storage

    # 900 px wide: large enough to be given a thumbnail.
    _post, file_url = draft_with_an_image(writer_browser, "maroon", (900, 600))
    file_id = file_url.rsplit("/", 1)[1]
    with app.app_context():
        thumbnail_id = storage.open_stored_file(file_id).metadata["thumbnail_id"]
    assert client.get(f"/files/{thumbnail_id}").status_code == 404
    assert writer_browser.get(f"/files/{thumbnail_id}").status_code == 200
