"""Every string a person reads is marked for translation, and the catalogs
under site_app/translations/ hold every marked string (``make
translations`` refreshes them)."""

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
TRANSLATIONS = ROOT / "site_app" / "translations"
LANGUAGES = ("es", "ar")

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
# Contents no reader reads as the site's words: code, scripts, styles.
VERBATIM = re.compile(r"<(script|style|pre|code)\b.*?</\1>", re.S | re.I)
READ_ATTRIBUTES = re.compile(r'\b(placeholder|aria-label|title|alt|data-confirm|label)="([^"]*)"', re.I)
TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&#?\w+;")
WORD = re.compile(r"[A-Za-z]{2,}")


def unmarked_text(source, html=True):
    """The words of ``source`` a reader sees that no ``_()`` wraps."""
    text = JINJA.sub(" ", source)
    found = []
    if html:
        text = VERBATIM.sub(" ", text)
        for tag in TAG.findall(text):
            found += [value for _, value in READ_ATTRIBUTES.findall(tag)]
        text = TAG.sub("\n", text)
    found += text.splitlines()
    return [" ".join(piece.split()) for piece in found if WORD.search(ENTITY.sub(" ", piece))]


def test_the_check_finds_an_unmarked_sentence():
    assert unmarked_text('<p class="x">{{ _("Marked") }} Not marked</p>') == ["Not marked"]
    assert unmarked_text('<input placeholder="Search posts">') == ["Search posts"]
    assert unmarked_text('<p>{{ _("Fine") }} &middot; {{ count }}</p>') == []
    assert unmarked_text("Dear {{ name }},", html=False) == ["Dear ,"]


@pytest.mark.parametrize(
    "path",
    sorted(
        p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt")
    ),
)
def test_no_template_holds_an_unmarked_english_sentence(path):
    source = (TEMPLATES / path).read_text()
    assert unmarked_text(source, html=path.endswith(".html")) == [], (
        f"templates/{path}: wrap these in {{{{ _('...') }}}} (or ngettext), then `make translations`"
    )


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The message ids the sources hold now, extracted as `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def catalog(language):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalog_holds_every_marked_string(extracted, language):
    held = {message.id for message in catalog(language) if message.id}
    missing = sorted(map(str, extracted - held))
    assert not missing, f"{language}: run `make translations` (then translate): {missing[:10]}"
    obsolete = sorted(map(str, held - extracted))
    assert not obsolete, f"{language}: strings no source uses any more: {obsolete[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalog_matches_its_source(language):
    compiled = io.BytesIO()
    write_mo(compiled, catalog(language))  # as `pybabel compile` writes it
    committed = (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert committed == compiled.getvalue(), f"{language}: run `make translations` to compile it"
