"""A writer's newsletter: subscribing by email (double opt-in), ending it
from any mail in one click, the writer's list, and mailing each new post."""
from flask import Blueprint

subscriptions = Blueprint("subscriptions", __name__)


def init_app(app):
    """The routes, and the listener that mails published posts."""
    from . import sending, views  # importing the views registers their routes
    app.register_blueprint(subscriptions)
    app.add_template_global(views.newsletter_on)
    sending.connect_signals()
