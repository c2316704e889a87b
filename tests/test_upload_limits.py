"""Uploads: no metadata block survives re-encoding, the decoding work of one
image is bounded before any pixel is decoded, and each account may upload
only so many files (``UPLOAD_RATE_LIMIT``)."""

import io

import pytest
from helpers import signed_in_client
from PIL import Image, PngImagePlugin
from test_media import png_declaring, upload

from site_app.database import get_db
from site_app.models import User

SECRET = "SECRET-METADATA-42"


def _exif():
    exif = Image.Exif()
    exif[0x010E] = SECRET  # ImageDescription
    return exif.tobytes()


def _saved(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    data = out.getvalue()
    assert SECRET.encode() in data  # the crafted file really carries it
    return data


def jpeg_with_comment():
    return _saved(Image.new("RGB", (60, 40), "red"), "JPEG", comment=SECRET, icc_profile=SECRET.encode())


def gif_with_comment():
    return _saved(Image.new("P", (60, 40), 3), "GIF", comment=SECRET)


def animated_gif_with_comment():
    frames = [Image.new("RGB", (60, 40), colour) for colour in ("red", "blue", "lime")]
    return _saved(frames[0], "GIF", save_all=True, append_images=frames[1:], comment=SECRET)


def png_with_text_chunks():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    info.add_itxt("XML:com.adobe.xmp", SECRET)
    return _saved(Image.new("RGB", (60, 40), "red"), "PNG", pnginfo=info, exif=_exif())


def webp_with_xmp_and_exif():
    return _saved(Image.new("RGB", (60, 40), "red"), "WEBP", exif=_exif(), xmp=SECRET.encode())


@pytest.fixture
def writer_client(app, make_user):
    return signed_in_client(app, make_user("wren"))


def all_stored_bytes(app):
    return b"".join(bytes(chunk["data"]) for chunk in get_db(app)["fs.chunks"].find({}))


@pytest.mark.parametrize(
    "make, name",
    [
        (jpeg_with_comment, "c.jpg"),
        (gif_with_comment, "c.gif"),
        (animated_gif_with_comment, "a.gif"),
        (png_with_text_chunks, "t.png"),
        (webp_with_xmp_and_exif, "x.webp"),
    ],
)
def test_no_metadata_block_survives_an_upload(app, writer_client, make, name):
    response = upload(writer_client, make(), name)
    assert response.status_code == 201
    served = writer_client.get(response.get_json()["url"]).data
    assert SECRET.encode() not in served
    assert SECRET.encode() not in all_stored_bytes(app)
    assert Image.open(io.BytesIO(served)).size == (60, 40)


def test_no_metadata_survives_in_an_avatar(app, writer_client):
    response = writer_client.post(
        "/edit-profile",
        data={"name": "Wren", "avatar": (io.BytesIO(jpeg_with_comment()), "me.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert get_db(app)["fs.files"].count_documents({}) > 0
    assert SECRET.encode() not in all_stored_bytes(app)


# -- decoding work ---------------------------------------------------------------


def gif_with_frames(frames, side):
    images = []
    for n in range(frames):  # every frame differs, so the encoder keeps them all
        frame = Image.new("L", (side, side), 255)
        frame.putpixel((n % side, n // side), 0)
        images.append(frame)
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=40)
    return out.getvalue()


@pytest.fixture
def decodes(monkeypatch):
    """The images whose pixels were decoded during the test."""
    from site_app.media import images

    decoded = []
    real = images._decode

    def counting(image):
        decoded.append(image)
        return real(image)

    monkeypatch.setattr(images, "_decode", counting)
    return decoded


def test_a_small_png_declaring_40_megapixels_is_refused_undecoded(app, writer_client, decodes):
    # Decoding it took ~3 s and ~115 MB (scripts/measure_decode_cost.py).
    response = upload(writer_client, png_declaring(6400, 6250), "big.png")
    assert response.status_code == 400
    assert "25,000,000 pixels" in response.get_json()["message"]
    assert decodes == []
    assert get_db(app)["fs.files"].count_documents({}) == 0


def test_a_300_frame_gif_is_refused_before_its_frames_are_decoded(app, writer_client, decodes):
    data = gif_with_frames(300, 300)  # 27 million pixels to decode in all
    response = upload(writer_client, data, "many.gif")
    assert response.status_code == 400
    assert "300 frames of 300 x 300 pixels" in response.get_json()["message"]
    assert decodes == []
    assert get_db(app)["fs.files"].count_documents({}) == 0


def test_a_short_animation_within_the_budget_is_kept(writer_client, decodes):
    response = upload(writer_client, gif_with_frames(20, 100), "short.gif")
    assert response.status_code == 201
    assert len(decodes) == 1
    served = Image.open(io.BytesIO(writer_client.get(response.get_json()["url"]).data))
    assert served.n_frames == 20


# -- uploads per account ------------------------------------------------------------


def small_png():
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "teal").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def limited_app(make_app):
    app = make_app(RATELIMIT_ENABLED=True, UPLOAD_RATE_LIMIT="3 per hour")
    return app


def _writer(app, name):
    with app.app_context():
        user = User.register(email=f"{name}@example.com", username=name, password="correct horse battery")
        User.objects(id=user.id).update_one(set__confirmed=True)
        return signed_in_client(app, User.objects.get(id=user.id))


def test_uploads_are_limited_per_account_over_every_way_in(limited_app):
    wren = _writer(limited_app, "wren")
    assert upload(wren, small_png(), "1.png").status_code == 201
    response = wren.post(
        "/write",
        data={
            "title": "Two pictures",
            "body": "Here they are",
            "images": [(io.BytesIO(small_png()), "2.png"), (io.BytesIO(small_png()), "3.png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    refused = upload(wren, small_png(), "4.png")
    assert refused.status_code == 429
    assert "3 per hour" in refused.get_json()["message"]
    page = wren.post(
        "/edit-profile",
        data={"name": "Wren", "avatar": (io.BytesIO(small_png()), "me.png")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 429
    assert "too many files" in page.get_data(as_text=True)
    # A post without images is not an upload.
    assert wren.post("/write", data={"title": "Words", "body": "Only words"}).status_code == 302
    # Another account has its own allowance.
    assert upload(_writer(limited_app, "sam"), small_png(), "1.png").status_code == 201


@pytest.mark.parametrize("fmt, name", [("PNG", "x.png"), ("WEBP", "x.webp")])
def test_an_image_with_a_damaged_exif_block_is_stored_without_it(app, writer_client, fmt, name):
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(out, fmt, exif=b"Exif\x00\x00" + SECRET.encode())
    response = upload(writer_client, out.getvalue(), name)
    assert response.status_code == 201
    served = writer_client.get(response.get_json()["url"]).data
    assert SECRET.encode() not in served
    assert Image.open(io.BytesIO(served)).size == (30, 20)
