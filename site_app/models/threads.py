"""How a post's comments fall into pages: the post page shows a number of
top-level comments, each with its replies (``comments.py`` stores them),
oldest thread first or, sorted by ``newest``, the newest first (replies
always read oldest first under their comment)."""

from mongoengine.context_managers import no_dereference

from ..pagination import clamp_page, page_count
from .comments import as_object_id, load_users

OLDEST, NEWEST = "oldest", "newest"
ORDERS = (OLDEST, NEWEST)


def threads(comments, order=OLDEST):
    """A page's comments as ``(comment, [replies])``: threads in ``order``,
    replies as stored."""
    replies = {}
    for comment in comments:
        if comment.parent:
            replies.setdefault(comment.parent, []).append(comment)
    shown = [(c, replies.get(c.id, [])) for c in comments if not c.parent]
    return shown[::-1] if order == NEWEST else shown


def thread_page(skip, limit):
    """An aggregation expression for one page of threads out of a post's
    comments: ``limit`` top-level comments after ``skip``, and their replies."""
    top_level = {
        "$filter": {
            "input": "$comments",
            "as": "c",
            "cond": {"$eq": [{"$ifNull": ["$$c.parent", None]}, None]},
        }
    }
    # The shown ids are worked out once, not once a comment.
    shown = {"$map": {"input": {"$slice": [top_level, skip, limit]}, "in": "$$this.id"}}
    return {
        "$let": {
            "vars": {"shown": shown},
            "in": {
                "$filter": {
                    "input": "$comments",
                    "as": "c",
                    "cond": {"$or": [{"$in": ["$$c.id", "$$shown"]}, {"$in": ["$$c.parent", "$$shown"]}]},
                }
            },
        }
    }


def page_of_comment(collection, post_id, comment_id, per_page, order=OLDEST):
    """The page of post ``post_id`` that shows ``comment_id``, or ``None``.
    One read of that post by its ``_id``, of the comments' ids and parents
    only (bounded by ``MAX_COMMENTS_PER_POST``)."""
    found = collection.find_one(
        {"_id": post_id, "comments.id": comment_id}, {"comments.id": 1, "comments.parent": 1}
    )
    if not found:
        return None
    comments = found.get("comments", [])
    target = next(c for c in comments if c["id"] == comment_id)
    thread = target.get("parent") or comment_id
    tops = [c["id"] for c in comments if not c.get("parent")]
    if order == NEWEST:
        tops.reverse()
    return tops.index(thread) // per_page + 1 if thread in tops else 1


def _stored_range(page, per_page, threads_stored, order):
    """``(skip, limit)`` of a page's threads in the order they are stored
    (oldest first): newest first, page 1 is the last ``per_page`` of them."""
    skip = (page - 1) * per_page
    if order == OLDEST or threads_stored == 0:
        return skip, per_page
    start = max(0, threads_stored - skip - per_page)
    return start, threads_stored - skip - start


class CommentPages:
    """The post page's reads of comments, mixed into
    :class:`~site_app.models.posts.Post`."""

    @classmethod
    def comment_page(cls, post_id, comment_id, per_page, order=OLDEST):
        """The page where the post page shows the comment, or ``None``."""
        post_id, oid = as_object_id(post_id), as_object_id(comment_id)
        if post_id is None or oid is None:
            return None
        return page_of_comment(cls._get_collection(), post_id, oid, per_page, order)

    @classmethod
    def with_comment_page(cls, post_id, page, per_page, order=OLDEST):
        """The post with one page of its threads loaded: ``per_page``
        top-level comments and their replies, in one aggregation of that
        one post. The post's and the comments' authors are loaded in one
        more query.

        ``page=-1`` (or past the end) is the last page. Returns
        ``(post, page, pages)`` or ``(None, 1, 1)``.
        """
        post_id = as_object_id(post_id)
        if post_id is None:
            return None, 1, 1
        head = cls.objects(id=post_id).only("comment_count", "reply_count").first()
        if head is None:
            return None, 1, 1
        pages = page_count(head.thread_count, per_page)
        page = clamp_page(page, head.thread_count, per_page)
        fields = {name: 1 for name in cls._fields if name not in ("id", "comments")}
        fields["comments"] = thread_page(*_stored_range(page, per_page, head.thread_count, order))
        rows = list(cls._get_collection().aggregate([{"$match": {"_id": post_id}}, {"$project": fields}]))
        if not rows:
            return None, 1, 1
        post = cls._from_son(rows[0])
        with no_dereference(cls):  # else reading the list loads its authors once more
            comments = post.comments
        load_users([post, *comments])
        return post, page, pages
