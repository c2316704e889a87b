"""The end of a post on the shared page cache: related posts follow new
posts of the post's tags at once."""

import pytest

from site_app.models import Post, User


@pytest.fixture
def app(make_app):
    """The testing app with the in-process page cache on (testing turns it
    off); make_app writes the roles and closes it."""
    return make_app(CACHE_TYPE="SimpleCache")


def test_a_new_post_of_a_shared_tag_joins_the_related_posts_of_a_cached_page(app, client, make_user):
    wendy, zed = make_user("wendy"), make_user("zed")
    post = Post.publish(wendy, "Lanterns", "Body", tags="lighting")
    Post.publish(zed, "Unrelated", "Body", tags="food")
    client.get(f"/post/{post.id}")
    assert client.get(f"/post/{post.id}").headers["X-Page-Cache"] == "hit"
    Post.publish(zed, "Paper lamps", "Body", tags="lighting")
    assert "Paper lamps" in client.get(f"/post/{post.id}").text
    # A post of another tag leaves the page as it was kept.
    Post.publish(User.by_username("zed"), "Soup", "Body", tags="food")
    assert client.get(f"/post/{post.id}").headers["X-Page-Cache"] == "hit"
