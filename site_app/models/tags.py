"""What a tag is: the one rule for turning what a writer typed into the
tags a post stores (posts, the tag page's URL, the editor's preview of them).

Tags stay readable and distinct: ``C++``, ``C#``, ``ci/cd`` and ``node.js``
are kept as written (lower case), never folded into ``c``, ``cicd`` or
``nodejs``. Each ``/``-separated part must hold a letter or digit, so a tag
is never ``.``, ``..`` or only punctuation, and its URL (``/tag/<path>``)
cannot be rewritten by a browser's dot-segment rules.

Spaces inside a tag become hyphens (``Machine Learning`` is
``machine-learning``), as dev.to, Ghost and Stack Overflow write them: a
tag's address reads ``/tag/editor-ux``, not ``/tag/editor%20ux``, and
``editor ux`` and ``editor-ux`` are one tag, not two. An old address with a
space redirects to the hyphenated one (the tag page); posts stored with
spaces are renamed at ``flask deploy`` (``backfill.backfill_tag_spaces``).
"""

import re

TAG_MAX = 40
TAGS_PER_POST = 10
# The comma separated text a writer may type for them (a separator and a space each).
TAGS_TEXT_MAX = (TAG_MAX + 2) * TAGS_PER_POST
# Letters, digits and the punctuation tag names use (c++, c#, node.js, ci/cd,
# objective-c, snake_case) and spaces (hyphens once stored); anything else is dropped.
_NOT_TAG_CHARACTER = re.compile(r"[^\w+#./\- ]+", re.UNICODE)
_HAS_WORD = re.compile(r"\w", re.UNICODE)
# A run of spaces, with any hyphen inside it ("x - y" is "x-y", not "x---y").
_SPACES = re.compile(r"\s*-\s*|\s+")


def normalise_tag(text):
    """One tag as stored, or ``""`` when nothing of it is a tag."""
    if not isinstance(text, str):
        return ""
    text = _NOT_TAG_CHARACTER.sub("", text).lower()
    parts = [_SPACES.sub("-", part.strip()) for part in text.split("/")]
    tag = "/".join(part for part in parts if _HAS_WORD.search(part))
    return tag[:TAG_MAX].strip("/-")


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
