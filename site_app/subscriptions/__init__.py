"""A writer's newsletter: subscribing by email (double opt-in), ending it
from any mail in one click, the writer's list, and mailing each new post."""

from flask import Blueprint

subscriptions = Blueprint("subscriptions", __name__)


def init_app(app):
    """The routes (the listener that mails published posts is connected
    with the others, in create_app)."""
    from . import views  # importing the views registers their routes

    app.register_blueprint(subscriptions)
    app.add_template_global(views.newsletter_on)
