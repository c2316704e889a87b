"""Readers like posts: one like per reader and post whatever the clicks, an
exact count on every page, JSON for the page's script, the API, and the
community signals the notifications listen to."""

import re
import threading

import pytest
from helpers import signed_in_client

from site_app.models import Like, Post, User
from site_app.models.signals import content_changed, post_liked

JSON = {"Accept": "application/json"}


@pytest.fixture
def post(make_user):
    return Post.publish(make_user("wendy"), "Lanterns", "About *lanterns*", "light")


def like_count(post):
    return Post.objects(id=post.id).only("like_count").first().like_count


def test_a_reader_likes_a_post_and_takes_it_back(client, auth, make_user, post):
    rita = make_user("rita")
    auth.login_as(rita)
    response = client.post(f"/post/{post.id}/like")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/post/{post.id}"
    page = client.get(f"/post/{post.id}").text
    assert "1 like<" in page and ">Unlike<" in page
    client.post(f"/post/{post.id}/like")
    page = client.get(f"/post/{post.id}").text
    assert "0 likes" in page and ">Like<" in page
    assert like_count(post) == 0 and Like.objects.count() == 0


def test_the_like_answers_json_when_asked(client, auth, make_user, post):
    auth.login_as(make_user("rita"))
    response = client.post(f"/post/{post.id}/like", headers=JSON)
    assert response.status_code == 200
    assert response.get_json() == {"liked": True, "likes": 1, "likes_text": "1 like", "button": "Unlike"}
    assert client.post(f"/post/{post.id}/like", headers=JSON).get_json() == {
        "liked": False,
        "likes": 0,
        "likes_text": "0 likes",
        "button": "Like",
    }


def test_the_like_s_words_come_in_the_reader_s_language(client, auth, make_user, post):
    auth.login_as(make_user("rita"))
    response = client.post(f"/post/{post.id}/like", headers={**JSON, "Accept-Language": "es"})
    assert response.get_json() == {
        "liked": True,
        "likes": 1,
        "likes_text": "1 me gusta",
        "button": "Ya no me gusta",
    }


def test_the_like_goes_back_to_a_local_page_only(client, auth, make_user, post):
    auth.login_as(make_user("rita"))
    back = client.post(f"/post/{post.id}/like", data={"next": "/tag/light?page=1"})
    assert back.headers["Location"] == "/tag/light?page=1"
    elsewhere = client.post(f"/post/{post.id}/like", data={"next": "//evil.example/"})
    assert elsewhere.headers["Location"] == f"/post/{post.id}"


def test_liking_needs_a_confirmed_account(client, auth, make_user, post):
    anonymous = client.post(f"/post/{post.id}/like")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    refused = client.post(f"/post/{post.id}/like", headers=JSON)
    assert refused.status_code == 401 and refused.get_json()["error"] == "unauthorized"
    auth.login_as(make_user("newbie", confirmed=False))
    unconfirmed = client.post(f"/post/{post.id}/like")
    assert unconfirmed.headers["Location"] == "/auth/unconfirmed"
    # The script is told why in JSON, then submits the form, and the
    # browser lands on /auth/unconfirmed.
    refused = client.post(f"/post/{post.id}/like", headers=JSON)
    assert refused.status_code == 403
    assert refused.get_json()["message"] == "Confirm your email address first."
    assert like_count(post) == 0


