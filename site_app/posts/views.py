"""Writing, reading, editing and deleting posts; comments on a post; tags,
search, the Atom feed and the Markdown preview."""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from ..comment_quota import TooManyComments, spend_comment_allowance
from ..content_cache import NEWEST, SEARCH
from ..decorators import missing_permission, permission_required
from ..errors import error_response
from ..further_reading import further_reading
from ..markup import ContentTooLarge, render_markdown
from ..models import CommentGone, CommentsClosed, Permission, Post, normalise_tags
from ..models.first_day import NewAccountLimit, first_day_allowance
from ..models.posts import BODY_MAX
from ..models.reading import stored_images
from ..models.schedule import KEEP
from ..models.tags import TAGS_TEXT_MAX
from ..models.threads import OLDEST, threads
from ..models.threads import ORDERS as COMMENT_ORDERS
from ..page_cache import cached_page, not_worth_keeping
from ..pagination import Page, page_arg, page_by_key
from ..search import highlight, search_people, search_posts, search_tags, search_terms
from ..suggestions import popular_tags
from ..view_counting import counts_views, post_shown
from . import posts
from .feed import feed_response
from .forms import CommentForm, EditPostForm, WritePostForm


def get_post(post_id, check_editor=False):
    """The post (without comments), 404 when the id is unknown or it is a
    draft of someone else's, 403 when ``check_editor`` and the current user
    may not change it."""
    post = Post.by_id(post_id)
    if post is None or not post.can_be_read_by(current_user):
        abort(404)
    if check_editor and not post.can_be_edited_by(current_user):
        abort(403)
    return post


def listing_page(queryset):
    """One page of posts (by key, newest first) with their authors loaded
    in one query."""
    page = page_by_key(queryset, current_app.config["POSTS_PER_PAGE"])
    Post.with_authors(page.items)
    return page


# -- write, edit, delete -----------------------------------------------------
@posts.route("/write", methods=["GET", "POST"])
@permission_required(Permission.WRITE)
def write():
    form = WritePostForm()
    if form.validate_on_submit():
        body = _with_stored_images(form)
        if body is not None:
            publish_at = form.publish_at_utc
            draft = bool(form.save_draft.data or publish_at)
            try:
                with first_day_allowance(current_user, "posts"):
                    post = Post.publish(
                        current_user._get_current_object(),
                        form.title.data,
                        body,
                        form.tags.data,
                        draft=draft,
                        details=form.details(),
                        submission=form.submission.data,
                        publish_at=publish_at,
                    )
            except (ContentTooLarge, NewAccountLimit) as refused:
                form.body.errors.append(str(refused))
            else:
                flash(str(_SAVED["scheduled" if post.scheduled else draft]), "success")
                return redirect(url_for(".post", post_id=post.id))
    status = 400 if form.errors else 200
    return render_template("write.html", form=form), status


_SAVED = {
    True: _l("Your draft is saved. Only you can see it."),
    False: _l("Your post is published."),
    "scheduled": _l("Your post is scheduled: only you can see it until its time comes."),
}


def _with_stored_images(form):
    """The body with the uploaded images appended, or ``None`` (and a field
    error) when an image is rejected."""
    body = form.body.data
    uploads = [f for f in form.images.data or [] if f and f.filename]
    if not uploads:
        return body
    from ..media.quota import spend_uploads
    from ..media.storage import UploadRejected, markdown_for, store_post_images
    from ..media.views import with_url

    try:
        spend_uploads(current_user, len(uploads))
        stored = store_post_images(uploads, current_user._get_current_object())
    except UploadRejected as rejected:
        form.images.errors.append(rejected.message)
        return None
    return body.rstrip() + "\n\n" + "\n\n".join(markdown_for(with_url(item)) for item in stored)


@posts.route("/edit/<objectid:post_id>", methods=["GET", "POST"])
@permission_required(Permission.WRITE)
def edit(post_id):
    post = get_post(post_id, check_editor=True)
    form = EditPostForm.for_post(post)
    if form.validate_on_submit():
        was_draft = bool(post.draft)
        publish_at = form.publish_at_utc if was_draft else KEEP  # an empty time cancels it
        try:
            post.edit(
                form.title.data,
                form.body.data,
                form.tags.data,
                draft=bool(form.save_draft.data or form.publish_at_utc) if was_draft else None,
                details=form.details(),
                publish_at=publish_at,
            )
        except ContentTooLarge as refused:
            form.body.errors.append(str(refused))
        else:
            saved = "scheduled" if post.scheduled else post.draft
            flash(str(_SAVED[saved]) if was_draft else _("The post is updated."), "success")
            return redirect(url_for(".post", post_id=post.id))
    status = 400 if form.errors else 200
    return render_template("edit_post.html", form=form, post=post), status


