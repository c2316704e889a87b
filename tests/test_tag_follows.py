"""Readers follow tags: the tagged posts join their Followed tab; and the
Followed tab stays bounded for a reader following thousands of writers."""

from datetime import timedelta

from test_query_shapes import declared_indexes, pipeline_shape, served_by_index

from site_app.models import Post, User, followed_feed, utcnow
from site_app.models.tag_follows import FOLLOWED_TAGS_MAX


def _followed_tab(client):
    return client.get("/followed").text


def test_a_followed_tags_posts_join_the_followed_tab(client, make_user, auth):
    rita, wendy = make_user("rita"), make_user("wendy")
    Post.publish(wendy, "Lanterns at dusk", "Body", tags="lighting")
    Post.publish(wendy, "Other things", "Body", tags="gardening")
    auth.login_as(rita)
    assert "Lanterns at dusk" not in _followed_tab(client)

    response = client.post("/tag/lighting/follow")
    assert response.status_code == 302 and response.headers["Location"] == "/tag/lighting"
    page = _followed_tab(client)
    assert "Lanterns at dusk" in page and "Other things" not in page
    assert "Unfollow #lighting" in client.get("/tag/lighting").text

    client.post("/tag/lighting/unfollow")
    assert "Lanterns at dusk" not in _followed_tab(client)
    assert "Follow #lighting" in client.get("/tag/lighting").text
    assert rita.reload().followed_tags == []


def test_a_post_of_a_followed_writer_with_a_followed_tag_shows_once(client, make_user, auth):
    rita, wendy = make_user("rita"), make_user("wendy")
    Post.publish(wendy, "Lanterns at dusk", "Body", tags="lighting")
    rita.follow(wendy)
    auth.login_as(rita)
    client.post("/tag/lighting/follow")
    assert _followed_tab(client).count("Lanterns at dusk</a>") == 1


def test_tags_are_followed_by_their_stored_form(client, make_user, auth):
    rita = make_user("rita")
    auth.login_as(rita)
    assert client.post("/tag/ci/cd/follow").status_code == 302
    assert client.post("/tag/editor-ux/follow").status_code == 302
    assert rita.reload().followed_tags == ["ci/cd", "editor-ux"]
    # Spaces are stored as hyphens, so "editor ux" is no stored form.
    assert client.post("/tag/editor ux/follow").status_code == 404
    assert client.post("/tag/Not!A Stored Form/follow").status_code == 404
    assert client.post("/tag/!!!/follow").status_code == 404
    assert rita.reload().followed_tags == ["ci/cd", "editor-ux"]


def test_following_a_tag_twice_keeps_it_once(client, make_user, auth):
    rita = make_user("rita")
    auth.login_as(rita)
    client.post("/tag/python/follow")
    client.post("/tag/python/follow")
    assert rita.reload().followed_tags == ["python"]


def test_followed_tags_are_bounded(client, make_user, auth):
    rita = make_user("rita")
    User.objects(id=rita.id).update_one(set__followed_tags=[f"tag{n}" for n in range(FOLLOWED_TAGS_MAX)])
    auth.login_as(rita)
    response = client.post("/tag/one-more/follow", follow_redirects=True)
    assert response.status_code == 200
    assert f"at most {FOLLOWED_TAGS_MAX} tags" in response.text
    assert len(rita.reload().followed_tags) == FOLLOWED_TAGS_MAX
    assert "one-more" not in rita.followed_tags


def test_following_a_tag_needs_an_account(client, make_user):
    response = client.post("/tag/python/follow")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_tag_page_offers_its_feed_and_stays_shareable_for_anonymous_readers(client, make_user):
    Post.publish(make_user("wendy"), "Lanterns", "Body", tags="lighting")
    response = client.get("/tag/lighting")
    assert response.status_code == 200
    assert 'href="/tag/lighting/feed.atom"' in response.text
    assert 'href="/auth/login?next=/tag/lighting"' in response.text
    assert "csrf_token" not in response.text and "Set-Cookie" not in response.headers


def test_a_reader_following_more_writers_than_the_feed_reads_sees_the_most_active(
    app, client, make_user, auth, db_ops, monkeypatch
):
    monkeypatch.setattr(followed_feed, "FEED_WRITERS_MAX", 3)
    rita = make_user("rita")
    now = utcnow()
    for n in range(6):  # w5 posted last
        writer = make_user(f"w{n}")
        post = Post.publish(writer, f"post {n}", "Body")
        Post.objects(id=post.id).update_one(set__timestamp=now - timedelta(hours=10 - n))
        rita.follow(writer)
    auth.login_as(rita)
    app.config["DB_OPS_HEADER"] = False
    with db_ops() as ops:
        page = client.get("/followed").text
    assert all(f"post {n}" in page for n in (3, 4, 5))
    assert not any(f"post {n}<" in page for n in (0, 1, 2))
    posts_ops = [op[1] for op in ops.operations if op[0] == "posts"]
    # Whatever the number followed: the writers chosen, then the page (by key: no count).
    assert posts_ops == ["aggregate", "find"], posts_ops
    finds = [op for op in ops.operations if op[0] == "posts" and op[1] != "aggregate"]
    # rita's own posts are one more range than the writers read
    assert all(len(op[2]["author"]["$in"]) == 4 for op in finds)
    indexes = declared_indexes("posts", None)
    for collection, operation, filter_, sort in ops.operations:
        if collection != "posts":
            continue
        if operation == "aggregate":
            filter_, sort = pipeline_shape(filter_)
        assert served_by_index(indexes, filter_, sort), (collection, operation, filter_, sort)


def test_the_feed_of_writers_and_tags_is_served_by_indexes(app, client, make_user, auth, db_ops):
    rita, wendy = make_user("rita"), make_user("wendy")
    Post.publish(wendy, "Wendy writes", "Body")
    Post.publish(make_user("zed"), "Zed's lamps", "Body", tags="lighting")
    rita.follow(wendy)
    rita.follow_tag("lighting")
    auth.login_as(rita)
    app.config["DB_OPS_HEADER"] = False
    with db_ops() as ops:
        page = client.get("/followed").text
    assert "Wendy writes" in page and "Zed&#39;s lamps" in page
    posts = [op for op in ops.operations if op[0] == "posts"]
    assert any("$or" in filter_ for _c, _o, filter_, _s in posts)
    indexes = declared_indexes("posts", None)
    assert all(served_by_index(indexes, filter_, sort) for _c, _o, filter_, sort in posts)


def test_the_api_timeline_keeps_a_readers_followed_tags_to_themselves(client, make_user, api_headers):
    rita, wendy = make_user("rita"), make_user("wendy")
    Post.publish(wendy, "Wendy writes", "Body")
    Post.publish(make_user("zed"), "Zed's lamps", "Body", tags="lighting")
    rita.follow(wendy)
    rita.follow_tag("lighting")
    answer = client.get(
        f"/api/v1/users/{rita.id}/timeline/", headers=api_headers("zed@example.com", "correct horse battery")
    )
    assert answer.status_code == 200
    assert [post["title"] for post in answer.get_json()["posts"]] == ["Wendy writes"]
