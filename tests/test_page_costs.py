"""List pages cost the same number of database operations whether they
show 5 posts or 40: authors are loaded in one batch, never one a post."""

import pytest
from helpers import DRIVER_LANE, signed_in_client

from site_app.models import Bookmark, Like, Post, Role, User


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


LIST_PAGES = [
    "/",
    "/tag/light",
    "/search?q=lantern",
    "/moderate",
    "/moderate?show=all",
    "/feed.atom",
    "/bookmarks",
    "/explore",
    "/moderate?show=hidden",
    "/tag/light/feed.atom",
    "/sitemap.xml",
]


@pytest.fixture
def costs(app, make_user, auth):
    """``costs(n)``: a fresh set of n posts, the operations of each list
    page as a moderator who follows every author and liked and saved every
    post (whether each card is liked or saved is read once a page)."""
    app.config.update(POSTS_PER_PAGE=50, COMMENTS_PER_PAGE=50)

    def measure(n):
        Post.objects.delete()
        authors = seed(make_user, n, prefix=f"set{n}-")
        reader = make_user(f"reader{n}", role="Moderator")
        for author in authors:
            reader.follow(author)
        for post in Post.objects:
            Like.add(post, reader)
            Bookmark.toggle(reader, post)
        client = signed_in_client(app, reader)
        result = {path: ops_for(client, path) for path in LIST_PAGES}
        result["followed"] = ops_for(client, "/followed")
        home = client.get("/followed").get_data(as_text=True)
        assert home.count('class="post-card') == n
        assert home.count(">Unlike<") == n and home.count(">Remove bookmark<") == n
        return result

    return measure


def test_list_pages_cost_the_same_for_5_and_40_posts(costs):
    few = costs(5)
    many = costs(40)
    assert few == many, (few, many)
    # The most: /bookmarks (count, page, posts, authors, likes, bookmarks),
    # plus the reader, the role for the navbar, the unread count and the
    # members the reader muted (their cards are left out).
    # Search adds its people (by username, by name) and tags sections: 3
    # (and MongoDB's $text path counts its matches apart: 1).
    assert many.pop("/search?q=lantern") <= (12 if DRIVER_LANE else 11), many
    assert max(many.values()) <= 10, many


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


def _costs_of_a_small_site(site):
    """The same small site built on ``site``; the operations of each page."""
    site.config.update(POSTS_PER_PAGE=50, COMMENTS_PER_PAGE=50)
    with site.app_context():
        Role.insert_roles()
        authors = []
        for n in range(4):
            author = User.register(
                email=f"w{n}@example.com", username=f"w{n}", password="correct horse battery"
            )
            author.confirmed = True
            author.save()
            authors.append(author)
        reader = User.register(email="mod@example.com", username="mod", password="correct horse battery")
        reader.role, reader.confirmed = Role.named("Moderator"), True
        reader.save()
        posts = []
        for n in range(8):
            post = Post.publish(authors[n % 4], f"Lantern {n}", "About a lantern", "light")
            post.add_comment(authors[(n + 1) % 4], f"comment {n}")
            posts.append(post)
        for author in authors:
            reader.follow(author)
    # Requests outside that context: each pushes its own, with a fresh ``g``
    # (the signed-in user is loaded again every time, as in production).
    client = signed_in_client(site, reader)
    pages = {
        **{path: path for path in LIST_PAGES},
        "post": f"/post/{posts[0].id}",
        "profile": "/user/w1",
        "followers": "/followers/w1",
    }
    client.get("/")  # first use of each collection happens outside the count
    costs = {page: ops_for(client, path) for page, path in pages.items()}
    costs["followed"] = ops_for(client, "/followed")
    return costs


@pytest.mark.driver_only("compares the driver's command listener with the embedded counter")
def test_the_command_listener_counts_each_page_as_the_embedded_counter_does(app, make_app):
    """One count for two backends: a page costs the same number of database
    operations through pymongo's command monitoring as through the wrapped
    mongomock methods, except search, which is a different query on MongoDB
    (count, ``$text`` page, authors) than the embedded word match."""
    on_the_server = _costs_of_a_small_site(app)
    in_process = _costs_of_a_small_site(make_app(MONGODB_URI=None))
    assert on_the_server.pop("/search?q=lantern") == in_process.pop("/search?q=lantern") + 1
    assert on_the_server == in_process


def test_the_drafts_page_lists_drafts_at_a_constant_cost(app, make_user):
    author = make_user("drafty")
    client = signed_in_client(app, author)
    Post.publish(author, "One", "Body", draft=True)
    one = ops_for(client, "/drafts")
    for n in range(30):
        Post.publish(author, f"More {n}", "Body", draft=True)
    assert ops_for(client, "/drafts") == one
    assert client.get("/drafts").get_data(as_text=True).count('class="post-card') == 20


def test_the_navbar_unread_count_costs_one_operation_a_signed_in_page(app, make_user):
    """The count is one indexed ``count`` per page, for signed-in readers
    only; an anonymous page does not ask."""
    from site_app.models import Notification
    from site_app.models.signals import user_followed

    reader = make_user("reader")
    Post.publish(make_user("writer"), "Lantern", "Body")
    signed_in = signed_in_client(app, reader)
    signed_in.get("/")  # first use of each collection happens outside the count
    before = ops_for(signed_in, "/tag/light")
    for n in range(3):
        user_followed.send(User, follower=make_user(f"fan{n}").id, followed=reader.id)
    assert Notification.unread_count(reader.id) == 3
    assert ops_for(signed_in, "/tag/light") == before
    anonymous = app.test_client()
    anonymous.get("/")
    # no account, no role (the navbar's links for writers), no count, no muted members
    assert ops_for(anonymous, "/tag/light") == before - 4


def test_the_notifications_page_costs_the_same_for_any_number(app, make_user):
    """count + page + actors + post titles + marking read, the reader's
    account, its role (the navbar's links) and the navbar count: 8, for 3
    notifications or 20."""
    from site_app.models.signals import user_followed

    reader = make_user("reader")
    post = Post.publish(reader, "Lantern", "Body")
    client = signed_in_client(app, reader)
    client.get("/")

    def tell(n, prefix):
        for i in range(n):
            fan = make_user(f"{prefix}{i}")
            user_followed.send(User, follower=fan.id, followed=reader.id)
            post.add_comment(fan, "hello")

    tell(2, "few")
    few = ops_for(client, "/notifications")
    tell(10, "many")
    many = ops_for(client, "/notifications")
    assert few == many == 8, (few, many)
