"""The caller's notifications, newest first. Reading them here marks
nothing read (a GET an API client may repeat); the web page does."""

from flask import jsonify, url_for

from ..notifications.views import reader_page
from ..pagination import page_arg
from . import api
from .authentication import current_api_user
from .serializers import iso_time, page_json


def notification_json(told):
    n, actor = told.notification, told.actor
    return {
        "id": str(n.id),
        "kind": n.kind,
        "read": bool(n.read),
        "timestamp": iso_time(n.created),
        "actor": actor.username if actor else None,
        "actor_url": url_for("api.get_user", user_id=str(actor.id), _external=True) if actor else None,
        "count": n.count or 1,
        "unseen": 0 if n.read else (n.unseen or 1),
        "excerpt": n.excerpt,
        "post_url": url_for("api.get_post", post_id=str(n.post), _external=True)
        if n.post and told.post_title is not None
        else None,
        "comment_url": url_for(
            "api.get_post_comment", post_id=str(n.post), comment_id=str(n.comment), _external=True
        )
        if n.comment and n.post
        else None,
    }


@api.get("/notifications/")
def list_notifications():
    page = reader_page(current_api_user(), page_arg())
    return jsonify(
        page_json("notifications", [notification_json(t) for t in page.items], page, "api.list_notifications")
    )
