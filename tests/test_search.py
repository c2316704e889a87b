"""Readers search posts by words in the title, body or tags.

The page is exercised on the embedded backend (the word-matching fallback);
the query the real MongoDB path sends is unit-tested against a recording
collection.
"""

import re

import pytest

from site_app import search
from site_app.models import Post


@pytest.fixture
def library(make_user):
    author = make_user("ann")
    return {
        "title": Post.publish(author, "Brewing coffee at home", "A guide to beans.", "kitchen"),
        "body": Post.publish(author, "Morning routines", "I start with Coffee, then tea.", "life"),
        "tag": Post.publish(author, "Espresso machines", "Pressure and heat.", "coffee"),
        "none": Post.publish(author, "Gardening", "Tomatoes and basil.", "garden"),
    }


def test_search_finds_title_body_and_tags_best_first(client, library):
    page = client.get("/search?q=COFFEE").text
    assert "3 posts for" in page
    positions = [
        page.index(title)
        for title in ("Brewing <mark>coffee</mark> at home", "Espresso machines", "Morning routines")
    ]
    assert positions == sorted(positions)  # title beats tag beats body
    assert "Gardening" not in page


@pytest.mark.embedded_only("the embedded word-match fallback; MongoDB's $text matches stemmed words instead")
def test_any_word_matches_and_words_match_at_their_start(client, library):
    page = client.get("/search?q=tomato+routine").text
    assert "Gardening" in page and "Morning <mark>routines</mark>" in page
    assert "Brewing" not in page


def test_regex_characters_are_plain_text(client, library):
    for query in [".*", "(", "[)+?", "\\", "^$|"]:
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 200
        assert "Brewing" not in response.text


def test_empty_search_asks_for_words(client, library):
    page = client.get("/search?q=").text
    assert "Type a few words" in page and "Brewing" not in page


def test_no_match_says_so(client, library):
    assert "No posts match" in client.get("/search?q=submarine").text


def test_results_are_paginated(app, client, make_user):
    app.config["POSTS_PER_PAGE"] = 2
    author = make_user()
    for n in range(5):
        Post.publish(author, f"Note {n}", "shared word")
    assert client.get("/search?q=shared").text.count("Note ") == 2
    assert client.get("/search?q=shared&page=3").text.count("Note ") == 1
    assert client.get("/search?q=shared&page=abc").text.count("Note ") == 2


def test_search_terms_are_distinct_lower_case_words():
    assert search.search_terms("  Coffee, coffee & TEA!  ") == ["coffee", "tea"]
    assert search.search_terms("") == []
    assert len(search.search_terms(" ".join(f"w{n}" for n in range(50)))) == search.TERMS_MAX


class RecordingCollection:
    """Stands in for the posts collection of a real server."""

    def __init__(self, documents):
        self.documents = documents
        self.calls = []

    def count_documents(self, filter_):
        self.calls.append(("count_documents", filter_))
        return len(self.documents)

    def find(self, filter_, projection):
        self.calls.append(("find", filter_, projection))
        return self

    def sort(self, sort):
        self.calls.append(("sort", sort))
        return self

    def skip(self, n):
        self.calls.append(("skip", n))
        return self

    def limit(self, n):
        self.calls.append(("limit", n))
        return iter(self.documents[:n])


def test_real_mongodb_path_sends_a_text_query_sorted_by_score(app, make_user, monkeypatch):
    author = make_user()
    stored = Post.publish(author, "Coffee", "Beans")
    document = stored.to_mongo().to_dict()
    document["score"] = 1.5
    collection = RecordingCollection([document])
    monkeypatch.setattr(search, "supports_text_search", lambda app: True)
    monkeypatch.setattr(Post, "_get_collection", classmethod(lambda cls: collection))

    page = search.search_posts("Coffee  beans", 1, 20)

    # Published posts only, as on every list.
    expected_filter = {"$text": {"$search": "coffee beans"}, "draft": {"$in": [False, None]}}
    assert collection.calls == [
        ("count_documents", expected_filter),
        ("find", expected_filter, {"score": {"$meta": "textScore"}, "comments": 0}),
        ("sort", [("score", {"$meta": "textScore"}), ("timestamp", -1), ("_id", -1)]),
        ("skip", 0),
        ("limit", 20),
    ]
    assert [p.title for p in page.items] == ["Coffee"] and page.total == 1
    assert page.items[0].author.username == author.username


