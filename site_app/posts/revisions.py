"""A post's revisions for its author and the administrators: the list, a
diff of one against the current text, and putting one back."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..markup import ContentTooLarge
from ..models import Post
from ..models.revisions import Revision
from . import posts


def _post_for_its_editors(post_id):
    """The post for those who may edit it; to anyone else it does not exist."""
    post = Post.by_id(post_id)
    if post is None or not post.can_be_edited_by(current_user):
        abort(404)
    return post


@posts.get("/post/<objectid:post_id>/revisions")
def revisions(post_id):
    post = _post_for_its_editors(post_id)
    shown = None
    if request.args.get("diff"):
        shown = Revision.find(post.id, request.args["diff"])
        if shown is None:
            abort(404)
    kept = Revision.of_post(post.id).limit(current_app.config["MAX_REVISIONS"])
    return render_template("revisions.html", post=post, shown=shown, revisions=list(kept))


@posts.post("/post/<objectid:post_id>/revisions/<revision_id>/restore")
def restore_revision(post_id, revision_id):
    post = _post_for_its_editors(post_id)
    revision = Revision.find(post.id, revision_id)
    if revision is None:
        abort(404)
    try:
        post.restore(revision)
    except ContentTooLarge as refused:
        flash(str(refused), "danger")
        return redirect(url_for(".revisions", post_id=post.id))
    flash(_("The earlier text is back; the text it replaced is kept as a revision."), "success")
    return redirect(url_for(".post", post_id=post.id))
