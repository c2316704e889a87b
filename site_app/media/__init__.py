from flask import Blueprint

media = Blueprint("media", __name__)


@media.record_once
def _listen_for_deleted_posts(state):
    from .release import connect_signals
    connect_signals()


from . import views  # noqa: E402,F401
