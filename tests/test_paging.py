"""Paging through posts published at the same instant: each post on
exactly one page, in one order (newest id first), on every list."""

from datetime import datetime

from helpers import basic_auth

from site_app.models import Post

SAME_INSTANT = datetime(2026, 3, 1, 12, 0, 0)


def _pages(client, path, count, **kwargs):
    for page in range(1, count + 1):
        separator = "&" if "?" in path else "?"
        response = client.get(f"{path}{separator}page={page}", **kwargs)
        assert response.status_code == 200
        yield response


def _titles_in_api(client, path, count, headers):
    return [
        post["title"]
        for response in _pages(client, path, count, headers=headers)
        for post in response.get_json()["posts"]
    ]


def _titles_on_pages(client, path, count):
    """The "Tie n" titles each page shows, in the order it shows them."""
    titles = []
    for response in _pages(client, path, count):
        text = response.get_data(as_text=True)
        titles += [
            title
            for _at, title in sorted(
                (text.index(f"Tie {n}<"), f"Tie {n}") for n in range(5) if f"Tie {n}<" in text
            )
        ]
    return titles


def test_posts_with_equal_times_page_once_each_newest_id_first(app, client, make_user):
    app.config["POSTS_PER_PAGE"] = 2
    writer = make_user("writer")
    for n in range(5):
        Post.publish(writer, f"Tie {n}", "same time", tags="ties")
    Post.objects.update(set__timestamp=SAME_INSTANT)
    expected = [f"Tie {n}" for n in reversed(range(5))]

    api = _titles_in_api(client, "/api/v1/posts/", 3, basic_auth(writer.email, "correct horse battery"))
    home = _titles_on_pages(client, "/", 3)
    tag = _titles_on_pages(client, "/tag/ties", 3)

    assert api == home == tag == expected
