"""A page number past the end redirects to the last page's own URL, on
every paged list of the site (the bug: the last page was shown under the
address of a page that does not exist)."""

from site_app.models import Post


def test_past_the_end_of_a_list_redirects_to_its_last_page(app, client, make_user, auth):
    app.config["POSTS_PER_PAGE"] = 2
    writer = make_user("wendy")
    with app.app_context():
        for n in range(5):
            Post.publish(writer, f"Post {n}", "Body", tags="sea")
    # Lists paged by key: their last page is page=-1 (a reverse read).
    for path, last in (
        ("/?page=999", "/?page=-1"),
        ("/user/wendy?page=9", "/user/wendy?page=-1"),
        ("/tag/sea?page=4", "/tag/sea?page=-1"),
        ("/search?q=body&page=7", "/search?q=body&page=3"),
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.location == last, path
        assert client.get(last).status_code == 200
    # The last page itself, and page=-1, are shown where asked.
    assert client.get("/?page=3").status_code == 200
    auth.login_as(writer)
    assert client.get("/?page=999").location == "/?page=-1"  # signed in, not the cached list
    # People are paged by key too (by name): past the end is their last page.
    assert client.get("/followers/wendy?page=5").location == "/followers/wendy?page=-1"
    assert client.get("/followers/wendy?page=-1").status_code == 200


def test_past_the_last_page_of_comments_redirects(app, client, make_user):
    app.config["COMMENTS_PER_PAGE"] = 2
    writer = make_user("wendy")
    with app.app_context():
        post = Post.publish(writer, "Tides", "The moon pulls.")
        for n in range(3):
            post.add_comment(writer, f"Comment {n}")
    response = client.get(f"/post/{post.id}?page=99")
    assert response.status_code == 302
    assert response.location == f"/post/{post.id}?page=2"
    assert client.get(f"/post/{post.id}?page=-1").status_code == 200


def test_the_api_answers_the_last_page_without_a_redirect(app, client, make_user, api_headers):
    app.config["POSTS_PER_PAGE"] = 2
    writer = make_user("wendy")
    with app.app_context():
        for n in range(5):
            Post.publish(writer, f"Post {n}", "Body")
    response = client.get(
        "/api/v1/posts/?page=50", headers=api_headers("wendy@example.com", "correct horse battery")
    )
    assert response.status_code == 200
    answer = response.get_json()
    # Past the end is the last page, the oldest posts (a page by key is full).
    assert [post["title"] for post in answer["posts"]] == ["Post 1", "Post 0"]
    assert answer["next"] is None
    assert "/api/v1/posts/?before=" in answer["prev"]
