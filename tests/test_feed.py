"""Feed readers subscribe to /feed.atom."""

from datetime import timedelta
from xml.etree import ElementTree as ET

from site_app.models import Post

NS = {"a": "http://www.w3.org/2005/Atom"}


def test_feed_is_valid_atom_with_the_newest_twenty_posts(client, make_user):
    author = make_user("ann")
    posts = [Post.publish(author, f"Post {n}", f"Body **{n}** ![pic](/files/abc)", "t") for n in range(25)]
    for n, post in enumerate(posts):  # distinct, increasing times
        post.update(set__timestamp=post.timestamp + timedelta(minutes=n))
    response = client.get("/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert response.data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    feed = ET.fromstring(response.data)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.find("a:id", NS).text == "http://127.0.0.1:5000/"
    assert feed.find("a:title", NS).text
    assert feed.find("a:updated", NS).text.endswith("Z")
    assert feed.find("a:link[@rel='self']", NS).get("href") == "http://127.0.0.1:5000/feed.atom"
    entries = feed.findall("a:entry", NS)
    assert [e.find("a:title", NS).text for e in entries] == [f"Post {n}" for n in range(24, 4, -1)]
    newest = entries[0]
    assert newest.find("a:id", NS).text == f"http://127.0.0.1:5000/post/{posts[24].id}"
    assert newest.find("a:link", NS).get("href") == f"http://127.0.0.1:5000/post/{posts[24].id}"
    assert newest.find("a:updated", NS).text.endswith("Z")
    assert newest.find("a:author/a:name", NS).text == "ann"
    content = newest.find("a:content", NS)
    assert content.get("type") == "html"
    assert "<strong>24</strong>" in content.text
    assert 'src="http://127.0.0.1:5000/files/abc"' in content.text  # absolute links


def test_feed_escapes_markup_in_titles_and_names(client, make_user):
    Post.publish(make_user("<b>x</b>"), "Fish & <chips>", "Body")
    response = client.get("/feed.atom")
    assert b"Fish &amp; &lt;chips&gt;" in response.data
    entry = ET.fromstring(response.data).find("a:entry", NS)
    assert entry.find("a:title", NS).text == "Fish & <chips>"
    assert entry.find("a:author/a:name", NS).text == "<b>x</b>"


def test_empty_feed_is_still_valid(client):
    feed = ET.fromstring(client.get("/feed.atom").data)
    assert feed.find("a:updated", NS).text and feed.findall("a:entry", NS) == []


def test_pages_advertise_the_feed(client):
    page = client.get("/").get_data(as_text=True)
    assert 'type="application/atom+xml"' in page and "/feed.atom" in page
