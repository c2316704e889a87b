"""The admin interface (Flask-Admin), Administrators only."""


def init_admin(app):
    """Mount Flask-Admin on ``/admin/``."""