@posts.get("/drafts")
@permission_required(Permission.WRITE)
def drafts():
    """The signed-in writer's own drafts (an administrator's too: others'
    drafts are theirs to list, not the site's)."""
    return render_template("drafts.html", page=listing_page(Post.drafts_of(current_user.id)))


@posts.post("/publish/<objectid:post_id>")
@permission_required(Permission.WRITE)
def publish(post_id):
    """Publish a draft as it stands (the drafts page's button)."""
    post = _editable_or_404(post_id)
    if not post.draft:  # published already (a second click): nothing to change
        return redirect(url_for(".post", post_id=post.id))
    try:
        post.edit(post.title, post.body, post.tags, draft=False)
    except ContentTooLarge as refused:
        flash(str(refused), "danger")
        return redirect(url_for(".edit", post_id=post.id))
    flash(str(_SAVED[False]), "success")
    return redirect(url_for(".post", post_id=post.id))


@posts.post("/unschedule/<objectid:post_id>")
@permission_required(Permission.WRITE)
def unschedule(post_id):
    """Cancel a draft's scheduled publication (the drafts page's button)."""
    _editable_or_404(post_id).unschedule()
    flash(_("The schedule is cancelled: the post stays your draft."), "success")
    return redirect(url_for(".drafts"))


@posts.post("/unpublish/<objectid:post_id>")
@permission_required(Permission.WRITE)
def unpublish(post_id):
    """A published post back to a draft, its comments kept for later."""
    post = _editable_or_404(post_id)
    post.unpublish()
    flash(_("The post is a draft again: only you can see it until you publish it."), "success")
    return redirect(url_for(".post", post_id=post.id))


def _editable_or_404(post_id):
    """The post for its editors; to anyone else it does not exist (publishing
    or unpublishing tells a stranger nothing about a post)."""
    post = Post.by_id(post_id)
    if post is None or not post.can_be_edited_by(current_user):
        abort(404)
    return post


@posts.route("/delete/<objectid:post_id>", methods=["POST"])
@permission_required(Permission.WRITE)
def delete(post_id):
    post = get_post(post_id, check_editor=True)
    post.remove()
    flash(_("The post is deleted."), "success")
    return redirect(url_for("main.index"))


# -- reading and commenting --------------------------------------------------
@posts.get("/post/<objectid:post_id>")
@counts_views  # outside the cache: its hits are views too
@cached_page("post:{post_id}")
def post(post_id):
    # The form (and its CSRF token, which writes the session cookie) only for
    # readers who may comment: the page stays cookie-free, so cacheable, for others.
    form = CommentForm() if missing_permission(Permission.COMMENT) is None else None
    return _render_post(post_id, form)


@posts.post("/post/<objectid:post_id>")
@permission_required(Permission.COMMENT)
def comment(post_id):
    post = get_post(post_id)
    form = CommentForm()
    status = 400
    if form.validate_on_submit():
        try:
            spend_comment_allowance(current_user)
            with first_day_allowance(current_user, "comments"):
                comment = post.add_comment(
                    current_user._get_current_object(),
                    form.body.data,
                    parent_id=form.parent_id.data or None,
                    submission=form.submission.data,
                )
        except NewAccountLimit as refused:
            form.body.errors.append(str(refused))
        except CommentGone:
            form.parent_id.data = ""  # sent again, it is a new comment
            form.body.errors.append(
                "The comment you answered was deleted; send yours again to post it as a new comment."
            )
        except CommentsClosed as closed:
            form.body.errors.append(str(closed) or "Comments are closed on this post.")
        except ContentTooLarge as refused:
            form.body.errors.append(str(refused))
        except TooManyComments as refused:
            form.body.errors.append(refused.description)
            status = 429
        else:
            flash("Your reply is posted." if comment.parent else "Your comment is posted.", "success")
            # A new thread is on the last page (the first, newest first); a
            # reply on its parent's (the page replied from).
            order = comment_order()
            page = page_arg() if comment.parent and request.args.get("page") else 1 if order != OLDEST else -1
            return redirect(
                url_for(".post", post_id=post.id, page=page, sort=None if order == OLDEST else order)
                + f"#comment-{comment.id}"
            )
    return _render_post(post_id, form, status=status)


def comment_order():
    """The comments' order a request asks for (``?sort=``), oldest first by default."""
    order = request.values.get("sort")
    return order if order in COMMENT_ORDERS else OLDEST


