"""Export → import into a fresh account → export gives the same posts
(issue 26): every front matter field but the post's own id, the Markdown
as written, the images byte for byte beside it."""

import hashlib
import io
import re
import zipfile
from datetime import timedelta

import frontmatter
from helpers import signed_in_client
from PIL import Image

from site_app.models import Post
from site_app.models.users import utcnow


def png(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (96, 64), colour).save(buffer, "PNG")
    return buffer.getvalue()


def export_of(client):
    response = client.get("/account/export")
    assert response.status_code == 200, response.text[:500]
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def posts_in(archive):
    """``{folder: (front matter without id, body with image names by content, images)}``."""
    names = archive.namelist()
    posts = {}
    for name in (n for n in names if n.endswith("/index.md")):
        folder = name.rsplit("/", 1)[0]
        page = frontmatter.loads(archive.read(name).decode())
        images = {
            member.rsplit("/", 1)[1]: hashlib.sha256(archive.read(member)).hexdigest()
            for member in names
            if member.startswith(folder + "/") and member != name
        }
        body = re.sub(
            r"\]\(([^)\s]+)\)",
            lambda m, images=images: f"]({images.get(m.group(1), m.group(1))})",
            page.content,
        )
        meta = {key: value for key, value in page.metadata.items() if key != "id"}
        posts[folder] = (meta, body, sorted(images.values()))
    return posts


def test_an_export_imported_into_a_fresh_account_exports_the_same_posts(app, make_user):
    ann, fresh = make_user("ann"), make_user("fresh")
    writer = signed_in_client(app, ann)
    stored = writer.post(
        "/upload", data={"file": (io.BytesIO(png("teal")), "bay.png")}, content_type="multipart/form-data"
    ).get_json()
    body = f"The bay at dawn.\n\n![the bay]({stored['url']})\n\n## Later\n\n- one\n- two"
    assert (
        writer.post(
            "/write",
            data={
                "title": "Tides & harbours",
                "subtitle": "What water taught me",
                "body": body,
                "tags": "sea, harbour",
                "custom_excerpt": "About water.",
                "lang": "es",
                "canonical_url": "https://elsewhere.example/tides",
            },
        ).status_code
        == 302
    )
    assert (
        writer.post(
            "/write",
            data={"title": "Half a thought", "body": "Still thinking.", "tags": "", "save_draft": "y"},
        ).status_code
        == 302
    )
    later = (utcnow() + timedelta(days=3)).replace(second=0, microsecond=0)
    assert (
        writer.post(
            "/write",
            data={
                "title": "On Friday",
                "body": "Comes out later.",
                "tags": "plans",
                "publish_at": f"{later:%Y-%m-%dT%H:%M}",
                "timezone": "UTC",
            },
        ).status_code
        == 302
    )
    tides = Post.objects.get(title="Tides & harbours")
    Post.objects(id=tides.id).update_one(set__updated=tides.timestamp + timedelta(hours=2))
    first = export_of(writer)

    newcomer = signed_in_client(app, fresh)
    response = newcomer.post(
        "/import", data={"file": (io.BytesIO(_bytes(first)), "ann.zip")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302, response.text[:800]
    assert "Done: 3 imported, 0 skipped, 0 failed." in newcomer.get(response.headers["Location"]).text
    second = export_of(newcomer)

    before, after = posts_in(first), posts_in(second)
    assert len(before) == 3
    fields = {key for meta, _body, _images in before.values() for key in meta}
    assert {
        "title",
        "date",
        "updated",
        "tags",
        "draft",
        "publish_at",
        "canonical_url",
        "subtitle",
        "excerpt",
        "lang",
        "slug",
    } <= fields
    assert after == before
    scheduled = Post.objects.get(author=fresh.id, title="On Friday")
    assert scheduled.draft and scheduled.publish_at == later


def _bytes(archive):
    return open(archive.filename, "rb").read() if archive.filename else archive.fp.getvalue()
