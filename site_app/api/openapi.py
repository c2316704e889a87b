"""The OpenAPI 3.1 description of the API, served at ``/api/v1/openapi.json``.

Written by hand next to the views and checked against them by the tests
(``test_openapi.py`` validates real answers, ``test_api_fuzz.py`` fuzzes
every operation from this document). Response objects forbid unknown
properties, so a field added to a serializer and not here fails a test.
"""

from flask import current_app, jsonify

from ..models.submissions import NONCE_MAX
from . import api
from .openapi_schemas import ID, SCHEMAS, URL, ref

_ERRORS = {
    "400": "The body is not valid JSON, not an object, or a field is missing, of the "
    "wrong type, blank, too long or holds control characters; or the Markdown "
    "would render too large or cost too much to render.",
    "401": "No credentials, wrong ones, an expired token or a disabled account.",
    "403": "The account is not confirmed, or may not do this.",
    "404": "No such item (ids that are not ObjectIds are not found either).",
    "409": "The post takes no more comments; or a request with the same Idempotency-Key "
    "is still being answered (try again in a moment).",
    "413": "The body is larger than the site accepts.",
    "415": "The body is not JSON.",
    "422": "The Idempotency-Key was already used with another request.",
    "429": "Too many requests; wait for the number of seconds in Retry-After.",
}


def _error(status):
    response = {"description": _ERRORS[status], "content": {"application/json": {"schema": ref("Error")}}}
    if status == "429":
        response["headers"] = {
            "Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}
        }
    if status == "401":
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    return response


def _json(schema_name, description, status=None):
    response = {"description": description, "content": {"application/json": {"schema": ref(schema_name)}}}
    if status == "201":
        response["headers"] = {
            "Location": {"schema": URL, "required": True, "description": "the URL of the new item"}
        }
    return response


def _operation(summary, responses, errors=(), params=(), body=None, op_id=None):
    operation = {
        "operationId": op_id,
        "summary": summary,
        "parameters": list(params),
        "responses": dict(responses),
    }
    for status in ("401", "403", "429", *errors):
        operation["responses"][status] = _error(status)
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body)}}}
        for status in ("400", "413", "415"):
            operation["responses"][status] = _error(status)
    for response in operation["responses"].values():
        # Every answer of a limited operation carries the limiter's headers.
        response["headers"] = {**response.get("headers", {}), **_RATE_LIMIT_HEADERS}
    return operation


_RATE_LIMIT_HEADERS = {
    f"X-RateLimit-{name}": {"schema": {"type": "integer"}, "description": description}
    for name, description in (
        ("Limit", "calls allowed per window"),
        ("Remaining", "calls left in this window"),
        ("Reset", "when the window ends (Unix time)"),
    )
}


_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": NONCE_MAX, "pattern": "^[!-~]+$"},
    "description": "any unique string (a UUID): the request sent again with the same key "
    "(its answer was lost) changes nothing and gets the first answer. Kept "
    "24 hours, per account; 1 to 255 printable ASCII characters, no spaces.",
}


def _retryable(operation):
    """A POST that honours ``Idempotency-Key``."""
    operation["parameters"].append(_IDEMPOTENCY_KEY)
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            response["headers"] = {
                **response.get("headers", {}),
                "Idempotent-Replayed": {
                    "schema": {"type": "string", "enum": ["true"]},
                    "description": "present on the answer to a request sent again",
                },
            }
    for status in ("400", "409", "422"):
        operation["responses"][status] = {
            **_error(status),
            "headers": {**_error(status).get("headers", {}), **_RATE_LIMIT_HEADERS},
        }
    return operation


def _path_id(name, what):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": ID,
        "description": f"the id of the {what}",
    }


_TOTP = {
    "name": "X-TOTP",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 32},
    "description": "accounts with two-factor sign-in: a current code from the "
    "authenticator app, or a recovery code (a password alone is refused)",
}


_PAGE = {
    "name": "page",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": -1},
    "description": "page number from 1; -1 or a number past the end is the last page, anything else page 1",
}
# Lists paged by key: follow the answer's prev/next links (they carry these).
_KEYED = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": -1},
        "description": "-1: the last page (oldest); 1 (default) to 10: that page; deeper: the last page",
    },
    {
        "name": "after",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "the page after this key (from a next link)",
    },
    {
        "name": "before",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "the page before this key (from a prev link)",
    },
]


