"""Comments across all posts in the admin: newest first (the moderation
queue's query, ``Post.recent_comments``), hide/show, delete.

Every change is the one atomic update the site uses
(``Post.set_comment_disabled``, ``Post.delete_comment``), so a post's
``comment_count`` stays right however many people comment meanwhile.
"""

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_login import current_user

from ..models import Post
from ..models.audit import AuditEntry
from ..pagination import page_arg
from .access import AdministratorsOnly

PER_PAGE = 30


class CommentsAdmin(AdministratorsOnly, BaseView):
    @expose("/")
    def index(self):
        return self.render("admin/comments.html", listing=Post.recent_comments(page_arg(), PER_PAGE))

    @expose("/<objectid:comment_id>/hide", methods=["POST"])
    def hide(self, comment_id):
        if not Post.set_comment_disabled(comment_id, True):
            abort(404)
        AuditEntry.record(current_user, "hide comment", f"comment:{comment_id}")
        flash(_("Comment hidden."), "success")
        return self._back()

    @expose("/<objectid:comment_id>/show", methods=["POST"])
    def show(self, comment_id):
        if not Post.set_comment_disabled(comment_id, False):
            abort(404)
        AuditEntry.record(current_user, "show comment", f"comment:{comment_id}")
        flash(_("Comment shown again."), "success")
        return self._back()

    @expose("/<objectid:comment_id>/delete", methods=["POST"])
    def delete(self, comment_id):
        if not Post.delete_comment(comment_id):
            abort(404)
        AuditEntry.record(current_user, "delete comment", f"comment:{comment_id}")
        flash(_("Comment deleted."), "success")
        return self._back()

    def _back(self):
        return redirect(url_for(".index", page=request.form.get("page", type=int) or 1))
