"""Empty pages that help: a Followed tab with nothing in it suggests writers
to follow and popular tags; a search without results suggests tags."""

import re

import pytest

from site_app.models import Post


@pytest.fixture
def site(make_user):
    wendy, omar, quiet = make_user("wendy"), make_user("omar"), make_user("quiet")
    for n in range(3):
        Post.publish(wendy, f"Tide {n}", "Sea notes.", "sea, tides")
    Post.publish(omar, "Phases", "Moon notes.", "moon, sea")
    make_user("gone").disable()
    return {"wendy": wendy, "omar": omar, "quiet": quiet}


def test_an_empty_followed_tab_suggests_writers_and_tags(client, auth, make_user, site):
    reader = make_user("rita")
    auth.login_as(reader)
    page = client.get("/followed").text
    assert "You do not follow anyone yet" in page
    writers = re.findall(r'<a href="/user/(\w+)" class="fw-semibold">', page)
    assert writers == ["wendy", "omar"]  # most posts lately first; nobody silent
    assert re.search(r'action="/follow/wendy"[^>]*>\s*<input[^>]*csrf_token', page)
    tags = re.findall(r'class="badge rounded-pill tag-badge" href="/tag/([\w-]+)"', page)
    assert tags == ["sea", "tides", "moon"]

    # Following from there lands back on the tab, with the writer's posts.
    response = client.post("/follow/wendy", data={"next": "/"})
    assert response.headers["Location"] == "/"
    page = client.get("/").text
    assert "Tide 2" in page and "You do not follow anyone yet" not in page


def test_a_followed_writer_is_not_suggested_again(client, auth, make_user, site):
    reader = make_user("rita")
    reader.follow(site["quiet"])
    auth.login_as(reader)
    page = client.get("/followed").text
    assert "Nobody you follow has posted yet" in page
    assert 'action="/follow/quiet"' not in page and 'action="/follow/wendy"' in page


def test_the_all_tab_never_shows_suggestions(client, auth, make_user, site):
    auth.login_as(make_user("rita"))
    client.get("/all")
    assert "start-heading" not in client.get("/").text


def test_a_search_without_results_suggests_tags(client, site):
    page = client.get("/search?q=submarine").text
    assert "No posts match" in page and "Or browse a popular tag" in page
    assert 'href="/tag/sea"' in page
    assert "Or browse a popular tag" not in client.get("/search?q=moon").text
