"""A post's language (``lang``): set on the write and edit pages and in the
API, said by the article (``lang``, ``dir``), its card and the Atom feeds."""

import re
from xml.etree import ElementTree as ET

import pytest

from site_app.models import Post

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture
def writer(make_user):
    return make_user("writer")


def test_a_post_written_in_spanish_says_so(auth, client, writer):
    auth.login_as(writer)
    page = client.get("/write").get_data(as_text=True)
    assert '<select class="form-select" id="lang" name="lang">' in page
    response = client.post("/write", data={"title": "Hola", "body": "Un texto.", "tags": "", "lang": "es"})
    assert response.status_code == 302
    post = Post.objects.get(title="Hola")
    assert post.lang == "es"
    html = client.get(f"/post/{post.id}").get_data(as_text=True)
    assert re.search(r'<article class="mb-5" data-saved-post lang="es" dir="ltr">', html)
    # The site's own words inside say the page's language again.
    assert '<div class="post-after" lang="en" dir="ltr">' in html
    card = client.get("/user/writer").get_data(as_text=True)
    assert '<h2 class="h5 mb-1 post-card-title" lang="es" dir="ltr">' in card


def test_an_arabic_post_runs_right_to_left_on_an_english_page(auth, client, writer):
    post = Post.publish(writer, "مرحبا", "نص قصير", "", details={"lang": "ar"})
    html = client.get(f"/post/{post.id}").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html and '<html lang="en" dir="ltr"' in html


def test_the_edit_page_changes_and_clears_it(auth, client, writer):
    post = Post.publish(writer, "Hello", "Some text.", "", details={"lang": "fr"})
    auth.login_as(writer)
    page = client.get(f"/edit/{post.id}").get_data(as_text=True)
    assert '<option selected value="fr">' in page
    data = {"title": "Hello", "body": "Some text.", "tags": "", "lang": ""}
    assert client.post(f"/edit/{post.id}", data=data).status_code == 302
    assert Post.objects.get(id=post.id).lang is None


def test_an_unknown_language_is_refused_on_the_form(auth, client, writer):
    auth.login_as(writer)
    response = client.post("/write", data={"title": "X", "body": "Y", "tags": "", "lang": "xx"})
    assert response.status_code == 400
    assert Post.objects.count() == 0


def test_the_api_sets_shows_and_refuses_it(client, writer, api_headers):
    headers = api_headers(writer.email, "correct horse battery")
    response = client.post("/api/v1/posts/", json={"title": "T", "body": "B", "lang": "de"}, headers=headers)
    assert response.status_code == 201
    assert response.get_json()["lang"] == "de"
    bad = client.post("/api/v1/posts/", json={"title": "T", "body": "B", "lang": "klingon"}, headers=headers)
    assert bad.status_code == 400
    assert "'lang' must be one of" in bad.get_json()["message"]
    assert Post.objects.count() == 1


def test_the_atom_feeds_say_the_languages(client, writer):
    Post.publish(writer, "Bonjour", "Du texte.", "", details={"lang": "fr"})
    Post.publish(writer, "Plain", "No language said.", "")
    for path in ("/feed.atom", "/user/writer/feed.atom"):
        feed = ET.fromstring(client.get(path).data)
        assert feed.get(XML_LANG) == "en"
        entries = {
            entry.findtext("{http://www.w3.org/2005/Atom}title"): entry.get(XML_LANG)
            for entry in feed.iter("{http://www.w3.org/2005/Atom}entry")
        }
        assert entries == {"Bonjour": "fr", "Plain": None}
