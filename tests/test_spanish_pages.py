"""Spanish is complete: the main pages, walked in Spanish by an anonymous
reader and by a signed-in one, hold no English sentence."""

import re

import pytest
from helpers import signed_in_client

from site_app.models import Post

SPANISH = {"Accept-Language": "es"}
# Words of English prose that are not Spanish words; a page in Spanish
# holding one of them (outside what members wrote) holds an English phrase.
ENGLISH = set(
    """the and you your yours of is are to with this that for not have has was
were yet page pages post posts comment comments follow followers following log sign
search write read home explore drafts edit delete share like likes save profile
notifications by or it be here there what when who why how more less first last next
previous newest oldest older newer found find back account password email tag tags
ago now minute minutes hour hours day days month months year years""".split()
)
# What members wrote (titles, bodies, names) and the site's name: not the site's words.
MEMBER_TEXT = ("Inkwell", "escritora", "lectora", "Lámpara de aceite", "Una lámpara", "lampara")
VERBATIM = re.compile(r"<(script|style|pre|code)\b.*?</\1>", re.S | re.I)
READ_ATTRIBUTES = re.compile(r'\b(?:placeholder|aria-label|title|alt|data-confirm)="([^"]*)"')
TAG = re.compile(r"<[^>]*>", re.S)


def english_phrases(html):
    html = VERBATIM.sub(" ", html)
    texts = READ_ATTRIBUTES.findall(html) + TAG.sub("\n", html).splitlines()
    found = []
    for text in texts:
        for member in MEMBER_TEXT:
            text = text.replace(member, " ")
        words = set(re.findall(r"[a-z]+", text.lower()))
        if words & ENGLISH:
            found.append(" ".join(text.split()))
    return found


def test_the_check_finds_english():
    assert english_phrases("<p>Hola</p><p>Log in to comment</p>") == ["Log in to comment"]
    assert english_phrases('<input placeholder="Buscar artículos">') == []


@pytest.fixture
def site(make_user):
    writer = make_user("escritora")
    reader = make_user("lectora")
    reader.follow(writer)
    post = Post.publish(writer, "Lámpara de aceite", "Una lámpara **antigua**", "lampara")
    post.add_comment(reader, "Una lámpara preciosa")
    return post, writer, reader


def spanish_page(client, path, status=200):
    response = client.get(path, headers=SPANISH)
    assert response.status_code == status, path
    html = response.get_data(as_text=True)
    assert '<html lang="es" dir="ltr"' in html
    return html


ANONYMOUS_PAGES = [
    "/",
    "/post/{post}",
    "/user/escritora",
    "/auth/login",
    "/auth/register",
    "/search?q=lampara",
    "/search?q=nada",
    "/explore",
    "/tag/lampara",
    "/followers/escritora",
]


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_anonymous_pages_in_spanish_hold_no_english(client, site, path):
    html = spanish_page(client, path.format(post=site[0].id))
    assert english_phrases(html) == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/followed",
        "/post/{post}",
        "/user/lectora",
        "/write",
        "/notifications",
        "/drafts",
        "/edit-profile",
        "/explore",
        "/settings/blocked",
        "/auth/change-password",
    ],
)
def test_signed_in_pages_in_spanish_hold_no_english(app, site, path):
    client = signed_in_client(app, site[1])
    html = spanish_page(client, path.format(post=site[0].id))
    assert english_phrases(html) == []


def test_an_error_page_in_spanish_holds_no_english(client, site):
    html = spanish_page(client, "/user/nadie", status=404)
    assert "Página no encontrada" in html
    assert english_phrases(html) == []


def test_a_json_error_message_is_in_spanish(client):
    response = client.get("/user/nadie", headers={**SPANISH, "Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["message"] == "No hemos encontrado lo que buscabas."
    response = client.get("/api/v1/posts/", headers=SPANISH)
    assert response.status_code == 401
    assert response.get_json()["message"] == (
        "Envía tu correo y contraseña, o un token, con autenticación HTTP Basic."
    )


def test_counts_and_dates_are_written_in_spanish(client, site):
    html = spanish_page(client, f"/post/{site[0].id}")
    assert "1 comentario" in html and "0 me gusta" in html
    year = site[0].timestamp.year
    assert re.search(rf"\d+ de [a-z]+ de {year}</time>", html)
    assert "hace " in html or ">ahora<" in html


def test_the_admin_s_own_words_are_in_spanish(app, make_user):
    client = signed_in_client(app, make_user("jefa", role="Administrator"))
    menu = client.get("/admin/", headers=SPANISH).get_data(as_text=True)
    assert "Registro de auditoría" in menu and "Tareas fallidas" in menu
    users = client.get("/admin/admin_users/", headers=SPANISH).get_data(as_text=True)
    assert "Marcar como confirmadas" in users and "Última visita" in users
