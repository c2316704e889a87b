"""Which stored files a post uses, and which it may release: a post lists
the files its body links to whatever path it came in by (the write form,
the API, the admin), `media gc` keeps them, and deleting a post only ever
releases files its own author uploaded, after the post itself is gone."""

import io
from datetime import timedelta

import pytest
from bson import ObjectId
from helpers import basic_auth, signed_in_client
from PIL import Image
from pymongo.errors import AutoReconnect
from werkzeug.datastructures import FileStorage

from site_app.database import get_db
from site_app.media import storage
from site_app.models import Post, utcnow


def _jpeg(colour, size=(640, 480)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _upload(client, colour):
    response = client.post(
        "/upload",
        data={"file": (io.BytesIO(_jpeg(colour)), f"{colour}.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _age_every_file(app, hours=48):
    get_db(app)["fs.files"].update_many({}, {"$set": {"uploadDate": utcnow() - timedelta(hours=hours)}})


@pytest.fixture
def ann(make_user):
    return make_user("ann")


@pytest.fixture
def ann_client(app, ann):
    return signed_in_client(app, ann)


# -- ownership -----------------------------------------------------------------
def test_deleting_a_post_never_releases_another_writers_files(app, ann, ann_client, make_user):
    avatar_id = storage.set_avatar(ann, FileStorage(io.BytesIO(_jpeg("navy", (300, 300))), "me.jpg"))
    image = _upload(ann_client, "olive")
    created = ann_client.post(
        "/api/v1/posts/",
        headers=basic_auth("ann@example.com", "correct horse battery"),
        json={"title": "Ann's", "body": f"![olive]({image['url']})"},
    )
    assert created.status_code == 201
    bob_client = signed_in_client(app, make_user("bob"))
    bob_client.post(
        "/write",
        data={"title": "Borrowed", "tags": "", "body": f"![a](/files/{avatar_id}) ![b]({image['url']})"},
    )
    borrowed = Post.objects(title="Borrowed").first()

    response = bob_client.post(f"/delete/{borrowed.id}")

    assert response.status_code == 302
    assert Post.objects(id=borrowed.id).count() == 0
    assert bob_client.get(f"/files/{avatar_id}").status_code == 200
    assert bob_client.get(image["url"]).status_code == 200
    assert bob_client.get("/avatar/ann?size=64").mimetype == "image/jpeg"


def test_deleting_a_post_releases_its_authors_own_unshared_files(app, ann, ann_client):
    own = _upload(ann_client, "teal")
    ann_client.post("/write", data={"title": "Mine", "tags": "", "body": f"![t]({own['url']})"})
    post = Post.objects(title="Mine").first()

    ann_client.post(f"/delete/{post.id}")

    assert ann_client.get(own["url"]).status_code == 404
    assert get_db(app)["fs.files"].count_documents({}) == 0


# -- files of every path in ------------------------------------------------------
def test_images_of_api_posts_survive_media_gc(app, ann, ann_client, runner):
    first, second = _upload(ann_client, "red"), _upload(ann_client, "green")
    headers = basic_auth("ann@example.com", "correct horse battery")
    created = ann_client.post(
        "/api/v1/posts/", headers=headers, json={"title": "Via API", "body": f"![r]({first['url']})"}
    )
    post_url = created.headers["Location"]
    edited = ann_client.put(
        post_url, headers=headers, json={"body": f"![r]({first['url']}) ![g]({second['url']})"}
    )
    assert edited.status_code == 200
    _age_every_file(app)

    result = runner.invoke(args=["media", "gc"])

    assert result.exit_code == 0, result.output
    assert "removed 0 unreferenced files" in result.output
    for stored in (first, second):
        assert ann_client.get(stored["url"]).status_code == 200
        assert ann_client.get(stored["url"] + "?size=thumb").status_code == 200


def test_images_added_by_an_admin_edit_survive_media_gc(app, ann, make_user, runner):
    admin_client = signed_in_client(app, make_user("root", role="Administrator"))
    post = Post.publish(ann, "Plain", "no pictures yet")
    image = _upload(admin_client, "purple")

    response = admin_client.post(
        f"/admin/admin_posts/edit/?id={post.id}",
        data={"title": "Plain", "body": f"now one: ![p]({image['url']})", "tags": ""},
    )
    assert response.status_code == 302
    _age_every_file(app)
    result = runner.invoke(args=["media", "gc"])

    assert "removed 0 unreferenced files" in result.output
    assert admin_client.get(image["url"]).status_code == 200
    assert Post.objects(id=post.id).first().files == [ObjectId(image["id"])]


def test_the_model_derives_the_files_from_the_body_however_it_is_called(ann):
    a, b = ObjectId(), ObjectId()

    post = Post.publish(ann, "Direct", f"![x](/files/{a})")
    post.edit("Direct", f"![x](/files/{a}) [doc](/files/{b})", "")

    assert Post.objects(id=post.id).first().files == [a, b]


# -- deletion order ------------------------------------------------------------
def test_a_failed_post_deletion_keeps_the_post_and_its_images(app, ann, ann_client, monkeypatch):
    image = _upload(ann_client, "orange")
    ann_client.post("/write", data={"title": "Kept", "tags": "", "body": f"![o]({image['url']})"})
    post = Post.objects(title="Kept").first()

    def lost(self, *args, **kwargs):
        raise AutoReconnect("primary stepped down")

    monkeypatch.setattr(Post, "delete", lost)
    response = ann_client.post(f"/delete/{post.id}")
    monkeypatch.undo()

    assert response.status_code == 503
    assert Post.objects(id=post.id).count() == 1
    assert ann_client.get(image["url"]).status_code == 200
    assert ann_client.get(f"/post/{post.id}").status_code == 200


def test_files_left_by_a_failed_release_are_swept_by_media_gc(app, ann, ann_client, monkeypatch, runner):
    image = _upload(ann_client, "black")
    ann_client.post("/write", data={"title": "Gone", "tags": "", "body": f"![b]({image['url']})"})
    post = Post.objects(title="Gone").first()

    def lost(*args, **kwargs):
        raise AutoReconnect("lost after the post was deleted")

    monkeypatch.setattr(storage, "delete_stored_file", lost)
    response = ann_client.post(f"/delete/{post.id}")
    monkeypatch.undo()

    assert response.status_code == 302  # the post is gone: that is what was asked
    assert Post.objects(id=post.id).count() == 0
    assert ann_client.get(image["url"]).status_code == 200
    _age_every_file(app)
    gc = runner.invoke(args=["media", "gc"]).output
    assert "removed 2 unreferenced files" in gc  # the image and its thumbnail
    assert ann_client.get(image["url"]).status_code == 404


def test_deploy_gives_posts_stored_before_the_fix_their_files(app, ann, ann_client, runner):
    image = _upload(ann_client, "gold")
    post = Post.publish(ann, "Old API post", f"![g]({image['url']})")
    Post._get_collection().update_one({"_id": post.id}, {"$set": {"files": []}, "$unset": {"post_bytes": ""}})
    _age_every_file(app)

    deployed = runner.invoke(args=["deploy"])
    gc = runner.invoke(args=["media", "gc"])

    assert "posts given their size and files: 1" in deployed.output
    assert "removed 0 unreferenced files" in gc.output
    assert ann_client.get(image["url"]).status_code == 200
    stored = Post.objects.get(id=post.id)
    assert stored.files == [ObjectId(image["id"])] and stored.post_bytes > 0
    assert "post sizes and files: up to date" in runner.invoke(args=["deploy"]).output