def test_the_like_button_carries_its_csrf_token_and_needs_it(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        writer = User(email="w@example.com", username="w", confirmed=True).save()
        reader = User(email="r@example.com", username="r", confirmed=True).save()
        post = Post.publish(writer, "Tides", "Body")
    client = signed_in_client(app, reader)
    refused = client.post(f"/post/{post.id}/like", headers=JSON)
    assert refused.status_code == 400 and refused.get_json()["error"] == "bad request"
    page = client.get(f"/post/{post.id}").get_data(as_text=True)
    form = page.split('class="like-form"')[1]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    liked = client.post(f"/post/{post.id}/like", data={"csrf_token": token}, headers=JSON)
    assert liked.get_json()["liked"] is True and liked.get_json()["likes"] == 1


def test_liking_is_a_post_and_a_missing_post_is_404(client, auth, make_user, post):
    auth.login_as(make_user("rita"))
    assert client.get(f"/post/{post.id}/like").status_code == 405
    assert client.post("/post/0123456789abcdef01234567/like").status_code == 404
    assert client.post("/post/0123456789abcdef01234567/like", headers=JSON).get_json()["error"] == "not found"


def test_every_card_shows_the_count_and_the_readers_own_likes(client, auth, make_user, post):
    other = Post.publish(post.author, "Candles", "About candles", "light")
    rita, sam = make_user("rita"), make_user("sam")
    Like.add(post, rita)
    Like.add(post, sam)
    Like.add(other, sam)
    auth.login_as(rita)
    for path in ("/", "/tag/light", "/user/wendy", "/search?q=lanterns"):
        page = client.get(path).text
        assert "2 likes" in page, path
    home = client.get("/").text
    # rita liked Lanterns, not Candles.
    candles, lanterns = home.split("Candles")[1].split("Lanterns")
    assert ">Like<" in candles and ">Unlike<" in lanterns
    auth.logout()
    anonymous = client.get("/").text
    assert "2 likes" in anonymous and "1 like<" in anonymous and "like-form" not in anonymous


def test_concurrent_clicks_of_one_reader_keep_one_like_and_an_exact_count(app, make_user, post):
    """Twenty threads, one reader, the same button: whatever the order, the
    count equals the number of likes stored, and that is zero or one."""
    rita = make_user("rita")
    barrier = threading.Barrier(20)
    answers = []

    def click():
        client = signed_in_client(app, rita)
        barrier.wait(timeout=10)
        answers.append(client.post(f"/post/{post.id}/like", headers=JSON).status_code)

    threads = [threading.Thread(target=click) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [200] * 20
    stored = Like.objects(post=post.id).count()
    assert stored in (0, 1)  # twenty toggles from one reader: either end is right
    assert like_count(post) == stored


def test_many_readers_liking_at_once_are_all_counted(app, make_user, post):
    readers = [make_user(f"fan{n}") for n in range(12)]
    barrier = threading.Barrier(len(readers) * 2)

    def like(user):
        with app.app_context():
            barrier.wait(timeout=10)
            Like.add(Post.by_id(post.id), User.objects(id=user.id).first())

    # Each reader likes twice at the same moment: still one like each.
    threads = [threading.Thread(target=like, args=(user,)) for user in readers for _ in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Like.objects(post=post.id).count() == 12
    assert like_count(post) == 12


def test_a_like_announces_itself(client, auth, make_user, post):
    liked, changed = [], []

    def on_like(sender, **kwargs):
        liked.append(kwargs)

    def on_change(sender, **kwargs):
        changed.append(kwargs)

    rita = make_user("rita")
    post_liked.connect(on_like)
    content_changed.connect(on_change)
    try:
        auth.login_as(rita)
        client.post(f"/post/{post.id}/like")
        client.post(f"/post/{post.id}/like")
    finally:
        post_liked.disconnect(on_like)
        content_changed.disconnect(on_change)
    assert liked == [{"post": post.id, "user": rita.id, "author": post.author_id}]
    assert [c for c in changed if c == {"post": post.id}] == [{"post": post.id}] * 2


def test_a_deleted_post_takes_its_likes(client, auth, make_user, post):
    Like.add(post, make_user("rita"))
    auth.login_as(post.author)
    client.post(f"/delete/{post.id}")
    assert Like.objects.count() == 0


def test_a_deleted_account_takes_its_likes_and_the_counts_stay_exact(make_user, post):
    other = Post.publish(post.author, "Candles", "About candles")
    rita, sam = make_user("rita"), make_user("sam")
    for liker in (rita, sam):
        Like.add(post, liker)
    Like.add(other, rita)
    rita.delete()
    assert like_count(post) == 1 and like_count(other) == 0
    assert Like.objects(user=rita.id).count() == 0 and Like.objects(user=sam.id).count() == 1
    User.objects(id=sam.id).delete()  # a bulk deletion is followed too
    assert like_count(post) == 0 and Like.objects.count() == 0


# -- the API -------------------------------------------------------------------
def test_the_api_likes_and_unlikes_idempotently(client, make_user, api_headers, post):
    rita = make_user("rita")
    headers = api_headers(rita.email, "correct horse battery")
    url = f"/api/v1/posts/{post.id}/like"
    for _ in range(2):
        answer = client.put(url, headers=headers)
        assert answer.status_code == 200
        assert (answer.get_json()["liked"], answer.get_json()["like_count"]) == (True, 1)
    shown = client.get(f"/api/v1/posts/{post.id}", headers=headers).get_json()
    assert (shown["liked"], shown["like_count"]) == (True, 1)
    listed = client.get("/api/v1/posts/", headers=headers).get_json()["posts"][0]
    assert (listed["liked"], listed["like_count"]) == (True, 1)
    for _ in range(2):
        answer = client.delete(url, headers=headers)
        assert (answer.get_json()["liked"], answer.get_json()["like_count"]) == (False, 0)


def test_the_api_refuses_likes_of_missing_posts_and_without_credentials(client, make_user, api_headers):
    rita = make_user("rita")
    missing = "/api/v1/posts/0123456789abcdef01234567/like"
    assert client.put(missing, headers=api_headers(rita.email, "correct horse battery")).status_code == 404
    assert client.put(missing).status_code == 401
