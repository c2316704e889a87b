"""``$text`` on the stand-in: refused without a text index, as MongoDB does,
and otherwise emulated from the index's fields and weights.

What matches: a document matches when any search term is a word of an
indexed field (case-insensitive), every quoted phrase appears in one, and no
``-negated`` term does. The score is MongoDB's per-field formula
(``fts_spec.cpp``: weight x diminishing term frequency x a length
coefficient, summed over the query's terms). What is not emulated, said
plainly: MongoDB's English stemmer and stop words. Here "post" does not find
"posts" and "the" is an ordinary word; tests on this lane search whole words.
"""

import re

from mongomock.helpers import get_value_by_dot

from .errors import CommandError, not_implemented

SCORE_FIELD = "__standin_text_score"
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'-?"[^"]*"?|\S+')


def split_text_filter(filter_):
    """``(the $text spec or None, the rest of the filter)``."""
    filter_ = dict(filter_ or {})
    spec = filter_.pop("$text", None)
    if mentions_text(filter_):
        raise not_implemented("$text below the top level of a filter")
    return spec, filter_


def mentions_text(value):
    if isinstance(value, dict):
        return "$text" in value or any(mentions_text(v) for v in value.values())
    if isinstance(value, list):
        return any(mentions_text(v) for v in value)
    return False


class TextQuery:
    def __init__(self, spec, index):
        if index is None:
            raise CommandError(27, "text index required for $text query")
        if not isinstance(spec, dict) or not isinstance(spec.get("$search"), str):
            raise CommandError(2, "$text requires a $search string")
        if spec.get("$caseSensitive") or spec.get("$diacriticSensitive"):
            raise not_implemented("$caseSensitive / $diacriticSensitive text search")
        self.weights = index["weights"]
        self.terms, self.negated, self.phrases = [], [], []
        for token in _TOKEN.findall(spec["$search"]):
            negate = token.startswith("-")
            token = token.lstrip("-")
            if token.startswith('"'):
                phrase = token.strip('"').lower()
                if phrase and not negate:
                    self.phrases.append(phrase)
                    self.terms.extend(_WORD.findall(phrase))
                elif phrase:
                    self.negated.append(phrase)
                continue
            for word in _WORD.findall(token.lower()):
                (self.negated if negate else self.terms).append(word)

    def score(self, document):
        """The document's text score, or None when it does not match."""
        fields = {field: _strings(document, field) for field in self.weights}
        words = {word for texts in fields.values() for text in texts for word in _WORD.findall(text.lower())}
        raw = " ".join(text.lower() for texts in fields.values() for text in texts)
        if not words & set(self.terms):
            return None
        if any(phrase not in raw for phrase in self.phrases):
            return None
        if any((term in raw) if " " in term else (term in words) for term in self.negated):
            return None
        wanted = set(self.terms)
        return sum(
            _field_score(text, self.weights[field], wanted)
            for field, texts in fields.items()
            for text in texts
        )


def _strings(document, field):
    try:
        value = get_value_by_dot(document, field)
    except (KeyError, IndexError, TypeError):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):  # each element of an array is scored alone
        return [item for item in value if isinstance(item, str)]
    return []


def _field_score(text, weight, wanted):
    tokens = _WORD.findall(text.lower())
    if not tokens:
        return 0.0
    seen = {}
    for token in tokens:
        count, exponent, frequency = seen.get(token, (0, 0, 0.0))
        exponent = exponent * 2 if exponent else 1
        seen[token] = (count + 1, exponent, frequency + 1 / exponent)
    total = 0.0
    for term in wanted & set(seen):
        count, _exponent, frequency = seen[term]
        coefficient = 0.5 * count / len(tokens) + 0.5
        adjustment = 1.1 if text.strip().lower() == term else 1.0
        total += weight * frequency * coefficient * adjustment
    return total


def is_text_score(value):
    return isinstance(value, dict) and value.get("$meta") == "textScore"


def rewrite_sort(sort):
    """A sort with ``{$meta: "textScore"}`` keys turned into the score field."""
    if not sort:
        return sort
    return [
        (SCORE_FIELD, -1) if is_text_score(direction) else (key, direction)
        for key, direction in dict(sort).items()
    ]


def rewrite_projection(projection):
    """``(projection without $meta, the names the score is projected as)``."""
    if not projection:
        return projection, []
    names = [key for key, value in projection.items() if is_text_score(value)]
    rest = {key: value for key, value in projection.items() if key not in names}
    inclusive = any(value for key, value in rest.items() if key != "_id" and not isinstance(value, dict))
    if inclusive:
        rest[SCORE_FIELD] = 1
    return (rest or None), names


def finish(document, score_names):
    """Rename the score field to the projected names, or drop it."""
    score = document.pop(SCORE_FIELD, None)
    for name in score_names:
        document[name] = score
    return document
