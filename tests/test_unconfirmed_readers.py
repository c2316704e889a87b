"""An unconfirmed reader is told, where the buttons would be, what to do
before liking or bookmarking, instead of buttons that lead to a refusal."""

from site_app.models import Post


def test_an_unconfirmed_reader_sees_what_to_do_instead_of_like_and_bookmark(client, make_user, auth):
    post = Post.publish(make_user("wendy"), "Lanterns", "Body")
    auth.login_as(make_user("newbie", confirmed=False))
    for path in ["/", f"/post/{post.id}", "/user/wendy"]:
        page = client.get(path).text
        assert "like-form" not in page and f'action="/bookmark/{post.id}"' not in page, path
        assert (
            '<a href="/auth/unconfirmed">Confirm your email address</a> to like and bookmark posts.'
        ) in page, path
    # Follow buttons too would only lead to that refusal.
    assert 'action="/follow/wendy"' not in client.get(f"/post/{post.id}").text
    assert 'action="/follow/wendy"' not in client.get("/user/wendy").text
    # Where the link leads: the page that sends a new confirmation link.
    assert 'action="/auth/confirm"' in client.get("/auth/unconfirmed").text


def test_a_confirmed_reader_keeps_the_buttons(client, make_user, auth):
    post = Post.publish(make_user("wendy"), "Lanterns", "Body")
    auth.login_as(make_user("rita"))
    page = client.get(f"/post/{post.id}").text
    assert "like-form" in page and f'action="/bookmark/{post.id}"' in page
    assert "to like and bookmark posts" not in page
