"""Bare addresses in posts, comments and bios become links; bios are
limited Markdown; excerpts leave code blocks out."""

import re

from site_app.markup import excerpt, render_markdown
from site_app.models import Post


def post_id_from(response):
    return re.search(r"/post/([0-9a-f]{24})", response.headers["Location"]).group(1)


def test_a_bare_address_in_a_post_or_comment_is_a_link(app, client, auth, make_user):
    auth.login_as(make_user("wendy"))
    response = client.post(
        "/write",
        data={"title": "Links", "body": "Read https://example.com/tides?x=1&y=2, or www.python.org."},
    )
    post_id = post_id_from(response)
    page = client.get(f"/post/{post_id}").text
    assert (
        '<a href="https://example.com/tides?x=1&amp;y=2" rel="noopener nofollow ugc">'
        "https://example.com/tides?x=1&amp;y=2</a>,"
    ) in page
    assert '<a href="http://www.python.org" rel="noopener nofollow ugc">www.python.org</a>.' in page

    client.post(f"/post/{post_id}", data={"body": "Also see https://example.org/more"})
    page = client.get(f"/post/{post_id}").text
    assert '<a href="https://example.org/more" rel="noopener nofollow ugc">' in page


def test_an_address_with_an_at_sign_is_one_link_not_a_mention(app, make_user, app_context):
    make_user("ana")
    html = render_markdown("See https://mastodon.social/@ana and @ana", {"ana": "/user/ana"})
    assert '<a href="https://mastodon.social/@ana" rel="noopener nofollow ugc">' in html
    assert html.count('href="/user/ana"') == 1


def test_code_and_unsafe_addresses_stay_text():
    html = render_markdown("`https://in.code` and javascript:alert(1)")
    assert "<code>https://in.code</code>" in html and "javascript" not in re.sub(r">[^<]*<", "><", html)


def test_a_bio_is_limited_markdown_with_links(app, client, auth, make_user):
    auth.login_as(make_user("ann"))
    about = (
        "I write about *tides*: https://tides.example\n\n# Not a heading\n\n"
        "![no](https://img.example/x.png) <script>alert(1)</script>"
    )
    assert client.post("/edit-profile", data={"about_me": about}).status_code == 302
    page = client.get("/user/ann").text
    assert "<em>tides</em>" in page
    assert '<a href="https://tides.example" rel="noopener nofollow ugc">https://tides.example</a>' in page
    profile = page[page.index('class="profile-about') :]
    profile = profile[: profile.index("</div>")]
    assert "<h1" not in profile and "<img" not in profile and "<script" not in profile


def test_an_excerpt_leaves_code_blocks_out(app, client, auth, make_user):
    html = render_markdown(
        "Before the code.\n\n```python\ndef tide():\n    return 6\n```\n\nAfter the `tide` call."
    )
    assert excerpt(html) == "Before the code. After the tide call."
    auth.login_as(make_user("wendy"))
    client.post("/write", data={"title": "Code", "body": "Intro.\n\n```\nrm -rf /\n```\n"})
    with app.app_context():
        assert Post.objects.first().excerpt == "Intro."
