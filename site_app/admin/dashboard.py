"""The admin dashboard: the counts an operator looks at first.

Every number is a count or an aggregation the database computes; no
document is loaded to produce them.
"""
from datetime import timedelta

from flask import current_app
from flask_admin import AdminIndexView, expose

from ..database import get_db
from ..models import Post, User, utcnow
from .access import AdministratorsOnly


def _sum(collection, field):
    """``$group`` sum of one numeric field over a whole collection."""
    result = list(collection.aggregate([
        {"$group": {"_id": None, "total": {"$sum": f"${field}"}, "count": {"$sum": 1}}},
    ]))
    if not result:
        return 0, 0
    return result[0]["total"], result[0]["count"]


def site_counts():
    """``{"users", "new_users_week", "disabled_users", "posts", "comments",
    "files", "file_bytes"}`` for the dashboard."""
    week_ago = utcnow() - timedelta(days=7)
    comments, posts = _sum(Post._get_collection(), "comment_count")
    file_bytes, files = _sum(get_db(current_app)["fs.files"], "length")
    return {
        "users": User.objects.count(),
        "new_users_week": User.objects(member_since__gte=week_ago).count(),
        "disabled_users": User.objects(disabled=True).count(),
        "posts": posts,
        "comments": comments,
        "files": files,
        "file_bytes": file_bytes,
    }


class DashboardView(AdministratorsOnly, AdminIndexView):
    @expose("/")
    def index(self):
        return self.render("admin/dashboard.html", counts=site_counts())