def _paths():
    post_id = _path_id("post_id", "post")
    user_id = _path_id("user_id", "user")
    comment_id = _path_id("comment_id", "comment")
    revision_id = _path_id("revision_id", "revision")
    posts = _json("PostList", "one page of posts, newest first")
    return {
        "/tokens/": {
            "post": _retryable(
                _operation(
                    "Trade your email and password for a token (a token cannot renew itself)",
                    {"200": _json("Token", "a new token")},
                    params=[_TOTP],
                    op_id="createToken",
                )
            )
        },
        "/posts/": {
            "get": _operation("All posts, newest first", {"200": posts}, params=_KEYED, op_id="listPosts"),
            "post": _retryable(
                _operation(
                    "Write a post (needs the WRITE permission)",
                    {"201": _json("Post", "the new post", status="201")},
                    body="NewPost",
                    op_id="createPost",
                )
            ),
        },
        "/posts/{post_id}": {
            "get": _operation(
                "One post",
                {"200": _json("Post", "the post")},
                errors=["404"],
                params=[post_id],
                op_id="getPost",
            ),
            "put": _operation(
                "Edit a post (its author or an administrator)",
                {"200": _json("Post", "the post as saved")},
                errors=["404"],
                params=[post_id],
                body="PostChanges",
                op_id="editPost",
            ),
            "delete": _operation(
                "Delete a post (its author or an administrator)",
                {"204": {"description": "deleted"}},
                errors=["404"],
                params=[post_id],
                op_id="deletePost",
            ),
        },
        "/posts/{post_id}/like": {
            "put": _operation(
                "Like a post (idempotent: one like per reader)",
                {"200": _json("Post", "the post, liked")},
                errors=["404"],
                params=[post_id],
                op_id="likePost",
            ),
            "delete": _operation(
                "Take back your like of a post (idempotent)",
                {"200": _json("Post", "the post, not liked")},
                errors=["404"],
                params=[post_id],
                op_id="unlikePost",
            ),
        },
        "/posts/{post_id}/revisions/": {
            "get": _operation(
                "A post's earlier texts, newest first (its author or an administrator)",
                {"200": _json("RevisionList", "the revisions kept")},
                errors=["404"],
                params=[post_id],
                op_id="listRevisions",
            )
        },
        "/posts/{post_id}/revisions/{revision_id}": {
            "get": _operation(
                "One revision with its diff against the current text",
                {"200": _json("Revision", "the revision")},
                errors=["404"],
                params=[post_id, revision_id],
                op_id="getRevision",
            )
        },
        "/posts/{post_id}/revisions/{revision_id}/restore": {
            "post": _operation(
                "Put a revision's text back (the text it replaces becomes a revision)",
                {"200": _json("Post", "the post as restored")},
                errors=["400", "404"],
                params=[post_id, revision_id],
                op_id="restoreRevision",
            )
        },
        "/posts/{post_id}/comments/": {
            "get": _operation(
                "A post's comments, oldest first",
                {"200": _json("CommentList", "one page of comments")},
                errors=["404"],
                params=[post_id, _PAGE],
                op_id="listPostComments",
            ),
            "post": _retryable(
                _operation(
                    "Comment on a post (needs the COMMENT permission)",
                    {"201": _json("Comment", "the new comment", status="201")},
                    errors=["404", "409"],
                    params=[post_id],
                    body="NewComment",
                    op_id="createComment",
                )
            ),
        },
        "/comments/": {
            "get": _operation(
                "The newest comments across all posts",
                {"200": _json("CommentList", "one page of comments, newest first")},
                params=[_PAGE],
                op_id="listComments",
            )
        },
        "/posts/{post_id}/comments/{comment_id}": {
            "get": _operation(
                "One comment of a post (its address: the lookup starts from the post)",
                {"200": _json("Comment", "the comment")},
                errors=["404"],
                params=[post_id, comment_id],
                op_id="getPostComment",
            ),
            "put": _operation(
                "Edit a comment of a post (its author); marks it edited",
                {"200": _json("Comment", "the comment as saved")},
                errors=["404"],
                params=[post_id, comment_id],
                body="CommentChanges",
                op_id="editPostComment",
            ),
            "delete": _operation(
                "Delete a comment of a post (its author or a moderator)",
                {"204": {"description": "deleted"}},
                errors=["404"],
                params=[post_id, comment_id],
                op_id="deletePostComment",
            ),
        },
        "/comments/{comment_id}": {
            "get": _operation(
                "One comment",
                {"200": _json("Comment", "the comment")},
                errors=["404"],
                params=[comment_id],
                op_id="getComment",
            ),
            "put": _operation(
                "Edit a comment (its author); marks it edited",
                {"200": _json("Comment", "the comment as saved")},
                errors=["404"],
                params=[comment_id],
                body="CommentChanges",
                op_id="editComment",
            ),
            "delete": _operation(
                "Delete a comment (its author or a moderator)",
                {"204": {"description": "deleted"}},
                errors=["404"],
                params=[comment_id],
                op_id="deleteComment",
            ),
        },
        "/notifications/": {
            "get": _operation(
                "Your notifications, newest first (reading them here marks none read)",
                {"200": _json("NotificationList", "one page of notifications")},
                params=[_PAGE],
                op_id="listNotifications",
            )
        },
        "/users/{user_id}": {
            "get": _operation(
                "One user",
                {"200": _json("User", "the user")},
                errors=["404"],
                params=[user_id],
                op_id="getUser",
            )
        },
        "/users/{user_id}/posts/": {
            "get": _operation(
                "A user's posts, newest first",
                {"200": posts},
                errors=["404"],
                params=[user_id, *_KEYED],
                op_id="listUserPosts",
            )
        },
        "/users/{user_id}/timeline/": {
            "get": _operation(
                "Posts of the users this user follows, newest first",
                {"200": posts},
                errors=["404"],
                params=[user_id, *_KEYED],
                op_id="listUserTimeline",
            )
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenAPI",
                "summary": "This description (no credentials needed)",
                "security": [],
                "responses": {
                    "200": {
                        "description": "the OpenAPI document",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }


def openapi_document():
    """The OpenAPI document as a dict."""
    site = current_app.config["SITE_NAME"]
    expiration = current_app.config["API_TOKEN_EXPIRATION"]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{site} API",
            "version": "1.0.0",
            "description": (
                f"The REST API of {site}. Authenticate every call with HTTP Basic: your "
                "email and password, or a token from POST /tokens/ as the user name with "
                f"an empty password (tokens last {expiration} seconds and stop working "
                "when the password changes). An account with two-factor sign-in cannot use "
                "its password for calls: it asks POST /tokens/ for a token with its code in "
                'the X-TOTP header. Errors are JSON: {"error", "message"}. '
                "Calls are rate limited per account; answers carry X-RateLimit-Limit, "
                "X-RateLimit-Remaining and X-RateLimit-Reset."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"basicAuth": []}],
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "basicAuth": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "email and password, or a token and an empty password",
                }
            },
        },
    }


@api.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())
