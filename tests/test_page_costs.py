"""List pages cost the same number of database operations whether they
show 5 posts or 40: authors are loaded in one batch, never one a post."""
import pytest

from helpers import signed_in_client

from site_app.models import Post


def seed(make_user, n_posts, prefix="a"):
    """``n_posts`` posts by as many authors (the worst case for lazy loads),
    each tagged and commented, all matching the word "lantern"."""
    authors = [make_user(f"{prefix}{n}") for n in range(n_posts)]
    for n in range(n_posts):
        post = Post.publish(authors[n % len(authors)], f"Lantern {n}", "About a lantern", "light")
        post.add_comment(authors[(n + 1) % len(authors)], f"comment {n}")
    return authors


def ops_for(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return int(response.headers["X-DB-Ops"])


LIST_PAGES = ["/", "/tag/light", "/search?q=lantern", "/moderate", "/feed.atom"]


@pytest.fixture
def costs(app, make_user, auth):
    """``costs(n)``: a fresh set of n posts, the operations of each list
    page as a moderator who follows every author."""
    app.config.update(POSTS_PER_PAGE=50, COMMENTS_PER_PAGE=50)

    def measure(n):
        Post.objects.delete()
        authors = seed(make_user, n, prefix=f"set{n}-")
        reader = make_user(f"reader{n}", role="Moderator")
        for author in authors:
            reader.follow(author)
        client = signed_in_client(app, reader)
        result = {path: ops_for(client, path) for path in LIST_PAGES}
        client.get("/followed")
        result["followed"] = ops_for(client, "/")
        shown = client.get("/").get_data(as_text=True).count('class="post-card')
        assert shown == n
        return result

    return measure


def test_list_pages_cost_the_same_for_5_and_40_posts(costs):
    few = costs(5)
    many = costs(40)
    assert few == many, (few, many)
    assert max(many.values()) <= 8, many


def test_a_post_page_costs_the_same_for_any_number_of_comments(app, client, make_user):
    app.config["COMMENTS_PER_PAGE"] = 50
    few = Post.publish(make_user("w1"), "Few", "Body")
    many = Post.publish(make_user("w2"), "Many", "Body")
    commenters = [make_user(f"c{n}") for n in range(40)]
    for user in commenters[:5]:
        few.add_comment(user, "hi")
    for user in commenters:
        many.add_comment(user, "hi")
    assert ops_for(client, f"/post/{few.id}") == ops_for(client, f"/post/{many.id}")


def test_the_profile_lists_posts_at_a_constant_cost(app, client, make_user):
    author = make_user("prolific")
    Post.publish(author, "One", "Body")
    one = ops_for(client, "/user/prolific")
    for n in range(30):
        Post.publish(author, f"More {n}", "Body")
    assert ops_for(client, "/user/prolific") == one
