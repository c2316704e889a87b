"""``/explore``: writers most followed by the people you follow (or by
everyone, for a newcomer), that you do not follow yet, and this week's
trending tags. The empty Followed tab leads there; follows are announced."""

from datetime import timedelta
from urllib.parse import quote

from site_app.models import Post, User, utcnow
from site_app.models.signals import user_followed
from site_app.seed import DEMO_SIZES, seed_database


def writers_section(page):
    return page.split('id="writers-heading"')[1].split('id="tags-heading"')[0]


def test_writers_followed_by_the_people_you_follow_come_first(client, auth, make_user):
    me, ann, bob = make_user("me"), make_user("ann"), make_user("bob")
    star, rising, known, popular = (make_user(n) for n in ("star", "rising", "known", "popular"))
    me.follow(ann)
    me.follow(bob)
    me.follow(known)
    for friend in (ann, bob):
        friend.follow(star)
        friend.follow(known)  # followed already: never suggested
    ann.follow(rising)
    for fan in (make_user(f"fan{n}") for n in range(3)):
        fan.follow(popular)  # most followed overall, by strangers
    auth.login_as(me)
    section = writers_section(client.get("/explore").text)
    assert "followed by 2 people you follow" in section
    assert "followed by 1 person you follow" in section
    assert section.index(">star<") < section.index(">rising<") < section.index(">popular<")
    for absent in (">known<", ">ann<", ">me<"):
        assert absent not in section
    assert 'action="/follow/star"' in section


def test_a_newcomer_and_an_anonymous_reader_see_the_most_followed(client, auth, make_user):
    popular, quiet = make_user("popular"), make_user("quiet")
    fans = [make_user(f"fan{n}") for n in range(3)]
    for fan in fans:
        fan.follow(popular)
    fans[0].follow(quiet)
    anonymous = writers_section(client.get("/explore").text)
    assert anonymous.index(">popular<") < anonymous.index(">quiet<")
    assert "3 followers" in anonymous and "/follow/" not in anonymous
    auth.login_as(make_user("newcomer"))
    newcomer = writers_section(client.get("/explore").text)
    assert "3 followers" in newcomer and 'action="/follow/popular"' in newcomer


def test_following_from_explore_comes_back_to_explore(client, auth, make_user):
    popular = make_user("popular")
    make_user("fan").follow(popular)
    me = make_user("me")
    auth.login_as(me)
    response = client.post("/follow/popular", data={"next": "/explore"})
    assert response.headers["Location"] == "/explore"
    assert me.reload().is_following(popular)
    assert ">popular<" not in writers_section(client.get("/explore").text)


def test_trending_tags_count_this_weeks_posts(client, make_user):
    writer = make_user("wendy")
    for n in range(3):
        Post.publish(writer, f"Lamp {n}", "Body", "lamps, light")
    Post.publish(writer, "Candle", "Body", "candles")
    old = Post.publish(writer, "Old", "Body", "vintage")
    Post.objects(id=old.id).update_one(set__timestamp=utcnow() - timedelta(days=8))
    Post.publish(writer, "Unsent", "Body", "secret-plans", draft=True)
    page = client.get("/explore").text.split('id="tags-heading"')[1]
    assert "secret-plans" not in page  # a draft's tags are not public
    assert page.index("#lamps (3)") < page.index("#light (3)") < page.index("#candles (1)")
    assert "vintage" not in page
    assert 'href="/tag/lamps"' in page


def test_the_empty_followed_tab_links_to_explore(client, auth, make_user):
    auth.login_as(make_user("me"))
    page = client.get("/followed").text
    assert "You do not follow anyone yet" in page and 'href="/explore"' in page


def test_a_new_follow_is_announced_once(make_user):
    ann, bob = make_user("ann"), make_user("bob")
    heard = []

    def on_follow(sender, **kwargs):
        heard.append((sender, kwargs))

    user_followed.connect(on_follow)
    try:
        ann.follow(bob)
        ann.follow(bob)
    finally:
        user_followed.disconnect(on_follow)
    assert heard == [(User, {"follower": ann.id, "followed": bob.id})]
    assert ann.reload().following_ids() == [bob.id]


def test_the_demo_has_tags_trending_this_week_and_keeps_them_after_a_new_post(app, client, make_user):
    """The demo is a living site: its newest posts fall in this week, so
    Explore shows their tags, and a new post adds its own to them."""
    seed_database(DEMO_SIZES, rng_seed=2024)
    week = Post.published().filter(timestamp__gte=utcnow() - timedelta(days=6))
    this_weeks_tags = {tag for post in week.only("tags") for tag in post.tags}
    assert len(this_weeks_tags) >= 3
    page = client.get("/explore").text.split('id="tags-heading"')[1]
    assert "No tags used this week yet" not in page
    for tag in this_weeks_tags:
        assert f'href="/tag/{quote(tag)}"' in page
    Post.publish(make_user("wendy"), "Fresh", "Body", "freshly-made")
    page = client.get("/explore").text.split('id="tags-heading"')[1]
    for tag in this_weeks_tags | {"freshly-made"}:
        assert f'href="/tag/{quote(tag)}"' in page
