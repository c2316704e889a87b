"""The schemas of the API's OpenAPI document (``openapi.py``): what each
request body and answer holds."""

from ..models.details import CANONICAL_URL_MAX, CUSTOM_EXCERPT_MAX, POST_LANGUAGES, SUBTITLE_MAX
from ..models.posts import BODY_MAX, COMMENT_MAX, TAG_MAX, TAGS_PER_POST, TITLE_MAX

_NULLABLE_URL = {"type": ["string", "null"], "format": "uri"}
URL = {"type": "string", "format": "uri"}
_TIME = {
    "type": "string",
    "format": "date-time",
    "description": "ISO 8601, UTC, e.g. 2026-01-31T09:30:00.000Z",
}
ID = {
    "type": "string",
    "description": "an ObjectId: 24 hexadecimal digits",
    "examples": ["64b7f0c2a1b2c3d4e5f60718"],
}

# The writer's details of a post (site_app/models/details.py).
_DETAILS_OUT = {
    "subtitle": {"type": ["string", "null"]},
    "custom_excerpt": {
        "type": ["string", "null"],
        "description": "the writer's excerpt, shown instead of the body's start",
    },
    "canonical_url": {
        "type": ["string", "null"],
        "format": "uri",
        "description": "where the piece was first published (rel=canonical)",
    },
    "cover": {"type": ["string", "null"], "description": "the id of the stored image shown as the cover"},
    "lang": {"type": ["string", "null"], "description": "the language the post is written in"},
}
# A draft's scheduled publication (site_app/models/schedule.py).
_SCHEDULE_IN = {
    "publish_at": {
        "type": ["string", "null"],
        "description": "ISO 8601 date and time: the post stays a draft until then "
        '(with an offset, or in `timezone`, else UTC); null or "" '
        "cancels; a time passed or over five years ahead: 400",
    },
    "timezone": {
        "type": ["string", "null"],
        "maxLength": 64,
        "description": "the IANA zone of a publish_at without offset, e.g. Europe/Madrid",
    },
}
_DETAILS_IN = {
    "subtitle": {"type": ["string", "null"], "maxLength": SUBTITLE_MAX},
    "custom_excerpt": {"type": ["string", "null"], "maxLength": CUSTOM_EXCERPT_MAX},
    "canonical_url": {
        "type": ["string", "null"],
        "maxLength": CANONICAL_URL_MAX,
        "format": "uri",
        "description": "an http(s) address; else 400",
    },
    "cover": {
        "type": ["string", "null"],
        "description": "the id of a stored image the body shows (else its first is the cover)",
    },
    "lang": {
        "type": ["string", "null"],
        "enum": [*POST_LANGUAGES, "", None],
        "description": "the language the post is written in; else 400",
    },
}


def _object(properties, required=None, description=None):
    schema = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "required": list(properties) if required is None else required,
    }
    if description:
        schema["description"] = description
    return schema


