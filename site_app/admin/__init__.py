"""The admin interface (Flask-Admin), Administrators only.

Flask-Admin 2.2 ships one theme, Bootstrap 4; ``admin/site_master.html``
brings it to the site's look (brand colours, navbar) with local assets only,
and every view shares the site's CSP nonce and CSRF token.
"""

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from ..models import Post, Role, User
from ..models.audit import AuditEntry
from ..web import csp_nonce
from .audit import AuditAdmin
from .comments import CommentsAdmin
from .dashboard import DashboardView
from .files import FilesAdmin
from .jobs import FailedJobsAdmin
from .posts import PostAdmin
from .roles import RoleAdmin
from .users import UserAdmin


def init_admin(app):
    """Mount Flask-Admin on ``/admin/`` (a new Admin per app: tests build many)."""
    admin = Admin(
        app,
        name=f"{app.config['SITE_NAME']} admin",
        theme=Bootstrap4Theme(base_template="admin/site_master.html"),
        index_view=DashboardView(name=_l("Dashboard"), url="/admin"),
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(UserAdmin(User, name=_l("Users"), endpoint="admin_users"))
    admin.add_view(PostAdmin(Post, name=_l("Posts"), endpoint="admin_posts"))
    admin.add_view(CommentsAdmin(name=_l("Comments"), endpoint="admin_comments", url="comments"))
    admin.add_view(FilesAdmin(name=_l("Files"), endpoint="admin_files", url="files"))
    admin.add_view(RoleAdmin(Role, name=_l("Roles"), endpoint="admin_roles"))
    admin.add_view(AuditAdmin(AuditEntry, name=_l("Audit log"), endpoint="admin_audit"))
    admin.add_view(FailedJobsAdmin(name=_l("Failed jobs"), endpoint="admin_jobs", url="jobs"))
    return admin
