"""The moderation queue's second view: only the comments moderators hid,
newest first, across posts (to review or show them again)."""
from ..pagination import Page, clamp_page
from .comments import Comment, CommentEntry, load_users
from .posts import Post

_HIDDEN = {"comments.disabled": True}


def hidden_comments(page, per_page):
    """One page of hidden comments as ``CommentEntry``. Only posts holding a
    hidden comment are read (the ``comments.disabled`` index), and only
    their comments are unwound."""
    collection = Post._get_collection()
    unwound = [{"$match": _HIDDEN}, {"$project": {"title": 1, "comments": 1}},
               {"$unwind": "$comments"}, {"$match": _HIDDEN}]
    counted = list(collection.aggregate(unwound + [{"$group": {"_id": None, "n": {"$sum": 1}}}]))
    total = counted[0]["n"] if counted else 0
    page = clamp_page(page, total, per_page)
    rows = collection.aggregate(unwound + [
        {"$sort": {"comments.timestamp": -1, "comments.id": -1}},
        {"$skip": (page - 1) * per_page},
        {"$limit": per_page},
    ])
    entries = [CommentEntry(row["_id"], row.get("title", ""), Comment._from_son(row["comments"]))
               for row in rows]
    load_users([entry.comment for entry in entries])
    return Page(entries, page, per_page, total)
