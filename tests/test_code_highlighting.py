"""Fenced code blocks in posts are highlighted on the server by Pygments, as
classes the sanitiser keeps and a static stylesheet colours (no inline
styles under the CSP)."""

import re
from pathlib import Path

from site_app.markup import code_stylesheet, render_markdown

ROOT = Path(__file__).resolve().parent.parent
CODE = "```python\ndef greet(name):\n    return f'hi {name}'  # friendly\n```"


def test_a_fenced_block_is_highlighted_with_classes_not_styles():
    html = render_markdown(CODE)
    assert '<div class="codehilite"><pre>' in html
    assert '<span class="k">def</span>' in html and '<span class="nf">greet</span>' in html
    assert '<span class="c1"># friendly</span>' in html
    assert "style=" not in html


def test_a_block_without_a_language_is_left_plain():
    html = render_markdown("```\nplain <b>text</b>\n```")
    assert "&lt;b&gt;" in html and '<span class="' not in html


def test_the_sanitiser_keeps_token_classes_and_nothing_more():
    html = render_markdown(
        '<span class="k evil" style="color:red" onclick="x()">a</span>'
        '<div class="codehilite alert">b</div><code class="language-c++ x">c</code>'
    )
    assert '<span class="k">a</span>' in html
    assert '<div class="codehilite">b</div>' in html
    assert '<code class="language-c++">c</code>' in html
    assert "evil" not in html and "style" not in html and "onclick" not in html
    assert "alert" not in html


def test_the_stylesheet_is_the_generated_one_with_a_dark_variant():
    committed = (ROOT / "static/css/code.css").read_text(encoding="utf-8")
    assert committed == code_stylesheet(), "run scripts/build_code_css.py"
    assert re.search(r"^\.codehilite \.k \{", committed, re.M)
    assert re.search(r'^\[data-bs-theme="dark"\] \.codehilite \.k \{', committed, re.M)


def test_a_post_page_shows_highlighted_code_and_links_the_stylesheet(app, client, make_user):
    from site_app.models import Post

    writer = make_user("wendy")
    with app.app_context():
        post = Post.publish(writer, "Code", CODE)
    page = client.get(f"/post/{post.id}").get_data(as_text=True)
    assert '<span class="nf">greet</span>' in page
    stylesheet = re.search(r'href="(/static/css/code\.[0-9a-f]{12}\.css)"', page).group(1)
    assert client.get(stylesheet).status_code == 200