def _page_of(key, item):
    """One page of a list: every list answers the same shape (pagination.py)."""
    return _object(
        {
            key: {"type": "array", "items": ref(item)},
            "prev": _NULLABLE_URL,
            "next": _NULLABLE_URL,
            "count": {"type": "integer", "minimum": 0, "description": "items on all pages"},
        }
    )


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {
    "Error": _object(
        {
            "error": {
                "type": "string",
                "description": "the status phrase in lower case",
                "examples": ["not found"],
            },
            "message": {"type": "string", "description": "what happened, for people"},
        }
    ),
    "Token": _object(
        {
            "token": {"type": "string", "description": "send as the Basic user name, with an empty password"},
            "expiration": {"type": "integer", "description": "seconds the token stays valid"},
        }
    ),
    "Post": _object(
        {
            "id": ID,
            "url": URL,
            "title": {"type": "string"},
            "body": {"type": "string", "description": "Markdown"},
            "body_html": {"type": "string", "description": "the body rendered to safe HTML"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "draft": {
                "type": "boolean",
                "description": "a draft is seen only by its author and administrators; on no list",
            },
            "publish_at": {
                "type": ["string", "null"],
                "description": "a draft's scheduled publication, ISO 8601 UTC; else null",
            },
            **_DETAILS_OUT,
            "timestamp": _TIME,
            "author_url": _NULLABLE_URL,
            "author": {"type": ["string", "null"], "description": "the author's username"},
            "comments_url": URL,
            "comment_count": {"type": "integer", "minimum": 0},
            "like_count": {"type": "integer", "minimum": 0},
            "liked": {"type": "boolean", "description": "whether the caller likes the post"},
        }
    ),
    "Revision": _object(
        {
            "id": ID,
            "url": URL,
            "created": {**_TIME, "description": "when this text was replaced"},
            "size": {"type": "integer", "minimum": 0, "description": "BSON bytes of the text"},
            "title": {"type": "string"},
            "body": {"type": "string", "description": "Markdown"},
            "tags": {"type": "array", "items": {"type": "string"}},
            **_DETAILS_OUT,
            "diff": {
                "type": "array",
                "description": "unified diff lines to the current text",
                "items": _object(
                    {
                        "kind": {"type": "string", "enum": ["added", "removed", "context", "hunk"]},
                        "line": {"type": "string"},
                    }
                ),
            },
        },
        required=["id", "url", "created", "size", "title", "body", "tags", *_DETAILS_OUT],
    ),
    "RevisionList": _object({"revisions": {"type": "array", "items": ref("Revision")}}),
    "Comment": _object(
        {
            "id": ID,
            "url": URL,
            "post_url": URL,
            "body": {"type": "string", "description": "Markdown; empty when a moderator hid the comment"},
            "body_html": {"type": "string"},
            "timestamp": _TIME,
            "author_url": _NULLABLE_URL,
            "author": {"type": ["string", "null"]},
            "parent_id": {
                "type": ["string", "null"],
                "description": "the top-level comment this one replies to",
            },
            "edited": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "when its author last edited it",
            },
            "deleted": {
                "type": "boolean",
                "description": "deleted while it has replies: kept, blank, as their anchor",
            },
            "member_left": {
                "type": "boolean",
                "description": "deleted because its writer left the site (shown as 'deleted member')",
            },
        }
    ),
    "Notification": _object(
        {
            "id": ID,
            "kind": {"type": "string", "enum": ["follow", "comment", "reply", "mention", "like"]},
            "read": {"type": "boolean"},
            "timestamp": _TIME,
            "actor": {
                "type": ["string", "null"],
                "description": "who did it (likes: the latest liker); null: a deleted account",
            },
            "actor_url": _NULLABLE_URL,
            "count": {
                "type": "integer",
                "minimum": 1,
                "description": "events told (grouped per post and kind): likers, comments, replies, mentions",
            },
            "unseen": {
                "type": "integer",
                "minimum": 0,
                "description": "events since the reader last read it",
            },
            "excerpt": {
                "type": ["string", "null"],
                "description": "the opening of the latest comment or text told of",
            },
            "post_url": _NULLABLE_URL,
            "comment_url": _NULLABLE_URL,
        }
    ),
    "NotificationList": _page_of("notifications", "Notification"),
    "User": _object(
        {
            "id": ID,
            "url": URL,
            "username": {"type": "string"},
            "member_since": _TIME,
            "last_seen": _TIME,
            "posts_url": URL,
            "followed_posts_url": URL,
            "post_count": {"type": "integer", "minimum": 0},
            "followers_count": {"type": "integer", "minimum": 0},
            "following_count": {"type": "integer", "minimum": 0},
        }
    ),
    "PostList": _page_of("posts", "Post"),
    "CommentList": _page_of("comments", "Comment"),
    "NewPost": {
        "type": "object",
        "required": ["title", "body"],
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
            "body": {"type": "string", "minLength": 1, "maxLength": BODY_MAX, "description": "Markdown"},
            "tags": {
                "type": "array",
                "maxItems": TAGS_PER_POST,
                "items": {"type": "string", "maxLength": TAG_MAX},
            },
            "draft": {"type": "boolean", "default": False, "description": "true: save without publishing"},
            **_DETAILS_IN,
            **_SCHEDULE_IN,
        },
        "description": "Text must not be blank nor hold control characters or bidi "
        "overrides (tab and line breaks are fine in the body); "
        "otherwise 400.",
    },
    "PostChanges": {
        "type": "object",
        "properties": {
            "title": {"type": "string", "minLength": 1, "maxLength": TITLE_MAX},
            "body": {"type": "string", "minLength": 1, "maxLength": BODY_MAX},
            "tags": {
                "type": "array",
                "maxItems": TAGS_PER_POST,
                "items": {"type": "string", "maxLength": TAG_MAX},
            },
            "draft": {
                "type": "boolean",
                "description": "false publishes a draft (its time becomes now); true "
                "makes a published post a draft again (comments kept)",
            },
            **_DETAILS_IN,
            **_SCHEDULE_IN,
        },
        "description": "Fields left out keep their value.",
    },
    "NewComment": {
        "type": "object",
        "required": ["body"],
        "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": COMMENT_MAX, "description": "Markdown"},
            "parent_id": {
                **ID,
                "description": "reply to this comment of the post (a reply to a reply joins its parent)",
            },
        },
    },
    "CommentChanges": {
        "type": "object",
        "required": ["body"],
        "properties": {
            "body": {"type": "string", "minLength": 1, "maxLength": COMMENT_MAX, "description": "Markdown"}
        },
    },
}
