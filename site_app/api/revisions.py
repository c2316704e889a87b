"""A post's revisions (models/revisions.py) for its author and the
administrators: the list, one with its diff against the current text, and
putting one back. To anyone else they do not exist (404, as on the site)."""

from flask import current_app, jsonify, url_for

from ..errors import error_response
from ..markup import ContentTooLarge
from ..models import Post
from ..models.revisions import Revision
from . import api
from .authentication import current_api_user
from .inputs import found_or_404
from .serializers import iso_time, post_json


def _post_for_its_editors(post_id):
    post = Post.by_id(post_id)
    editable = post is not None and post.can_be_edited_by(current_api_user())
    return found_or_404(post if editable else None, "post")


def revision_json(revision, diff=None):
    answer = {
        "id": str(revision.id),
        "url": url_for(
            "api.get_revision", post_id=str(revision.post), revision_id=str(revision.id), _external=True
        ),
        "created": iso_time(revision.created),
        "size": revision.size,
        "title": revision.title,
        "body": revision.body,
        "tags": list(revision.tags),
        **{name: str(value) if value else None for name, value in revision.details().items()},
    }
    if diff is not None:
        answer["diff"] = [{"kind": kind, "line": line} for kind, line in diff]
    return answer


@api.get("/posts/<objectid:post_id>/revisions/")
def list_revisions(post_id):
    post = _post_for_its_editors(post_id)
    kept = Revision.of_post(post.id).limit(current_app.config["MAX_REVISIONS"])
    return jsonify({"revisions": [revision_json(revision) for revision in kept]})


@api.get("/posts/<objectid:post_id>/revisions/<objectid:revision_id>")
def get_revision(post_id, revision_id):
    post = _post_for_its_editors(post_id)
    revision = found_or_404(Revision.find(post.id, revision_id), "revision")
    return jsonify(revision_json(revision, diff=revision.diff_against(post)))


@api.post("/posts/<objectid:post_id>/revisions/<objectid:revision_id>/restore")
def restore_revision(post_id, revision_id):
    post = _post_for_its_editors(post_id)
    revision = found_or_404(Revision.find(post.id, revision_id), "revision")
    try:
        post.restore(revision)
    except ContentTooLarge as exc:
        return error_response(400, str(exc))
    Post.with_authors([post])
    return jsonify(post_json(post))
