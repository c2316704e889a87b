"""A form or an API request sent twice makes one post or one comment.

A browser that got no answer (a worker killed, a timeout) sends the form
again; an API client retries with the same ``Idempotency-Key``. Each
submission carries a one-time nonce (the forms' hidden ``submission`` field,
the API's key), stored with what it created under ``"<author id>:<nonce>"``
so one account's nonces never meet another's. Posts hold it under a unique
index; a comment's is checked inside the very update that adds it (one
document: an index cannot tell two elements of one array apart). Sent again,
the first result is the answer.
"""

NONCE_MAX = 255


def submission_key(author_id, nonce):
    """The stored form of ``nonce`` for ``author_id``; ``None`` without one."""
    return f"{author_id}:{nonce}" if nonce else None


def not_sent_before(key):
    """The filter a comment's ``$push`` adds: no comment of the post has ``key``."""
    return {"comments.submission": {"$ne": key}} if key else {}


def first_comment_sent(collection, post_id, key):
    """The stored comment of post ``post_id`` that submission ``key`` made
    (it alone, by ``$elemMatch``; the post found by its ``_id``), or ``None``."""
    if not key:
        return None
    found = collection.find_one(
        {"_id": post_id, "comments.submission": key}, {"comments": {"$elemMatch": {"submission": key}}}
    )
    return found["comments"][0] if found else None
