"""What a writer says about a post beyond its text: a subtitle, their own
excerpt (cards and share previews show it instead of the body's start), the
canonical address of a piece first published elsewhere (``rel=canonical``
points there, so search engines credit the original), and which of the
post's stored images is its cover, and the language it is written in
(``lang``: screen readers pronounce it right, search engines and feed
readers know it).

Every path in (the write and edit pages, the API) passes them as one dict
to ``Post.publish`` / ``Post.edit``: a name left out, or ``None``, keeps
the stored value; an empty value clears it.
"""

from urllib.parse import urlsplit

from bson import ObjectId
from mongoengine.errors import ValidationError

SUBTITLE_MAX = 200
CUSTOM_EXCERPT_MAX = 300
CANONICAL_URL_MAX = 2000
DETAILS = ("subtitle", "custom_excerpt", "canonical_url", "cover", "lang")
# The languages a writer may say a post is in (BCP 47 primary subtags).
POST_LANGUAGES = (
    "ar",
    "de",
    "en",
    "es",
    "fa",
    "fr",
    "he",
    "hi",
    "it",
    "ja",
    "ko",
    "nl",
    "pl",
    "pt",
    "ru",
    "sv",
    "tr",
    "uk",
    "zh",
)
LANG_MAX = 8


def post_language(value):
    """``validation=`` for a post's ``lang``: one of POST_LANGUAGES."""
    if value and value not in POST_LANGUAGES:
        raise ValidationError(f"lang must be one of {', '.join(POST_LANGUAGES)}")


def web_address_problem(value):
    """Why ``value`` is no address a reader's browser may follow from our
    pages (only http and https, with a host), or ``None``."""
    if len(value) > CANONICAL_URL_MAX:
        return f"is longer than {CANONICAL_URL_MAX} characters."
    if any(ch.isspace() for ch in value):
        return "must not contain spaces."
    try:
        parts = urlsplit(value)
        followable = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed host, e.g. "http://[::1"
        followable = False
    if not followable:
        return "must be a full http:// or https:// address, e.g. https://example.com/my-post."
    return None


def web_address(value):
    """``validation=`` for a model field holding such an address."""
    problem = web_address_problem(value) if value else None
    if problem:
        raise ValidationError("The address " + problem)


def as_cover(value):
    """A cover choice as stored: an ObjectId, or ``None`` (the first image)."""
    if not value:
        return None
    if isinstance(value, ObjectId):
        return value
    return ObjectId(value) if ObjectId.is_valid(value) else None


class PostDetails:
    """Mixed into ``Post`` (the fields are declared there)."""

    def apply_details(self, details):
        """Set the details given (see the module's docstring) on the post;
        returns the matching update fields."""
        changes = {}
        for name, value in (details or {}).items():
            if name not in DETAILS or value is None:
                continue
            value = (as_cover(value) if name == "cover" else value.strip()) or None
            setattr(self, name, value)
            if value is None:
                changes[f"unset__{name}"] = True
            else:
                changes[f"set__{name}"] = value
        return changes
