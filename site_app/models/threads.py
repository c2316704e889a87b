"""How a post's comments fall into pages: the post page shows a number of
top-level comments, each with its replies (``comments.py`` stores them)."""


def threads(comments):
    """A page's comments as ``(comment, [replies])``, in the order stored."""
    replies = {}
    for comment in comments:
        if comment.parent:
            replies.setdefault(comment.parent, []).append(comment)
    return [(c, replies.get(c.id, [])) for c in comments if not c.parent]


def thread_page(skip, limit):
    """An aggregation expression for one page of threads out of a post's
    comments: ``limit`` top-level comments after ``skip``, and their replies."""
    top_level = {"$filter": {"input": "$comments", "as": "c",
                             "cond": {"$eq": [{"$ifNull": ["$$c.parent", None]}, None]}}}
    # The shown ids are worked out once, not once a comment.
    shown = {"$map": {"input": {"$slice": [top_level, skip, limit]}, "in": "$$this.id"}}
    return {"$let": {
        "vars": {"shown": shown},
        "in": {"$filter": {"input": "$comments", "as": "c",
                           "cond": {"$or": [{"$in": ["$$c.id", "$$shown"]},
                                            {"$in": ["$$c.parent", "$$shown"]}]}}},
    }}


def page_of_comment(collection, comment_id, per_page):
    """``(post id, page)`` of the post page showing ``comment_id``, or
    ``None``. One read through the ``comments.id`` index, of the comments'
    ids and parents only (bounded by ``MAX_COMMENTS_PER_POST``)."""
    found = collection.find_one({"comments.id": comment_id},
                                {"comments.id": 1, "comments.parent": 1})
    if not found:
        return None
    comments = found.get("comments", [])
    target = next(c for c in comments if c["id"] == comment_id)
    thread = target.get("parent") or comment_id
    tops = [c["id"] for c in comments if not c.get("parent")]
    return found["_id"], tops.index(thread) // per_page + 1 if thread in tops else 1