def test_text_index_declares_the_weights_the_fallback_uses():
    index = next(i for i in Post._meta["indexes"] if isinstance(i, dict) and i.get("name") == "post_text")
    assert index["weights"] == search.WEIGHTS


def test_matched_words_are_highlighted_and_markup_stays_text(client, make_user):
    author = make_user("ann")
    Post.publish(author, "Coffee <b>& cake", "Coffeehouses serve coffee.", "kitchen")
    page = client.get("/search?q=coffee").text
    assert "<mark>Coffee</mark> &lt;b&gt;&amp; cake" in page
    # A word that starts with the term is marked whole; the excerpt too.
    assert "<mark>Coffeehouses</mark> serve <mark>coffee</mark>." in page
    assert "<b>&" not in page


def test_a_term_never_matches_inside_an_escaped_entity(app_context):
    from site_app.search import highlight

    assert str(highlight("Tom & Jerry", ["amp"])) == "Tom &amp; Jerry"
    assert str(highlight("<script>", ["script"])) == "&lt;<mark>script</mark>&gt;"


# -- people and tags -----------------------------------------------------------
def section(page, heading_id):
    """The HTML of one results section (people, tags, posts), or ''."""
    start = page.find(f'id="{heading_id}"')
    return "" if start < 0 else page[start : page.find("</section>", start)]


def test_search_finds_people_by_username_and_by_name(client, make_user):
    destiny = make_user("destiny_kelly", name="Destiny Kelly")
    make_user("marta", name="Marta Kelly")
    make_user("kellogg")
    for n in range(3):
        Post.publish(destiny, f"Field notes {n}", "Rivers and stones.")
    people = section(client.get("/search?q=destiny").text, "search-people")
    assert 'href="/user/destiny_kelly"' in people and "marta" not in people
    by_name = section(client.get("/search?q=Kelly").text, "search-people")
    assert 'href="/user/marta"' in by_name and 'href="/user/destiny_kelly"' in by_name
    assert 'href="/user/kellogg"' not in by_name  # "kelly" does not start "kellogg"
    assert section(client.get("/search?q=nobody").text, "search-people") == ""


def test_search_finds_tags_that_start_with_the_words(client, make_user):
    author = make_user("ann")
    Post.publish(author, "Rust notes", "Body", "rust, rustacean")
    Post.publish(author, "More rust", "Body", "rust")
    Post.publish(author, "Secret", "Body", "rusty-secret", draft=True)
    tags = section(client.get("/search?q=rust").text, "search-tags")
    assert tags.index('href="/tag/rust"') < tags.index('href="/tag/rustacean"')  # most used first
    assert "rusty-secret" not in tags  # a draft's tags are nobody's to find
    assert section(client.get("/search?q=trust").text, "search-tags") == ""


def test_people_and_tags_head_the_first_page_only(app, client, make_user):
    app.config["POSTS_PER_PAGE"] = 1
    author = make_user("lumen")
    for n in range(2):
        Post.publish(author, f"Lumen note {n}", "lumen words", "lumen")
    first, second = client.get("/search?q=lumen").text, client.get("/search?q=lumen&page=2").text
    assert section(first, "search-people") and section(first, "search-tags")
    assert not section(second, "search-people") and not section(second, "search-tags")
    assert "<mark>Lumen</mark> note" in section(second, "search-posts")


def test_the_tag_search_reads_a_bounded_number_of_posts():
    pipeline = search.tags_pipeline(["rust"])
    stages = [next(iter(stage)) for stage in pipeline]
    assert stages.index("$limit") < stages.index("$unwind")
    assert pipeline[1] == {"$limit": search.TAG_SAMPLE}


def test_the_two_search_forms_are_told_apart_by_their_names(client, library):
    """The search page has the navbar's search and its own: two search
    landmarks, which a screen reader's landmark list can only tell apart by
    their names (axe's landmark-unique)."""
    page = client.get("/search?q=coffee").text
    forms = re.findall(r'<form[^>]*role="search"[^>]*>', page)
    names = [re.search(r'aria-label="([^"]+)"', form) for form in forms]
    assert len(forms) == 2
    assert all(names) and len({name.group(1) for name in names}) == 2
