"""The anonymous home page and the Atom feed are rendered once and served
from the cache until a post, a comment or a profile changes."""
import pytest

from site_app import create_app
from site_app.models import Post, Role


@pytest.fixture
def cached_app():
    app = create_app("testing", overrides={"CACHE_TYPE": "SimpleCache"})
    with app.app_context():
        Role.insert_roles()
        yield app


@pytest.fixture
def writer(cached_app):
    from site_app.models import User
    user = User.register("writer@example.com", "writer", "correct horse battery")
    user.confirmed = True
    user.save()
    return user


def _get(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True), int(response.headers["X-DB-Ops"])


@pytest.mark.parametrize("path", ["/", "/feed.atom"])
def test_a_second_anonymous_reader_costs_no_database_work(cached_app, writer, path):
    Post.publish(writer, "Cached once", "Body")
    client = cached_app.test_client()
    first, first_ops = _get(client, path)
    again, again_ops = _get(client, path)
    assert "Cached once" in first and "Cached once" in again
    assert first_ops > 0 and again_ops == 0


@pytest.mark.parametrize("path", ["/", "/feed.atom"])
def test_every_change_of_content_shows_at_once(cached_app, writer, path):
    client = cached_app.test_client()
    post = Post.publish(writer, "Original title", "Body", tags="lamp")
    assert "Original title" in _get(client, path)[0]

    newer = Post.publish(writer, "A newer post", "Body")
    assert "A newer post" in _get(client, path)[0]

    post.edit("Edited title", "Body", "lamp")
    page = _get(client, path)[0]
    assert "Edited title" in page and "Original title" not in page

    newer.remove()
    assert "A newer post" not in _get(client, path)[0]

    writer.username = "renamed"
    writer.save()
    assert "renamed" in _get(client, path)[0]


def test_comment_counts_on_the_cached_home_page_follow_comments(cached_app, writer):
    client = cached_app.test_client()
    post = Post.publish(writer, "Talked about", "Body")
    assert "0 comments" in _get(client, "/")[0]
    comment = post.add_comment(writer, "First!")
    assert "1 comment<" in _get(client, "/")[0]
    Post.delete_comment(comment.id)
    assert "0 comments" in _get(client, "/")[0]


def test_signed_in_readers_get_their_own_page(cached_app, writer):
    client = cached_app.test_client()
    Post.publish(writer, "Shared", "Body")
    _get(client, "/")
    client.post("/auth/login", data={"email": writer.email, "password": "correct horse battery"})
    page, ops = _get(client, "/")
    assert ops > 0 and "Write a post" in page
