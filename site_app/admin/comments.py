"""Comments across all posts in the admin: newest first, hide/show, delete.

Every change is the one atomic update the site uses
(``Post.set_comment_disabled``, ``Post.delete_comment``), so a post's
``comment_count`` stays right however many people comment meanwhile.
"""
from math import ceil

from bson import ObjectId
from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose

from ..models import Post, User
from ..pagination import Page, page_arg
from .access import AdministratorsOnly
from .dashboard import total_comments

PER_PAGE = 30


def newest_comments(page, per_page):
    """One page of comments across every post, newest first, as dicts with
    the post's id and title and the author's username.

    One aggregation (``$unwind``, sort on the indexed ``comments.timestamp``,
    skip/limit) and one query for the authors' names.
    """
    total = total_comments()
    pages = max(1, ceil(total / per_page))
    page = pages if page == -1 or page > pages else max(page, 1)
    rows = list(Post._get_collection().aggregate([
        {"$match": {"comment_count": {"$gt": 0}}},
        {"$project": {"title": 1, "comments": 1}},
        {"$unwind": "$comments"},
        {"$sort": {"comments.timestamp": -1}},
        {"$skip": (page - 1) * per_page},
        {"$limit": per_page},
    ]))
    author_ids = {row["comments"].get("author") for row in rows} - {None}
    names = {u.id: u.username for u in User.objects(id__in=list(author_ids)).only("username")}
    items = [{
        "post_id": row["_id"],
        "post_title": row["title"],
        "id": row["comments"]["id"],
        "body_html": row["comments"].get("body_html") or "",
        "timestamp": row["comments"].get("timestamp"),
        "disabled": row["comments"].get("disabled", False),
        "author": names.get(row["comments"].get("author"), "(deleted account)"),
    } for row in rows]
    return Page(items, page, per_page, total)


def _comment_id(value):
    if not ObjectId.is_valid(value):
        abort(404)
    return ObjectId(value)


class CommentsAdmin(AdministratorsOnly, BaseView):
    @expose("/")
    def index(self):
        return self.render("admin/comments.html", listing=newest_comments(page_arg(), PER_PAGE))

    @expose("/<comment_id>/hide", methods=["POST"])
    def hide(self, comment_id):
        if not Post.set_comment_disabled(_comment_id(comment_id), True):
            abort(404)
        flash("Comment hidden.", "success")
        return self._back()

    @expose("/<comment_id>/show", methods=["POST"])
    def show(self, comment_id):
        if not Post.set_comment_disabled(_comment_id(comment_id), False):
            abort(404)
        flash("Comment shown again.", "success")
        return self._back()

    @expose("/<comment_id>/delete", methods=["POST"])
    def delete(self, comment_id):
        if not Post.delete_comment(_comment_id(comment_id)):
            abort(404)
        flash("Comment deleted.", "success")
        return self._back()

    def _back(self):
        return redirect(url_for(".index", page=request.form.get("page", type=int) or 1))
