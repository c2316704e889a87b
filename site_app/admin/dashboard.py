"""The admin dashboard: the counts an operator looks at first.

Every number is a count from collection metadata or an aggregation over
one small index (never the documents: a post holds its comments); no
document is loaded to produce them.
"""

from datetime import timedelta

from flask import current_app
from flask_admin import AdminIndexView, expose

from ..database import get_db
from ..models import Post, User, utcnow
from .access import AdministratorsOnly


def _file_totals(files):
    """``(bytes, count)`` of the stored files, summed over the
    ``media_length`` index alone (a covered plan)."""
    result = list(
        files.aggregate(
            [
                {"$match": {"length": {"$gte": 0}}},
                {"$group": {"_id": None, "total": {"$sum": "$length"}, "count": {"$sum": 1}}},
            ]
        )
    )
    if not result:
        return 0, 0
    return result[0]["total"], result[0]["count"]


def site_counts():
    """``{"users", "new_users_week", "disabled_users", "posts", "comments",
    "files", "file_bytes"}`` for the dashboard."""
    week_ago = utcnow() - timedelta(days=7)
    file_bytes, files = _file_totals(get_db(current_app)["fs.files"])
    return {
        "users": User.objects.count(),
        "new_users_week": User.objects(member_since__gte=week_ago).count(),
        "disabled_users": User.objects(disabled=True).count(),
        "posts": Post.objects.count(),
        "comments": Post.total_comments(),
        "files": files,
        "file_bytes": file_bytes,
    }


class DashboardView(AdministratorsOnly, AdminIndexView):
    @expose("/")
    def index(self):
        return self.render("admin/dashboard.html", counts=site_counts())
