"""The moderation queue's second view: only the comments moderators hid,
newest first, across posts (to review or show them again)."""

from ..pagination import Page, clamp_page
from .comments import comment_entries
from .posts import Post

_HIDDEN = {"comments.disabled": True}


def hidden_comments(page, per_page):
    """One page of hidden comments as ``CommentEntry``. Only posts holding a
    hidden comment are read (the ``comments.disabled`` index), and only
    their comments are unwound."""
    collection = Post._get_collection()
    unwound = [
        {"$match": _HIDDEN},
        {"$project": {"title": 1, "comments": 1}},
        {"$unwind": "$comments"},
        {"$match": _HIDDEN},
    ]
    counted = list(collection.aggregate(unwound + [{"$group": {"_id": None, "n": {"$sum": 1}}}]))
    total = counted[0]["n"] if counted else 0
    page = clamp_page(page, total, per_page)
    rows = collection.aggregate(
        unwound
        + [
            {"$sort": {"comments.timestamp": -1, "comments.id": -1}},
            {"$skip": (page - 1) * per_page},
            {"$limit": per_page},
        ]
    )
    return Page(comment_entries(rows), page, per_page, total)
