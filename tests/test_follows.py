"""Readers follow writers; the followed feed shows their posts."""

import threading

from bson import ObjectId
from helpers import signed_in_client

from site_app import dbstats
from site_app.models import Post, User
from site_app.models.users import load_user


def test_follow_and_unfollow(client, make_user, auth):
    rita, wendy = make_user("rita"), make_user("wendy")
    auth.login_as(rita)
    response = client.post("/follow/wendy")
    assert response.status_code == 302 and response.headers["Location"] == "/user/wendy"
    assert rita.reload().is_following(wendy)
    assert wendy.followers_count == 1 and rita.following_count == 1
    assert "rita" in client.get("/followers/wendy").text
    assert "wendy" in client.get("/following/rita").text
    client.post("/unfollow/wendy")
    assert not rita.reload().is_following(wendy)
    assert "rita" not in client.get("/followers/wendy").text.split("Back to")[1]


def test_following_twice_counts_once(client, make_user, auth):
    rita, wendy = make_user("rita"), make_user("wendy")
    auth.login_as(rita)
    client.post("/follow/wendy")
    client.post("/follow/wendy")
    assert wendy.followers_count == 1 and rita.reload().following_count == 1


def test_concurrent_clicks_keep_counts_right(app, make_user):
    wendy = make_user("wendy")
    fans = [make_user(f"fan{n}") for n in range(8)]

    def click(user):
        client = signed_in_client(app, user)
        for _ in range(3):
            client.post("/follow/wendy")

    threads = [threading.Thread(target=click, args=(fan,)) for fan in fans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wendy.followers_count == 8
    assert all(fan.reload().following_ids() == [wendy.id] for fan in fans)


def test_you_cannot_follow_yourself(client, make_user, auth):
    rita = make_user("rita")
    auth.login_as(rita)
    response = client.post("/follow/rita", follow_redirects=False)
    assert response.status_code == 302
    assert rita.reload().following_count == 0


def test_unknown_users_are_404(client, make_user, auth):
    auth.login_as(make_user())
    assert client.post("/follow/nobody").status_code == 404
    assert client.post("/unfollow/nobody").status_code == 404
    assert client.get("/followers/nobody").status_code == 404
    assert client.get("/following/nobody").status_code == 404


def test_follow_is_post_only_and_needs_an_account(client, make_user):
    make_user("wendy")
    assert client.get("/follow/wendy").status_code == 405
    response = client.post("/follow/wendy")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert User.by_username("wendy").followers_count == 0


def test_followers_are_paginated(app, client, make_user):
    app.config["FOLLOWERS_PER_PAGE"] = 2
    wendy = make_user("wendy")
    for name in ["anna", "bert", "cleo"]:
        make_user(name).follow(wendy)
    first, second = client.get("/followers/wendy").text, client.get("/followers/wendy?page=2").text
    assert "anna" in first and "bert" in first and "cleo" not in first
    assert "cleo" in second
    assert "anna" in client.get("/followers/wendy?page=-7").text


def test_followers_list_shows_who_follows_you(client, make_user, auth):
    rita, wendy = make_user("rita"), make_user("wendy")
    wendy.follow(rita)
    rita.follow(wendy)
    auth.login_as(rita)
    assert "follows you" in client.get("/followers/rita").text


def test_followed_feed_has_the_followed_and_your_own_posts_only(client, make_user, auth):
    rita, wendy, zed = make_user("rita"), make_user("wendy"), make_user("zed")
    Post.publish(wendy, "Wendy writes", "Body")
    Post.publish(zed, "Zed writes", "Body")
    Post.publish(rita, "Rita writes", "Body")
    rita.follow(wendy)
    auth.login_as(rita)
    page = client.get("/followed").text
    assert "Wendy writes" in page and "Rita writes" in page and "Zed writes" not in page
    assert "Zed writes" in client.get("/").text


def test_followed_feed_is_one_query_over_the_authors(app, client, make_user, auth, db_ops):
    rita = make_user("rita")
    for n in range(6):
        writer = make_user(f"w{n}")
        Post.publish(writer, f"post {n}", "Body")
        rita.follow(writer)
    auth.login_as(rita)
    app.config["DB_OPS_HEADER"] = False  # so the request does not start its own count
    with db_ops() as ops:
        response = client.get("/followed")
    assert response.status_code == 200
    # Every posts operation (the count and the page) is the same query:
    # the authors' ids in one indexed $in, never one query a followed user.
    filters = [op[2] for op in ops.operations if op[0] == "posts"]
    assert filters and all(f == filters[0] for f in filters)
    assert sorted(filters[0]["author"]["$in"]) == sorted(rita.reload().following_ids() + [rita.id])


def _follow_in_bulk(reader, count):
    """``reader`` follows ``count`` accounts (raw ids: what the user
    document holds), with the counts the model keeps."""
    ids = [ObjectId() for _ in range(count)]
    User.objects(id=reader.id).update_one(push_all__following=ids, inc__following_total=count)
    return ids


def test_a_signed_in_request_does_not_read_the_readers_follows(app, client, auth, make_user):
    """The account loaded on every signed-in request leaves ``following``
    out (1.9 MB at 100k follows); the follows are asked for where needed."""
    reader, writer = make_user("rita"), make_user("wendy")
    _follow_in_bulk(reader, 3000)
    reader.follow(writer)
    post = Post.publish(writer, "Tides", "The moon pulls.")
    signed_in = load_user(reader.get_id())  # what each signed-in request loads
    assert signed_in.username == "rita"
    assert signed_in.following == []  # not read
    assert signed_in.following_count == 3001
    assert signed_in.is_following(writer) and not signed_in.is_following(make_user("sam"))
    auth.login_as(reader)
    assert 'action="/unfollow/wendy"' in client.get(f"/post/{post.id}").text
    # A profile reads its user without the follows too: the count is stored.
    assert "<strong>3001</strong> following" in client.get("/user/rita").text
    client.get("/followed")
    assert "Tides" in client.get("/").text  # the feed still knows the follows


def test_the_follower_count_reads_one_field_however_many_followers(app, client, make_user):
    writer = make_user("wendy")
    fans = [make_user(f"fan{n}") for n in range(3)]
    for fan in fans:
        fan.follow(writer)
    app.config["DB_OPS_HEADER"] = False
    with dbstats.recording() as ops:
        page = client.get("/user/wendy").text
    assert "<strong>3</strong> followers" in page
    counted = [
        op
        for collection, op, filter_, _s in ops.operations
        if collection == "users" and "following" in (filter_ or {})
    ]
    assert counted == []  # no walk over the followers' keys
    fans[0].unfollow(writer)
    fans[0].unfollow(writer)  # once only
    assert writer.followers_count == 2 and fans[0].reload().following_count == 0


def test_the_following_list_pages_in_the_order_followed(app, client, make_user):
    app.config["FOLLOWERS_PER_PAGE"] = 2
    reader = make_user("rita")
    for name in ("alder", "birch", "cedar", "dogwood", "elm"):
        reader.follow(make_user(name))
    second = client.get("/following/rita?page=2").text
    assert ">cedar<" in second and ">dogwood<" in second
    assert ">birch<" not in second and ">elm<" not in second
    assert ">elm<" in client.get("/following/rita?page=-1").text
    # Past the end: the last page, by key as every list paged by key.
    assert client.get("/following/rita?page=9").location == "/following/rita?page=-1"


def test_followers_are_paged_by_name_with_no_skip_however_deep(app, client, make_user):
    """Issue 21: the followers list paged by key (name, id): every page one
    index range of a page and one more, the last one a reverse read, each
    follower once, even one with a "-" in the name (the key's separator)."""
    import re

    from site_app import dbstats

    app.config["FOLLOWERS_PER_PAGE"] = 2
    app.config["DB_OPS_HEADER"] = False
    wendy = make_user("wendy")
    names = ["anna", "bert", "cleo", "dan-o", "eve", "finn", "gus"]
    for name in names:
        make_user(name).follow(wendy)

    def people(text):
        return re.findall(r'href="/user/([\w-]+)">\1</a>', text.split("Back to")[1])

    def link(text, label):
        found = re.search(rf'href="([^"]+)" aria-label="{label}"', text)
        return found and found.group(1).replace("&amp;", "&")

    seen, path, costs = [], "/followers/wendy", []
    while path:
        with dbstats.recording() as ops:
            text = client.get(path).text
        costs.append((ops.largest_skip, ops.documents))
        seen += people(text)
        path = link(text, "Next page")
    assert seen == names
    assert all(skip == 0 for skip, _documents in costs)
    last = client.get("/followers/wendy?page=-1").text
    assert people(last) == ["finn", "gus"]  # the last page is full
    back = client.get(link(last, "Previous page")).text
    assert people(back) == ["dan-o", "eve"]


def test_following_is_paged_by_key_and_an_unfollow_between_pages_skips_nobody(app, client, make_user):
    """Issue 21: the following list pages by key (the last one shown), so a
    reader walking it while earlier follows are undone sees every account
    still followed once; old ``?page=N`` links and the last page work."""
    import re

    app.config["FOLLOWERS_PER_PAGE"] = 2
    rita = make_user("rita")
    names = ["anna", "bert", "cleo", "dani", "eve", "finn", "gus"]
    followed = {name: make_user(name) for name in names}
    for name in names:
        rita.follow(followed[name])

    def people(text):
        return re.findall(r'href="/user/(\w+)">\1</a>', text.split("Back to")[1])

    def link(text, label):
        found = re.search(rf'href="([^"]+)" aria-label="{label}"', text)
        return found and found.group(1).replace("&amp;", "&")

    first = client.get("/following/rita").text
    assert people(first) == ["anna", "bert"]
    second = client.get(link(first, "Next page")).text
    assert people(second) == ["cleo", "dani"]
    rita.unfollow(followed["anna"])  # every later position moves one back
    rita.unfollow(followed["bert"])
    seen, path = [], link(second, "Next page")
    while path:
        text = client.get(path).text
        seen += people(text)
        path = link(text, "Next page")
    assert seen == ["eve", "finn", "gus"]  # a position walk would skip two

    last = client.get("/following/rita?page=-1").text
    assert people(last) == ["finn", "gus"]
    assert people(client.get(link(last, "Previous page")).text) == ["dani", "eve"]
    assert people(client.get("/following/rita?page=2").text) == ["eve", "finn"]
    assert client.get("/following/rita?page=40").location == "/following/rita?page=-1"
