"""Search over posts, people and tags, with the engine behind three
functions.

``search_posts(text, page, per_page)``, ``search_people(text)`` and
``search_tags(text)`` are the whole interface (as in Microblog's
``search.py``): a :class:`~site_app.pagination.Page` of posts, best matches
first, and short lists of members and tags, whichever engine served them.

- Real MongoDB: a ``$text`` query on the ``post_text`` index (title weighs
  10, tags 5, body 1), sorted by ``textScore`` then newest first.
- The embedded backend (mongomock) has no ``$text``. The fallback matches
  each word case-insensitively at the start of a word in the title, body or
  tags (so "post" also finds "posts", a little like the stemmer), and
  ranks with the same weights as the text index.
- People: a username that starts with a word (a prefix of the unique
  ``username_key`` index, so ``destiny`` finds ``destiny_kelly``) on both
  engines; names by ``$text`` on the ``user_text`` index on MongoDB, by
  word starts on the embedded backend.
- Tags: those starting with a word, from at most ``TAG_SAMPLE`` published
  posts read along the ``tags`` index (a limit before the unwind, so the
  work is bounded however many posts carry a tag).
"""

import re

from flask import current_app
from markupsafe import Markup, escape

from .database import supports_text_search
from .models import Post, User
from .models.drafts import PUBLISHED
from .pagination import Page, clamp_page, paginate_list

QUERY_MAX = 200
TERMS_MAX = 10
# The same weights as the ``post_text`` index, so both engines rank alike.
WEIGHTS = {"title": 10, "tags": 5, "body": 1}
_WORD = re.compile(r"\w+", re.UNICODE)
PEOPLE_SHOWN = 8
TAGS_SHOWN = 12
# Posts read at most to learn which tags start with the searched words.
TAG_SAMPLE = 500


def search_terms(text):
    """The distinct lower-case words of a query, bounded in number."""
    words = []
    for word in _WORD.findall((text or "")[:QUERY_MAX].lower()):
        if word not in words:
            words.append(word)
    return words[:TERMS_MAX]


def search_posts(text, page, per_page):
    """One page of the posts matching ``text``, best first."""
    terms = search_terms(text)
    if not terms:
        return Page([], 1, per_page, 0)
    if supports_text_search(current_app):
        found = _text_index_search(terms, page, per_page)
    else:
        found = _word_match_search(terms, page, per_page)
    Post.with_authors(found.items)
    return found


def text_query(terms):
    """``(filter, projection, sort)`` of the ``$text`` query for ``terms``."""
    # Published posts only: the same filter every list starts from.
    filter_ = {"$text": {"$search": " ".join(terms)}, **Post.published()._query}
    projection = {"score": {"$meta": "textScore"}, "comments": 0}
    sort = [("score", {"$meta": "textScore"}), ("timestamp", -1), ("_id", -1)]  # _id: ties
    return filter_, projection, sort


def _text_index_search(terms, page, per_page):
    filter_, projection, sort = text_query(terms)
    collection = Post._get_collection()
    total = collection.count_documents(filter_)
    page = clamp_page(page, total, per_page)
    cursor = collection.find(filter_, projection).sort(sort).skip((page - 1) * per_page).limit(per_page)
    # The score only orders the results; it is not a field of the post.
    found = [Post._from_son({k: v for k, v in doc.items() if k != "score"}) for doc in cursor]
    return Page(found, page, per_page, total)


def _word_match_search(terms, page, per_page):
    patterns = [re.compile(r"\b" + re.escape(term), re.IGNORECASE) for term in terms]
    # Any word matches, as with $text; the ranking puts posts with more and
    # better-placed matches first.
    filter_ = {"$or": [{field: pattern} for pattern in patterns for field in WEIGHTS]}
    candidates = Post.listing().filter(__raw__=filter_)
    ranked = sorted(
        ((relevance(post, patterns), post) for post in candidates),
        key=lambda pair: (-pair[0], -pair[1].timestamp.timestamp()),
    )
    return paginate_list([post for _score, post in ranked], page, per_page)


def relevance(post, patterns):
    """Weighted count of the matches of ``patterns`` in a post."""
    fields = {"title": post.title or "", "body": post.body or "", "tags": " ".join(post.tags or [])}
    return sum(
        WEIGHTS[name] * len(pattern.findall(value)) for pattern in patterns for name, value in fields.items()
    )


def _prefixes(terms):
    """Anchored, case-sensitive patterns (an index range each) for values
    stored in lower case that start with one of ``terms``."""
    return [re.compile("^" + re.escape(term)) for term in terms]


def search_people(text):
    """Members whose username or name matches ``text``: usernames first
    (in order), then names, at most ``PEOPLE_SHOWN``."""
    terms = search_terms(text)
    if not terms:
        return []
    found = list(User.objects(username_key__in=_prefixes(terms)).order_by("username_key").limit(PEOPLE_SHOWN))
    if len(found) < PEOPLE_SHOWN:
        if supports_text_search(current_app):
            by_name = User.objects.search_text(" ".join(terms)).order_by("$text_score")
        else:
            by_name = User.objects(name=_word_starts(terms)).order_by("username_key")
        seen = {user.id for user in found}
        found += [user for user in by_name.limit(PEOPLE_SHOWN * 2) if user.id not in seen]
    return found[:PEOPLE_SHOWN]


def _word_starts(terms):
    return re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + ")", re.IGNORECASE)


def tags_pipeline(terms):
    """The aggregation that finds the tags starting with ``terms``, most
    used first: the ``tags`` index bounds the match, the limit the posts
    read before the unwind."""
    prefixes = _prefixes(terms)
    return [
        {"$match": {"tags": {"$in": prefixes}, "draft": {"$in": list(PUBLISHED)}}},
        {"$limit": TAG_SAMPLE},
        {"$project": {"tags": 1}},
        {"$unwind": "$tags"},
        {"$match": {"tags": {"$in": prefixes}}},
        {"$group": {"_id": "$tags", "posts": {"$sum": 1}}},
        {"$sort": {"posts": -1, "_id": 1}},
        {"$limit": TAGS_SHOWN},
    ]


def search_tags(text):
    """Tags that start with a word of ``text``, most used first."""
    terms = search_terms(text)
    if not terms:
        return []
    return [row["_id"] for row in Post._get_collection().aggregate(tags_pipeline(terms))]


def highlight(text, terms):
    """``text`` as safe HTML with each word that starts with one of the
    search ``terms`` in ``<mark>``. The text is split first and every piece
    escaped, so a term can never match inside markup or an entity."""
    if not terms or not text:
        return escape(text or "")
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + r")\w*", re.IGNORECASE)
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(Markup("<mark>%s</mark>") % match.group())
        last = match.end()
    pieces.append(escape(text[last:]))
    return Markup("").join(pieces)
