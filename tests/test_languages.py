"""The reader's language (site_app/i18n.py): chosen in the footer (stored in
the profile when signed in), else ``?lang=``, else Accept-Language, else
DEFAULT_LOCALE; ``<html lang dir>`` follows it and the page cache keeps one
page per language."""

import re

import pytest
from helpers import signed_in_client

from site_app.models import User

SPANISH = {"Accept-Language": "es-ES,es;q=0.9"}


def html_tag(response):
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


def test_a_browser_asking_for_spanish_gets_spanish(client):
    response = client.get("/", headers=SPANISH)
    assert response.status_code == 200
    assert 'lang="es" dir="ltr"' in html_tag(response)
    assert "Cambiar idioma" in response.get_data(as_text=True)


def test_a_language_the_site_lacks_falls_back_to_the_default(client):
    response = client.get("/", headers={"Accept-Language": "fi"})
    assert 'lang="en" dir="ltr"' in html_tag(response)


@pytest.mark.app_config(DEFAULT_LOCALE="es")
def test_default_locale_is_the_language_of_readers_who_ask_for_none(client):
    assert 'lang="es"' in html_tag(client.get("/"))


def test_the_address_overrides_the_browser(client):
    response = client.get("/?lang=es", headers={"Accept-Language": "en"})
    assert 'lang="es"' in html_tag(response)
    # An unknown language in the address is ignored, never an error.
    response = client.get("/?lang=xx", headers=SPANISH)
    assert response.status_code == 200 and 'lang="es"' in html_tag(response)


def test_arabic_pages_are_right_to_left(client):
    assert 'lang="ar" dir="rtl"' in html_tag(client.get("/?lang=ar"))


def test_the_anonymous_picker_is_a_get_form_that_writes_no_cookie(client):
    body = client.get("/user/nobody", headers=SPANISH).get_data(as_text=True)
    page = client.get("/", headers=SPANISH)
    form = re.search(r'<form class="language-picker[^>]*>', page.get_data(as_text=True)).group(0)
    assert 'method="get"' in form and 'action="/"' in form
    assert "Set-Cookie" not in page.headers
    assert body  # the 404 page carries the picker too
    assert "language-picker" in body


def test_a_signed_in_reader_s_choice_is_stored_and_followed(app, make_user):
    user = make_user("reader")
    client = signed_in_client(app, user)
    page = client.get("/").get_data(as_text=True)
    assert 'action="/language"' in page and 'name="csrf_token"' in page
    response = client.post("/language", data={"lang": "es", "next": "/explore?lang=ar&x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/explore?x=1"
    assert User.objects.get(id=user.id).locale == "es"
    # The stored choice wins over the browser's language.
    assert 'lang="es"' in html_tag(client.get("/", headers={"Accept-Language": "ar"}))


def test_an_anonymous_post_to_the_picker_goes_back_with_the_language_in_the_address(client):
    response = client.post("/language", data={"lang": "ar", "next": "/explore"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/explore?lang=ar"


def test_an_unknown_language_is_refused_clearly(app, make_user):
    user = make_user("reader")
    client = signed_in_client(app, user)
    response = client.post("/language", data={"lang": "klingon"})
    assert response.status_code == 400
    assert "Choose one of the languages offered." in response.get_data(as_text=True)
    assert User.objects.get(id=user.id).locale is None


def test_the_picker_never_redirects_off_the_site(client):
    response = client.post("/language", data={"lang": "es", "next": "//evil.example/x"})
    assert response.headers["Location"] == "/?lang=es"


@pytest.mark.app_config(CACHE_TYPE="SimpleCache")
def test_a_cached_page_in_one_language_is_never_served_in_another(app):
    reader = app.test_client()
    spanish = reader.get("/", headers=SPANISH)
    assert spanish.headers["X-Page-Cache"] == "miss"
    assert "Accept-Language" in spanish.headers["Vary"]
    english = reader.get("/", headers={"Accept-Language": "en"})
    assert english.headers["X-Page-Cache"] == "miss"
    assert 'lang="en"' in html_tag(english) and "Change language" in english.get_data(as_text=True)
    again = reader.get("/", headers={"Accept-Language": "es-MX"})
    assert again.headers["X-Page-Cache"] == "hit"
    assert 'lang="es"' in html_tag(again) and "Cambiar idioma" in again.get_data(as_text=True)
    arabic = reader.get("/?lang=ar", headers=SPANISH)
    assert arabic.headers["X-Page-Cache"] == "miss" and 'lang="ar"' in html_tag(arabic)
    assert reader.get("/?lang=ar").headers["X-Page-Cache"] == "hit"


def test_an_email_is_written_in_the_language_its_recipient_chose(client, make_user, outbox):
    user = make_user("reader")
    User.objects(id=user.id).update_one(set__locale="es")
    # Asked from an English page: the mail still follows the recipient's choice.
    response = client.post("/auth/reset", data={"email": user.email}, headers={"Accept-Language": "en"})
    assert response.status_code == 302
    [message] = outbox
    assert message.subject.endswith("Restablece tu contraseña")
    assert message.body.startswith("Hola, reader:")
    assert "Para elegir una contraseña nueva, abre este enlace:" in message.body
    assert "Las respuestas a este correo no se leen." in message.html
