"""The reader's language: which one a page is written in, and its direction.

``select_locale`` is Flask-Babel's locale selector. In order:

1. the signed-in reader's stored choice (``User.locale``, set by the footer
   picker, ``POST /language``);
2. ``?lang=xx`` in the address: an anonymous reader's explicit choice. In
   the URL rather than in a cookie, so that choosing a language creates no
   session or cookie: the page stays in the shared page cache (one address,
   one language) and a shared link opens in the language it was sent in;
3. the browser's ``Accept-Language``, matched against the catalogs;
4. ``DEFAULT_LOCALE``.

The page cache keys anonymous pages by the locale chosen here and answers
``Vary: Accept-Language`` (page_cache.py), so a page rendered in one
language is never served in another.
"""

from babel import Locale
from flask import current_app, g, has_request_context, request
from flask_babel import Babel, format_date, format_number, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields import SelectChoice

from .models.details import POST_LANGUAGES

# The languages with a catalog under site_app/translations/, in their own words.
LANGUAGES = {"en": "English", "es": "Español", "ar": "العربية"}
RIGHT_TO_LEFT = {"ar"}

babel = Babel()


def supported(code):
    """``code`` when the site has that language, else ``None``."""
    return code if isinstance(code, str) and code in LANGUAGES else None


def select_locale():
    if not has_request_context():
        return current_app.config["DEFAULT_LOCALE"]
    stored = _stored_choice()
    if stored:
        return stored
    return (
        supported(request.args.get("lang"))
        or request.accept_languages.best_match(list(LANGUAGES))
        or current_app.config["DEFAULT_LOCALE"]
    )


def _stored_choice():
    # Without a session cookie there is no signed-in reader: the anonymous
    # path never loads the user (or touches the session) just to ask.
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None
    if "user_locale" not in g:
        user = current_user
        g.user_locale = supported(getattr(user, "locale", None)) if user.is_authenticated else None
    return g.user_locale


def page_language():
    """``(code, direction)`` for ``<html lang dir>``."""
    code = str(get_locale() or current_app.config["DEFAULT_LOCALE"])
    language = code.split("_")[0]
    return code.replace("_", "-"), ("rtl" if language in RIGHT_TO_LEFT else "ltr")


def text_direction(code):
    """``"rtl"`` or ``"ltr"``: how text in the language ``code`` runs."""
    if not code:
        return "ltr"
    return "rtl" if Locale.parse(code.replace("-", "_")).character_order == "right-to-left" else "ltr"


def language_attributes(code, guess=False):
    """`` lang="…" dir="…"`` for an element in the language ``code``, as
    templates write it: ``{{ post.lang|language_attributes }}``. When ``code``
    is empty, nothing, or with ``guess`` `` dir="auto"``: a writer's own words
    in a language no one named take their direction from their first letters,
    so an English excerpt on an Arabic page keeps its full stop on the right."""
    if not code:
        return Markup(' dir="auto"' if guess else "")
    return Markup(' lang="{}" dir="{}"').format(code, text_direction(code))


def post_language_choices():
    """The post form's languages, named in the reader's own language."""
    reader = get_locale()
    named = sorted(
        ((code, Locale.parse(code).get_display_name(reader).capitalize()) for code in POST_LANGUAGES),
        key=lambda choice: choice[1],
    )
    return [SelectChoice("", _("Not said"))] + [SelectChoice(code, name) for code, name in named]


def init_app(app):
    app.config.setdefault("DEFAULT_LOCALE", "en")
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["language_attributes"] = language_attributes
    # Dates and numbers as the reader's language writes them (Babel's CLDR
    # patterns: "d MMM y" is "5 Dec 2026" in English, "5 dic 2026" in Spanish).
    app.jinja_env.filters["local_date"] = format_date
    app.jinja_env.filters["local_number"] = format_number

    @app.context_processor
    def language_of_the_page():
        code, direction = page_language()
        return {"page_lang": code, "page_dir": direction, "languages": LANGUAGES}
