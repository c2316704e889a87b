"""``GET /account/export``: a zip of the member's posts (Markdown with YAML
front matter, images beside them, links rewritten) and ``account.json``;
large accounts get a job with progress and a mailed link."""

import io
import json
import re
import zipfile

import frontmatter
import pytest
from helpers import links_in, site_path
from PIL import Image

from site_app.models import Bookmark, Like, Post
from site_app.models.subscriptions import Subscription

PASSWORD = "correct horse battery"


def upload_image(client, colour, name):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, "PNG")
    response = client.post(
        "/upload", data={"file": (io.BytesIO(buffer.getvalue()), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.text
    return response.get_json()


@pytest.fixture
def ann(make_user, auth):
    user = make_user("ann", name="Ann Example", location="Lisbon")
    auth.login_as(user)
    return user


@pytest.fixture
def her_posts(app, client, ann, make_user):
    image = upload_image(client, "teal", "harbour view.png")
    other = upload_image(client, "navy", "night.png")
    body = (
        f"Look: ![harbour]({image['url']})\n\nAnd at night ![night]({other['url']}?thumb=1)"
        f"\n\nA link elsewhere: https://example.com/files/{'a' * 24}"
    )
    response = client.post(
        "/write",
        data={
            "title": "Ça va? Tides & Harbours!",
            "subtitle": "What water taught me",
            "body": body,
            "tags": "sea, harbour",
            "custom_excerpt": "A short story.",
            "canonical_url": "https://elsewhere.example/tides",
        },
    )
    assert response.status_code == 302
    client.post(
        "/write",
        data={
            "title": "Ça va? Tides & Harbours!",
            "body": "Second, same title",
            "tags": "",
            "save_draft": "y",
        },
    )
    bob = make_user("bob")
    bobs = Post.publish(bob, "Bob's post", "Bob writes", ["x"])
    bobs.add_comment(ann, "Ann comments on bob")
    Like.add(bobs, ann)
    Bookmark.toggle(ann, bobs)
    bob.follow(ann)
    ann.follow(bob)
    return image, other, bobs


def exported(client):
    response = client.get("/account/export")
    assert response.status_code == 200, response.text[:500]
    assert response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="inkwell-ann-\d{4}-\d\d-\d\d\.zip"', response.headers["Content-Disposition"]
    )
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_the_zip_holds_each_post_with_its_images_beside_it(client, ann, her_posts):
    image, other, _ = her_posts
    archive = exported(client)
    names = sorted(archive.namelist())
    first = "posts/{}-ca-va-tides-harbours"
    post = Post.objects(author=ann.id, draft=False).first()
    day = f"{post.timestamp:%Y-%m-%d}"
    assert names == sorted(
        [
            "account.json",
            f"{first.format(day)}/index.md",
            f"{first.format(day)}/harbour_view.png",
            f"{first.format(day)}/night.png",
            f"{first.format(day)}-2/index.md",
        ]
    )
    text = frontmatter.loads(archive.read(f"{first.format(day)}/index.md").decode())
    assert text.metadata == {
        "title": "Ça va? Tides & Harbours!",
        "subtitle": "What water taught me",
        "date": post.timestamp.isoformat() + "Z",
        "updated": post.timestamp.isoformat() + "Z",
        "tags": ["sea", "harbour"],
        "draft": False,
        "canonical_url": "https://elsewhere.example/tides",
        "excerpt": "A short story.",
        "slug": "ca-va-tides-harbours",
        "id": str(post.id),
    }
    assert "![harbour](harbour_view.png)" in text.content
    assert "![night](night.png)" in text.content
    assert f"https://example.com/files/{'a' * 24}" in text.content  # not a file of this site
    stored = client.get(site_path(image["url"])).get_data()
    assert archive.read(f"{first.format(day)}/harbour_view.png") == stored
    draft = frontmatter.loads(archive.read(f"{first.format(day)}-2/index.md").decode())
    assert (draft.metadata["draft"], draft.metadata["slug"]) == (True, "ca-va-tides-harbours-2")


def test_account_json_holds_what_the_site_knows_but_no_secret(client, ann, her_posts):
    *_, bobs = her_posts
    record = json.loads(exported(client).read("account.json"))
    assert record["profile"]["username"] == "ann"
    assert record["profile"]["name"] == "Ann Example"
    assert record["profile"]["email"] == "ann@example.com"
    assert [c["body"] for c in record["comments"]] == ["Ann comments on bob"]
    assert record["comments"][0]["post_url"].endswith(f"/post/{bobs.id}")
    assert [like["post_url"][-24:] for like in record["likes"]] == [str(bobs.id)]
    assert [mark["post_url"][-24:] for mark in record["bookmarks"]] == [str(bobs.id)]
    assert [p["username"] for p in record["following"]] == ["bob"]
    assert [p["username"] for p in record["followers"]] == ["bob"]
    assert [n["kind"] for n in record["notifications"]] == ["follow"]
    assert record["two_factor"] == {"enabled": False}
    assert len(record["sessions"]) == 1
    text = json.dumps(record)
    assert "password" not in text and "scrypt" not in text and "secret" not in text


def test_account_json_holds_her_subscriptions_and_her_newsletter(client, ann, her_posts):
    assert client.post("/user/bob/email-on").status_code == 302  # she follows bob
    Subscription.switch_on(ann.id, "reader@example.com")
    record = json.loads(exported(client).read("account.json"))
    assert [(s["writer"], s["active"]) for s in record["subscriptions"]] == [("bob", True)]
    assert record["newsletter"] == {"whole_post": False, "subscribers": 1}
    assert "reader@example.com" not in json.dumps(record)  # her readers' addresses are theirs


def test_signed_out_readers_are_sent_to_sign_in(app):
    response = app.test_client().get("/account/export")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


@pytest.mark.app_config(EXPORT_INLINE_MAX_BYTES=1000)
def test_a_large_account_gets_a_job_a_progress_page_and_a_mailed_link(app, client, ann, her_posts, outbox):
    response = client.get("/account/export")
    assert response.status_code == 302
    progress = client.get(response.headers["Location"])  # the job ran (JOBS_RUN_AT_ONCE)
    assert progress.status_code == 200
    assert "Your archive is ready" in progress.text
    [mail] = [m for m in outbox if "archive" in m.subject]
    assert mail.recipients == ["ann@example.com"]
    [link] = [site_path(u) for u in links_in(mail) if "/download" in u]
    download = client.get(link)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="inkwell-ann.zip"'
    assert download.headers["Cache-Control"] == "private, no-store"
    resumed = client.get(link, headers={"Range": "bytes=100-"})
    assert (resumed.status_code, resumed.get_data()) == (206, download.get_data()[100:])
    archive = zipfile.ZipFile(io.BytesIO(download.get_data()))
    assert "account.json" in archive.namelist()
    assert len([n for n in archive.namelist() if n.endswith("index.md")]) == 2
    # Someone else's browser never gets it, nor by the id of its stored file
    # (an ObjectId: a counter, guessable from ids the same worker made).
    from site_app.models.exports import ExportJob

    file_id = ExportJob.latest_of(ann.id).file_id
    client.post("/auth/logout")
    assert client.get(link).status_code == 302
    assert client.get(f"/files/{file_id}").status_code == 404


def test_a_job_being_built_shows_its_progress_to_its_owner_only(app, client, ann, make_user):
    from helpers import signed_in_client

    from site_app.models.exports import ExportJob

    job = ExportJob.start(ann.id)
    job.advance(3, 12)
    page = client.get(f"/account/export/{job.id}")
    assert page.status_code == 200
    assert '<progress class="export-progress" max="100" value="25"' in page.text
    assert "3 of 12 posts" in page.text
    assert '<meta http-equiv="refresh" content="5">' in page.text
    assert client.get(f"/account/export/{job.id}/download").status_code == 404  # not ready
    other = signed_in_client(app, make_user("eve"))
    assert other.get(f"/account/export/{job.id}").status_code == 404


def test_the_uploaded_avatar_is_in_the_zip(client, ann):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "orange").save(buffer, "PNG")
    picture = (io.BytesIO(buffer.getvalue()), "me.png")
    assert (
        client.post(
            "/edit-profile", data={"name": "Ann", "avatar": picture}, content_type="multipart/form-data"
        ).status_code
        == 302
    )
    archive = exported(client)
    record = json.loads(archive.read("account.json"))
    assert record["profile"]["avatar"] == "avatar.png"
    assert Image.open(io.BytesIO(archive.read("avatar.png"))).size == (64, 64)


@pytest.mark.app_config(RATELIMIT_ENABLED=True, EXPORT_RATE_LIMIT="2 per hour")
def test_a_member_asking_again_and_again_is_told_to_wait(app, client, ann):
    assert [client.get("/account/export").status_code for _ in range(3)] == [200, 200, 429]
    from helpers import signed_in_client

    from site_app.models import User

    other = signed_in_client(app, User.register(email="eve@example.com", username="eve", password=PASSWORD))
    assert other.get("/account/export").status_code == 200  # counted per member
