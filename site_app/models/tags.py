"""What a tag is: the one rule for turning what a writer typed into the
tags a post stores (posts, the tag page's URL, the editor's preview of them).

Tags stay readable and distinct: ``C++``, ``C#``, ``ci/cd`` and ``node.js``
are kept as written (lower case), never folded into ``c``, ``cicd`` or
``nodejs``. Each ``/``-separated part must hold a letter or digit, so a tag
is never ``.``, ``..`` or only punctuation, and its URL (``/tag/<path>``)
cannot be rewritten by a browser's dot-segment rules.
"""
import re

TAG_MAX = 40
TAGS_PER_POST = 10
# The comma separated text a writer may type for them (a separator and a space each).
TAGS_TEXT_MAX = (TAG_MAX + 2) * TAGS_PER_POST
# Letters, digits and the punctuation tag names use (c++, c#, node.js, ci/cd,
# objective-c, snake_case); anything else is dropped.
_NOT_TAG_CHARACTER = re.compile(r"[^\w+#./\- ]+", re.UNICODE)
_HAS_WORD = re.compile(r"\w", re.UNICODE)


def normalise_tag(text):
    """One tag as stored, or ``""`` when nothing of it is a tag."""
    if not isinstance(text, str):
        return ""
    text = " ".join(_NOT_TAG_CHARACTER.sub("", text).lower().split())
    parts = [part.strip() for part in text.split("/")]
    tag = "/".join(part for part in parts if _HAS_WORD.search(part))
    return tag[:TAG_MAX].strip(" /")


def normalise_tags(tags):
    """Lower case, trimmed, de-duplicated (order kept), bounded tags.

    Accepts a comma separated string or a list of strings.
    """
    if isinstance(tags, str):
        tags = tags.split(",")
    seen = []
    for tag in tags or []:
        clean = normalise_tag(tag)
        if clean and clean not in seen:
            seen.append(clean)
    return seen[:TAGS_PER_POST]
