"""Polish from the walk of issue 20: the footer's feed page, names on
profiles, and the moderation buttons' order."""

from site_app.models import Post


def test_the_footer_leads_to_a_page_on_following_by_feed(app, client):
    home = client.get("/").text
    footer = home.split("<footer")[1]
    assert 'href="/feeds"' in footer and "Follow by feed" in footer
    page = client.get("/feeds")
    assert page.status_code == 200
    assert f'value="{app.config["SITE_URL"]}/feed.atom"' in page.text
    assert "feed reader" in page.text
    assert client.get("/feed.atom").status_code == 200  # readers keep the feed itself


def test_a_profile_shows_the_name_first_and_the_username_under_it(client, make_user):
    make_user("wendy", name="Wendy Wright", location="Harbour")
    page = client.get("/user/wendy").text
    header = page.split('aria-label="Profile"')[1]
    assert header.index("Wendy Wright") < header.index("@wendy") < header.index("Harbour")
    assert "<h1" in header.split("Wendy Wright")[0]


def test_a_profile_without_a_name_is_headed_by_the_username(client, make_user):
    make_user("zed")
    header = client.get("/user/zed").text.split('aria-label="Profile"')[1]
    heading, rest = header.split("</h1>", 1)
    assert heading.split(">")[-1].strip() == "zed" and "@zed" not in rest  # said once


def test_moderators_see_hide_first_and_delete_apart(client, make_user, auth):
    wendy = make_user("wendy")
    post = Post.publish(wendy, "Lanterns", "Body")
    post.add_comment(make_user("rita"), "A comment to moderate")
    auth.login_as(make_user("mo", role="Moderator"))
    for path in ["/moderate?show=all", f"/post/{post.id}"]:
        actions = client.get(path).text.split('class="d-flex flex-wrap gap-2 mt-1 comment-actions"')[1]
        actions = actions.split("</div>")[0]
        assert actions.index(">Hide</button>") < actions.index(">Delete</button>"), path
        assert 'class="comment-delete"' in actions, path
