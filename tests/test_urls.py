"""Every internal link is built with ``url_for``, so moving a route moves
every link to it, and a typo is an error at render time instead of a 404."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# An attribute whose value starts with one slash: a path on this site written
# by hand ("//host" would be another site, and "{{ url_for(...) }}" is fine).
HAND_WRITTEN_PATH = re.compile(r"""\b(href|action|src|formaction|data-[\w-]*url)\s*=\s*["']/(?!/)""")
# A path literal handed to redirect() or returned as a URL from Python.
HAND_WRITTEN_REDIRECT = re.compile(r"""(redirect\(\s*f?["']/|return\s+f["']/)""")


def _hits(pattern, paths):
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]


def test_templates_build_internal_links_with_url_for():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert templates
    assert _hits(HAND_WRITTEN_PATH, templates) == []


def test_views_redirect_with_url_for():
    modules = sorted((ROOT / "site_app").rglob("*.py"))
    assert _hits(HAND_WRITTEN_REDIRECT, modules) == []


def test_the_guard_sees_a_hand_written_path(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<a class="x" href="/user/ann">ann</a>\n<a href="//cdn.example/x">cdn</a>\n')
    assert len(HAND_WRITTEN_PATH.findall(page.read_text())) == 1
