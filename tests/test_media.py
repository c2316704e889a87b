"""Media in GridFS: writers upload images and attachments, readers get them
served like a CDN would, and bad files are turned away leaving nothing
behind."""

import hashlib
import io
import re
import struct
import zlib
from datetime import timedelta

import pytest
from bson import ObjectId
from PIL import Image

from site_app.database import get_db
from site_app.markup import file_ids_in
from site_app.media import storage
from site_app.models import Permission, Post, Role, User, utcnow


# -- helpers -------------------------------------------------------------------
def image_bytes(size=(64, 48), fmt="JPEG", colour="teal", **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def png_declaring(width, height):
    """A valid-looking PNG of a few dozen bytes that claims a huge size."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def upload(client, data, filename, content_type=None):
    part = (
        (io.BytesIO(data), filename) if content_type is None else (io.BytesIO(data), filename, content_type)
    )
    return client.post("/upload", data={"file": part}, content_type="multipart/form-data")


def stored_counts(app):
    database = get_db(app)
    return database["fs.files"].count_documents({}), database["fs.chunks"].count_documents({})


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def writer(make_user):
    return make_user("wren")


@pytest.fixture
def writer_client(client, writer):
    return sign_in(client, writer)


# -- uploading -----------------------------------------------------------------
def test_writer_uploads_an_image_and_gets_markdown_for_it(writer_client):
    response = upload(writer_client, image_bytes(), "Summer_holiday.jpg")

    assert response.status_code == 201
    answer = response.get_json()
    assert set(answer) >= {"id", "url", "filename", "content_type", "size"}
    assert answer["url"] == f"/files/{answer['id']}"
    assert answer["filename"] == "Summer_holiday.jpg"
    assert answer["content_type"] == "image/jpeg"
    assert answer["markdown"] == f"![Summer holiday]({answer['url']})"
    served = writer_client.get(answer["url"])
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["Content-Disposition"].startswith("inline")
    assert len(served.data) == answer["size"]
    assert Image.open(io.BytesIO(served.data)).format == "JPEG"


def test_stored_file_records_who_what_and_when(app, writer, writer_client):
    answer = upload(writer_client, b"%PDF-1.7\nminutes of the meeting", "Minutes (final).pdf").get_json()

    doc = get_db(app)["fs.files"].find_one({"_id": ObjectId(answer["id"])})
    metadata = doc["metadata"]
    assert metadata["owner"] == writer.id
    assert metadata["original_name"] == "Minutes_final.pdf"
    assert metadata["content_type"] == "application/pdf"
    assert metadata["kind"] == "attachment"
    assert metadata["size"] == doc["length"] == answer["size"]
    assert metadata["sha256"] == hashlib.sha256(b"%PDF-1.7\nminutes of the meeting").hexdigest()
    assert abs(doc["uploadDate"] - utcnow()) < timedelta(minutes=1)


def test_large_image_is_scaled_down_and_has_a_thumbnail(app, writer_client):
    answer = upload(writer_client, image_bytes((3000, 1500)), "panorama.jpg").get_json()

    full = Image.open(io.BytesIO(writer_client.get(answer["url"]).data))
    assert max(full.size) == app.config["MAX_IMAGE_DIMENSION"]
    assert full.size == (2000, 1000)
    thumb = writer_client.get(answer["url"] + "?size=thumb")
    assert thumb.status_code == 200
    assert Image.open(io.BytesIO(thumb.data)).size == (400, 200)
    doc = get_db(app)["fs.files"].find_one({"_id": ObjectId(answer["id"])})
    assert doc["metadata"]["thumbnail_id"]


def test_small_image_has_no_separate_thumbnail(writer_client):
    answer = upload(writer_client, image_bytes((50, 50), "PNG"), "dot.png").get_json()

    assert writer_client.get(answer["url"] + "?size=thumb").data == writer_client.get(answer["url"]).data


def test_gps_location_is_stripped_and_orientation_kept(writer_client):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to view
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    photo = image_bytes((200, 100), exif=exif.tobytes())
    assert Image.open(io.BytesIO(photo)).getexif().get(0x8825) is not None

    answer = upload(writer_client, photo, "phone.jpg").get_json()

    served = Image.open(io.BytesIO(writer_client.get(answer["url"]).data))
    assert served.size == (100, 200)
    assert not served.getexif()
    assert b"Exif" not in writer_client.get(answer["url"]).data


def test_animated_gif_keeps_its_frames(writer_client):
    frames = [Image.new("RGB", (40, 40), colour) for colour in ("red", "lime", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)

    answer = upload(writer_client, buffer.getvalue(), "blink.gif").get_json()

    served = Image.open(io.BytesIO(writer_client.get(answer["url"]).data))
    assert served.format == "GIF" and served.n_frames == 3


def test_pdf_and_text_are_served_as_downloads(writer_client):
    for data, name, content_type in [
        (b"%PDF-1.4\n%%EOF", "report.pdf", "application/pdf"),
        ("café notes\n".encode(), "notes.txt", "text/plain"),
    ]:
        answer = upload(writer_client, data, name).get_json()
        assert answer["content_type"] == content_type
        assert answer["markdown"] == f"[{name}]({answer['url']})"
        served = writer_client.get(answer["url"])
        assert served.data == data
        assert served.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_identical_bytes_reuse_the_stored_file(app, writer_client, make_user):
    photo = image_bytes((500, 500))
    first = upload(writer_client, photo, "a.jpg").get_json()
    before = stored_counts(app)

    second = upload(writer_client, photo, "again.jpg").get_json()

    assert second["id"] == first["id"]
    assert stored_counts(app) == before
    # Another writer's identical upload is theirs: their own file.
    other = sign_in(app.test_client(), make_user("otto"))
    assert upload(other, photo, "a.jpg").get_json()["id"] != first["id"]


def test_anonymous_upload_is_401_json(app, client):
    response = upload(client, image_bytes(), "a.jpg")

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert stored_counts(app) == (0, 0)


def test_reader_without_write_permission_gets_403_json(app, client, make_user):
    Role(name="Reader", permissions=Permission.FOLLOW | Permission.COMMENT).save()
    sign_in(client, make_user("rita", role="Reader"))

    response = upload(client, image_bytes(), "a.jpg")

    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"


def test_unconfirmed_account_cannot_upload(client, make_user):
    sign_in(client, make_user("una", confirmed=False))

    response = upload(client, image_bytes(), "a.jpg")

    assert response.status_code == 403
    assert "Confirm" in response.get_json()["message"]


# -- bad input -----------------------------------------------------------------
def _truncated_jpeg():
    noisy = Image.effect_noise((400, 400), 60).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG")
    return buffer.getvalue()[:4000]


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)


@pytest.mark.parametrize(
    "data, filename, status, words",
    [
        (b"just some text, honest\n", "holiday.png", 400, "not a valid image"),
        (_truncated_jpeg(), "cut.jpg", 400, "damaged or truncated"),
        (png_declaring(50_000, 50_000), "bomb.png", 400, "pixels"),
        (SVG_WITH_SCRIPT, "logo.svg", 415, "SVG"),
        (SVG_WITH_SCRIPT, "innocent.txt", 415, "SVG"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "page.html", 415, "HTML"),
        (b"", "empty.pdf", 400, "empty"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4, "tool.pdf", 415, "not accepted"),
    ],
    ids=[
        "text-renamed-png",
        "truncated-jpeg",
        "decompression-bomb",
        "svg-script",
        "svg-renamed-txt",
        "html",
        "zero-byte",
        "executable",
    ],
)
def test_bad_files_are_refused_and_leave_nothing(app, writer_client, data, filename, status, words):
    before = stored_counts(app)

    response = upload(writer_client, data, filename)

    assert response.status_code == status
    answer = response.get_json()
    assert answer["error"] == {400: "bad request", 415: "unsupported media type"}[status]
    assert words in answer["message"]
    assert stored_counts(app) == before


def test_upload_without_a_file_is_400(app, writer_client):
    response = writer_client.post("/upload", data={"other": "x"}, content_type="multipart/form-data")

    assert response.status_code == 400
    assert "form field `file`" in response.get_json()["message"]
    assert stored_counts(app) == (0, 0)


def test_decompression_bomb_is_refused_before_decoding(app, monkeypatch):
    opened = []
    monkeypatch.setattr(Image.Image, "load", lambda self: opened.append(self))
    with pytest.raises(storage.images.BadImage):
        storage.images.open_image(io.BytesIO(png_declaring(50_000, 50_000)), 40_000_000)
    with pytest.raises(storage.images.BadImage):
        storage.images.open_image(io.BytesIO(png_declaring(9_000, 9_000)), 40_000_000)
    assert opened == []


@pytest.fixture
def small_limit_app(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024 * 1024)
    with app.app_context():
        yield app


def test_upload_over_the_limit_is_413_json(small_limit_app):
    user = User.register(email="big@example.com", username="big", password="pw", confirmed=True)
    client = sign_in(small_limit_app.test_client(), user)

    response = upload(client, b"%PDF-" + b"x" * (2 * 1024 * 1024), "huge.pdf")

    assert response.status_code == 413
    assert response.get_json() == {
        "error": "request entity too large",
        "message": "The upload is larger than the 1 MB the site accepts.",
    }
    assert stored_counts(small_limit_app) == (0, 0)


def test_write_form_over_the_limit_is_413_page(small_limit_app):
    user = User.register(email="big@example.com", username="big", password="pw", confirmed=True)
    client = sign_in(small_limit_app.test_client(), user)

    response = client.post(
        "/write",
        data={"title": "Big", "body": "text", "images": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "huge.jpg")},
        content_type="multipart/form-data",
        headers={"Accept": "text/html"},
    )

    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "larger than the 1 MB" in response.get_data(as_text=True)
    assert stored_counts(small_limit_app) == (0, 0)


# -- serving -------------------------------------------------------------------
@pytest.fixture
def stored_pdf(writer_client):
    data = b"%PDF-1.5\n" + bytes(range(256)) * 40
    answer = upload(writer_client, data, "table.pdf").get_json()
    return answer["url"], data


def test_file_has_cdn_headers(writer_client, client, stored_pdf):
    """A file a published post links is everyone's: a CDN may keep it a year."""
    url, data = stored_pdf
    published = writer_client.post("/write", data={"title": "Report", "body": f"[report]({url})", "tags": ""})
    assert published.status_code == 302

    response = client.get(url)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Length"] == str(len(data))
    assert response.headers["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert response.headers["Last-Modified"].endswith("GMT")
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_unchanged_file_is_304(writer_client, stored_pdf):
    url, _ = stored_pdf
    first = writer_client.get(url)

    by_etag = writer_client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    by_date = writer_client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    changed = writer_client.get(url, headers={"If-None-Match": '"something-else"'})

    assert by_etag.status_code == 304 and by_etag.data == b""
    assert by_date.status_code == 304
    assert by_etag.headers["ETag"] == first.headers["ETag"]
    assert changed.status_code == 200


def test_range_request_gets_206_with_only_those_bytes(writer_client, stored_pdf):
    url, data = stored_pdf

    middle = writer_client.get(url, headers={"Range": "bytes=100-299"})
    tail = writer_client.get(url, headers={"Range": "bytes=-50"})
    open_ended = writer_client.get(url, headers={"Range": f"bytes={len(data) - 10}-"})

    assert middle.status_code == 206
    assert middle.data == data[100:300]
    assert middle.headers["Content-Range"] == f"bytes 100-299/{len(data)}"
    assert middle.headers["Content-Length"] == "200"
    assert tail.status_code == 206 and tail.data == data[-50:]
    assert open_ended.data == data[-10:]


def test_suffix_range_longer_than_the_file_gets_the_whole_file(writer_client, stored_pdf):
    """RFC 9110 14.1.2: a suffix longer than the file selects all of it."""
    url, data = stored_pdf

    response = writer_client.get(url, headers={"Range": f"bytes=-{len(data) + 500}"})

    assert response.status_code == 206
    assert response.data == data
    assert response.headers["Content-Range"] == f"bytes 0-{len(data) - 1}/{len(data)}"


def test_empty_suffix_range_is_416(writer_client, stored_pdf):
    url, data = stored_pdf

    response = writer_client.get(url, headers={"Range": "bytes=-0"})

    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(data)}"


def test_bad_range_is_416(writer_client, stored_pdf):
    url, data = stored_pdf

    for header in (f"bytes={len(data) + 10}-{len(data) + 20}", "bytes=abc", "pages=1-2"):
        response = writer_client.get(url, headers={"Range": header})
        assert response.status_code == 416, header
        assert response.headers["Content-Range"] == f"bytes */{len(data)}"


def test_range_for_an_old_version_gets_the_whole_file(writer_client, stored_pdf):
    url, data = stored_pdf

    response = writer_client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"old"'})

    assert response.status_code == 200 and response.data == data


@pytest.mark.parametrize(
    "path",
    [
        "/files/not-an-id",
        "/files/" + "0" * 23,
        "/files/6b0000000000000000000001",
        "/files/zzzzzzzzzzzzzzzzzzzzzzzz",
    ],
)
def test_malformed_or_unknown_file_id_is_404(client, path):
    response = client.get(path)

    assert response.status_code == 404


def test_unknown_size_is_400(writer_client, stored_pdf):
    assert writer_client.get(stored_pdf[0] + "?size=huge").status_code == 400


@pytest.fixture
def big_app(make_app):
    app = make_app(MAX_CONTENT_LENGTH=32 * 1024 * 1024)
    with app.app_context():
        yield app


def test_twenty_megabyte_file_is_streamed_in_bounded_chunks(big_app):
    user = User.register(email="big@example.com", username="big", password="pw", confirmed=True)
    client = sign_in(big_app.test_client(), user)
    data = b"%PDF-1.7\n" + hashlib.sha256(b"seed").digest() * (20 * 1024 * 1024 // 32)
    answer = upload(client, data, "atlas.pdf").get_json()

    response = client.get(answer["url"], buffered=False)

    assert response.status_code == 200
    assert response.is_streamed
    assert int(response.headers["Content-Length"]) == len(data)
    sizes, digest = [], hashlib.sha256()
    for piece in response.response:
        sizes.append(len(piece))
        digest.update(piece)
    response.close()
    assert sum(sizes) == len(data)
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()
    assert len(sizes) >= 80
    assert max(sizes) <= 256 * 1024


# -- posts and their files -----------------------------------------------------
def test_deleting_a_post_deletes_files_only_it_used(app, writer, writer_client):
    own = upload(writer_client, image_bytes((600, 600)), "own.jpg").get_json()
    shared = upload(writer_client, image_bytes((40, 40), "PNG"), "shared.png").get_json()
    first = Post.publish(
        writer, "First", "body", files=file_ids_in(f"{own['markdown']} {shared['markdown']}")
    )
    Post.publish(writer, "Second", "body", files=[ObjectId(shared["id"])])

    first.remove()

    assert writer_client.get(own["url"]).status_code == 404
    assert writer_client.get(own["url"] + "?size=thumb").status_code == 404
    assert writer_client.get(shared["url"]).status_code == 200
    assert stored_counts(app) == (1, 1)


def test_markdown_links_name_the_files_a_post_uses():
    a, b = ObjectId(), ObjectId()
    body = f"![x](/files/{a}) and [doc](/files/{b}?size=thumb) and again ![y](/files/{a})"

    assert file_ids_in(body) == [a, b]
    assert file_ids_in("no files /files/123") == []
    assert (
        storage.markdown_for({"filename": "a]b.pdf", "url": "/files/x", "is_image": False})
        == r"[a\]b.pdf](/files/x)"
    )


def test_write_form_images_field_works_without_javascript(app, writer, writer_client):
    response = writer_client.post(
        "/write",
        data={
            "title": "Pictures",
            "body": "Look:",
            "tags": "",
            "images": [
                (io.BytesIO(image_bytes()), "one.jpg"),
                (io.BytesIO(image_bytes(colour="red")), "two.jpg"),
            ],
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 302
    post = Post.objects(title="Pictures").first()
    assert len(post.files) == 2
    for file_id in post.files:
        assert f"/files/{file_id}" in post.body_html


def test_write_form_rejects_a_non_image_and_keeps_nothing(app, writer_client):
    response = writer_client.post(
        "/write",
        data={
            "title": "Pictures",
            "body": "Look:",
            "tags": "",
            "images": [
                (io.BytesIO(image_bytes()), "one.jpg"),
                (io.BytesIO(b"%PDF-1.4 not a picture"), "two.jpg"),
            ],
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "not a valid image" in response.get_data(as_text=True)
    assert Post.objects.count() == 0
    assert stored_counts(app) == (0, 0)


def test_write_page_offers_drag_and_drop_uploads(writer_client):
    page = writer_client.get("/write").get_data(as_text=True)

    assert 'id="uploader"' in page
    assert 'data-upload-url="/upload"' in page
    assert "data-csrf-token=" in page
    assert re.search(r"/static/js/uploader\.[0-9a-f]{12}\.js", page)  # its hashed name
    assert "style=" not in page.split('id="uploader"')[1].split("</div>")[0]


# -- garbage collection --------------------------------------------------------
def _age(app, file_id, hours):
    get_db(app)["fs.files"].update_many(
        {"$or": [{"_id": ObjectId(file_id)}, {"metadata.parent_id": ObjectId(file_id)}]},
        {"$set": {"uploadDate": utcnow() - timedelta(hours=hours)}},
    )


def test_media_gc_removes_old_unreferenced_files_only(app, runner, writer, writer_client):
    kept = upload(writer_client, image_bytes((900, 900)), "kept.jpg").get_json()
    orphan = upload(writer_client, image_bytes((900, 900), colour="red"), "orphan.jpg").get_json()
    fresh = upload(writer_client, b"%PDF-1.4 draft", "draft.pdf").get_json()
    Post.publish(writer, "Kept", kept["markdown"], files=[ObjectId(kept["id"])])
    for answer in (kept, orphan):
        _age(app, answer["id"], 48)
    database = get_db(app)
    lost_chunk_owner = ObjectId.from_datetime(utcnow() - timedelta(hours=48))
    database["fs.chunks"].insert_one({"files_id": lost_chunk_owner, "n": 0, "data": b"x"})
    before = stored_counts(app)

    dry = runner.invoke(args=["media", "gc", "--dry-run"])

    assert dry.exit_code == 0, dry.output
    assert orphan["id"] in dry.output and kept["id"] not in dry.output
    assert fresh["id"] not in dry.output
    assert "would remove 2 unreferenced files" in dry.output
    assert "1 orphaned chunk groups" in dry.output
    assert stored_counts(app) == before

    result = runner.invoke(args=["media", "gc"])

    assert result.exit_code == 0, result.output
    assert "removed 2 unreferenced files" in result.output
    assert writer_client.get(orphan["url"]).status_code == 404
    assert writer_client.get(kept["url"]).status_code == 200
    assert writer_client.get(kept["url"] + "?size=thumb").status_code == 200
    assert writer_client.get(fresh["url"]).status_code == 200
    assert database["fs.chunks"].count_documents({"files_id": lost_chunk_owner}) == 0
    assert database["fs.chunks"].count_documents({"files_id": ObjectId(orphan["id"])}) == 0


def test_media_gc_keeps_avatars(app, runner, writer):
    avatar_id = storage.set_avatar(writer, _file_storage(image_bytes((300, 300)), "me.jpg"))
    _age(app, str(avatar_id), 100)

    result = runner.invoke(args=["media", "gc", "--grace-hours", "1"])

    assert "removed 0 unreferenced files" in result.output
    assert get_db(app)["fs.files"].count_documents({"_id": avatar_id}) == 1


def test_deploy_creates_the_media_indexes(app, runner):
    result = runner.invoke(args=["deploy"])

    assert result.exit_code == 0, result.output
    names = set(get_db(app)["fs.files"].index_information())
    assert {"media_dedup", "media_parent"} <= names
    assert "files_id_1_n_1" in get_db(app)["fs.chunks"].index_information()


# -- avatars -------------------------------------------------------------------
def _file_storage(data, filename):
    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(data), filename=filename)


def test_user_without_avatar_gets_an_identicon(client, writer):
    response = client.get("/avatar/wren?size=40")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.startswith(b"<svg") and b'width="40"' in response.data
    assert b"<script" not in response.data
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert "max-age" in response.headers["Cache-Control"]
    again = client.get("/avatar/wren?size=40", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_unknown_username_gets_an_identicon_indistinguishable_from_a_real_one(client, writer):
    # Decision: no 404 here, so every page can show an image and the avatar
    # URL does not reveal which accounts exist.
    unknown = client.get("/avatar/nobody-here?size=32")
    other = client.get("/avatar/someone-else?size=32")

    assert unknown.status_code == 200 and unknown.mimetype == "image/svg+xml"
    assert unknown.data != other.data
    assert client.get("/avatar/wren?size=abc").status_code == 400


def test_uploaded_avatar_is_square_sized_and_replaces_the_old_one(app, client, writer):
    first = storage.set_avatar(writer, _file_storage(image_bytes((600, 300)), "me.jpg"))
    assert User.objects(id=writer.id).first().avatar_id == first

    small = client.get("/avatar/wren?size=40")
    large = client.get("/avatar/wren?size=200")

    assert small.status_code == 200 and small.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(small.data)).size == (64, 64)
    assert Image.open(io.BytesIO(large.data)).size == (256, 256)
    assert "max-age=600" in small.headers["Cache-Control"]
    files_of_first = stored_counts(app)

    see_through = io.BytesIO()
    Image.new("RGBA", (300, 300), (0, 0, 255, 128)).save(see_through, "PNG")
    second = storage.set_avatar(writer, _file_storage(see_through.getvalue(), "new.png"))

    assert User.objects(id=writer.id).first().avatar_id == second
    assert (
        get_db(app)["fs.files"].count_documents({"$or": [{"_id": first}, {"metadata.parent_id": first}]}) == 0
    )
    assert stored_counts(app) == files_of_first
    # transparency survives: served as PNG
    assert client.get("/avatar/wren?size=40").mimetype == "image/png"


def test_bad_avatar_is_refused_and_the_old_one_kept(app, writer):
    first = storage.set_avatar(writer, _file_storage(image_bytes((100, 100)), "me.jpg"))
    before = stored_counts(app)

    with pytest.raises(storage.UploadRejected) as rejected:
        storage.set_avatar(writer, _file_storage(SVG_WITH_SCRIPT, "me.svg"))

    assert rejected.value.status == 415
    assert User.objects(id=writer.id).first().avatar_id == first
    assert stored_counts(app) == before


def test_avatars_appear_wherever_users_do(app, client, writer):
    Post.publish(writer, "Hello there", "A first post.")
    sign_in(client, writer)

    home = client.get("/").get_data(as_text=True)
    post_page = client.get(f"/post/{Post.objects.first().id}").get_data(as_text=True)

    # navbar (the signed-in user) and the post list (its author)
    assert home.count('src="/avatar/wren?size=') >= 2
    assert 'src="/avatar/wren?size=' in post_page


def test_profile_page_shows_the_avatar(app, client, writer):
    page = client.get("/user/wren")

    assert page.status_code == 200
    assert 'src="/avatar/wren?size=' in page.get_data(as_text=True)


def test_uploads_need_the_csrf_token_outside_testing(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = User.register(email="c@example.com", username="csrf", password="pw", confirmed=True)
        client = sign_in(app.test_client(), user)

        refused = upload(client, image_bytes(), "a.jpg")
        page = client.get("/write").get_data(as_text=True)
        token = page.split('data-csrf-token="')[1].split('"')[0]
        accepted = client.post(
            "/upload",
            data={"file": (io.BytesIO(image_bytes()), "a.jpg")},
            headers={"X-CSRFToken": token},
            content_type="multipart/form-data",
        )

    assert refused.status_code == 400
    assert refused.get_json()["error"] == "bad request"
    assert accepted.status_code == 201


def test_media_gc_checks_again_before_it_deletes(app, writer, writer_client):
    """A file found unreferenced, then put in a post before the deletion
    (or uploaded again, reusing it), is kept."""
    from site_app.media.cleanup import find_garbage, remove_garbage

    used = upload(writer_client, image_bytes((900, 900), colour="blue"), "used.jpg").get_json()
    reused = upload(writer_client, image_bytes((900, 900), colour="red"), "again.jpg").get_json()
    for stored in (used, reused):
        _age(app, stored["id"], 100)
    grace = timedelta(hours=1)
    with app.app_context():
        garbage = find_garbage(grace)
        assert {used["id"], reused["id"]} <= {str(doc["_id"]) for doc in garbage.files}
        Post.publish(writer, "Late", f"![a]({used['url']})", files=[ObjectId(used["id"])])
    upload(writer_client, image_bytes((900, 900), colour="red"), "again.jpg")
    with app.app_context():
        remove_garbage(garbage, grace)
        files = get_db(app)["fs.files"]
        assert files.count_documents({"_id": ObjectId(used["id"])}) == 1
        assert files.count_documents({"_id": ObjectId(reused["id"])}) == 1