def _render_post(post_id, form, status=200):
    """The post page: the post with only the requested page of comments."""
    per_page = current_app.config["COMMENTS_PER_PAGE"]
    order = comment_order()
    post, page, _pages = Post.with_comment_page(post_id, page_arg(), per_page, order)
    if post is None or not post.can_be_read_by(current_user):
        abort(404)
    post_shown(post)
    comments = Page(threads(post.comments, order), page, per_page, post.thread_count)
    # "Reply" links come back here with ?reply_to=<comment id> (no script needed).
    reply_to = next((c for c in post.comments if str(c.id) == request.args.get("reply_to")), None)
    if form is not None and reply_to is not None and not form.parent_id.data:
        form.parent_id.data = str(reply_to.id)
    replying = reply_to if form is not None and form.parent_id.data else None
    further = None if post.draft else further_reading(post)
    return render_template(
        "post.html", post=post, comments=comments, form=form, replying=replying, further=further, order=order
    ), status


@posts.app_template_filter("stored_tags")
def stored_tags_filter(text):
    """The tags a post would store for what the writer typed."""
    return normalise_tags(text or "")


@posts.app_template_filter("markdown")
def markdown_filter(text):
    """Sanitised HTML of Markdown (the preview of a draft re-shown after an
    error); nothing for a draft refused as too large, which the form says."""
    try:
        return Markup(render_markdown(text))
    except ContentTooLarge:
        return Markup("")


@posts.app_template_filter("cover_choices")
def cover_choices_filter(text):
    """The stored images a body shows: the choices of its cover."""
    try:
        return stored_images(render_markdown(text or ""))
    except ContentTooLarge:
        return []


@posts.app_template_filter("highlight")
def highlight_filter(text, terms=None):
    """The searched words marked in a title or excerpt (search results)."""
    return highlight(text, terms)


# -- tags, search, feed ------------------------------------------------------
@posts.route("/tag/<path:tag>")  # path: tags like "ci/cd" keep their slash
@cached_page("tag:{tag}")
def tag(tag):
    clean = normalise_tags([tag])
    if not clean:
        abort(404)
    if clean[0] != tag:
        return redirect(url_for(".tag", tag=clean[0]), 301)
    page = listing_page(Post.tagged(tag))
    if page.is_empty:  # an unknown tag: anyone can make up endless ones
        not_worth_keeping()
    return render_template("tag.html", tag=tag, page=page, count=Post.count_tagged(tag))


@posts.route("/search")
@cached_page(SEARCH)
def search():
    query = request.args.get("q", "").strip()
    page = search_posts(query, page_arg(), current_app.config["POSTS_PER_PAGE"])
    # People and tags head the first page only; later pages go on with posts.
    first = page.page == 1
    people, tags = (search_people(query), search_tags(query)) if first else ([], [])
    # No match: popular tags are somewhere to go from here.
    suggested = popular_tags() if query and not (page.total or people or tags) else []
    if not (page.items or people or tags):  # found nothing: made-up words must not fill the cache
        not_worth_keeping()
    return render_template(
        "search.html",
        query=query,
        page=page,
        terms=search_terms(query),
        people=people,
        tags=tags,
        suggested_tags=suggested,
    )


@posts.route("/feed.atom")
@cached_page(NEWEST, everyone=True)  # its links are on SITE_URL: the same for every reader
def feed():
    return feed_response(Post.listing())


@posts.route("/feeds")
@cached_page()
def feeds():
    """How to follow the site in a feed reader: the footer's link, a page a
    person reads rather than the feed's raw XML."""
    return render_template("feeds.html")


@posts.route("/tag/<path:tag>/feed.atom")
@cached_page("tag:{tag}", everyone=True)
def tag_feed(tag):
    clean = normalise_tags([tag])
    if not clean:
        abort(404)
    if clean[0] != tag:  # e.g. an address from before tags lost their spaces
        return redirect(url_for(".tag_feed", tag=clean[0]), 301)
    return feed_response(Post.tagged(tag), subtitle=f"Posts tagged #{tag}", page="posts.tag", tag=tag)


@posts.route("/preview", methods=["POST"])
@permission_required(Permission.WRITE)
def preview():
    """Sanitised HTML of a Markdown draft (the live preview); CSRF-checked
    like every POST, the token travelling in the ``X-CSRFToken`` header."""
    text = request.form.get("body", "")
    if len(text) > BODY_MAX:
        abort(413)
    try:
        # The tags as they will be stored, so the writer sees them before saving.
        return jsonify(
            html=render_markdown(text), tags=normalise_tags(request.form.get("tags", "")[:TAGS_TEXT_MAX])
        )
    except ContentTooLarge as refused:
        return error_response(400, str(refused))
