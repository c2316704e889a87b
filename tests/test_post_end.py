"""The end of a post: its writer (avatar, name, bio, Follow), more from
them and related posts by shared tags; drafts never offered."""

from site_app.models import Post, User


def _end_of(page):
    return page.split('aria-label="About the writer and further reading"')[1].split("</aside>")[0]


def test_the_end_of_a_post_introduces_the_writer_and_offers_more(client, make_user):
    wendy = make_user("wendy", name="Wendy Wright", about_me="I write about light.")
    zed = make_user("zed")
    post = Post.publish(wendy, "Lanterns at dusk", "Body", tags="lighting, craft")
    Post.publish(wendy, "Candles in winter", "Body", tags="home")
    Post.publish(wendy, "A draft of Wendy's", "Body", draft=True)
    Post.publish(zed, "Paper lamps", "Body", tags="craft")
    Post.publish(zed, "Zed's cooking", "Body", tags="food")
    Post.publish(zed, "Zed's draft lamp", "Body", tags="lighting", draft=True)

    end = _end_of(client.get(f"/post/{post.id}").text)
    assert "Wendy Wright" in end and "I write about light." in end and "/user/wendy" in end
    more, related = end.split("More from wendy")[1].split("Related posts")
    assert "Candles in winter" in more and "Lanterns at dusk" not in more
    assert "Paper lamps" in related and "Zed's cooking" not in related
    assert "draft" not in end.lower()


def test_the_lists_are_bounded(client, make_user):
    wendy, zed = make_user("wendy"), make_user("zed")
    post = Post.publish(wendy, "The one read", "Body", tags="craft")
    for n in range(6):
        Post.publish(wendy, f"wendy {n}", "Body")
        Post.publish(zed, f"zed {n}", "Body", tags="craft")
    end = _end_of(client.get(f"/post/{post.id}").text)
    assert end.count("wendy ") == 3 and end.count("zed ") == 3
    assert "wendy 5" in end and "zed 5" in end  # the newest first


def test_the_anonymous_page_stays_shareable_and_a_reader_can_follow_from_it(client, make_user, auth):
    wendy = make_user("wendy")
    post = Post.publish(wendy, "Lanterns", "Body")
    anonymous = client.get(f"/post/{post.id}")
    assert "csrf_token" not in anonymous.text and "Set-Cookie" not in anonymous.headers
    rita = make_user("rita")
    auth.login_as(rita)
    end = _end_of(client.get(f"/post/{post.id}").text)
    assert 'action="/follow/wendy"' in end and "Follow wendy" in end
    response = client.post("/follow/wendy", data={"next": f"/post/{post.id}"})
    assert response.headers["Location"] == f"/post/{post.id}"
    assert User.objects(id=rita.id).first().is_following(wendy)
    assert 'action="/unfollow/wendy"' in _end_of(client.get(f"/post/{post.id}").text)


def test_a_writer_sees_no_follow_button_for_themself_and_a_draft_has_no_end(client, make_user, auth):
    wendy = make_user("wendy")
    post = Post.publish(wendy, "Lanterns", "Body")
    draft = Post.publish(wendy, "Unfinished", "Body", draft=True)
    auth.login_as(wendy)
    assert "/follow/wendy" not in _end_of(client.get(f"/post/{post.id}").text)
    assert "About the writer and further reading" not in client.get(f"/post/{draft.id}").text
