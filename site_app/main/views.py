"""The home page (All and Followed tabs) and the health check."""

from flask import current_app, jsonify, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..content_cache import NEWEST
from ..database import ping
from ..extensions import csrf, limiter
from ..models import Post
from ..page_cache import cached_page
from ..posts.views import listing_page
from ..suggestions import popular_tags, writers_to_follow
from . import main


@main.route("/")
@cached_page(NEWEST)
def index():
    return render_template("index.html", page=listing_page(Post.listing()), show_followed=False, start=None)


@main.route("/followed")
@login_required
@cached_page()  # a signed-in page: marked private, never kept
def show_followed():
    # Writers and tags followed, and the reader's own posts (models/followed_feed.py).
    page = listing_page(Post.followed_by(current_user))
    # Nothing to show yet: suggest where to start instead of an empty list.
    start = dict(writers=writers_to_follow(current_user), tags=popular_tags()) if page.is_empty else None
    return render_template("index.html", page=page, show_followed=True, start=start)


@main.route("/all")
def show_all():
    """The All tab's old address. The tab choice once lived in a cookie;
    this forgets any such cookie still held."""
    response = make_response(redirect(url_for(".index")))
    response.delete_cookie("show_followed")
    return response


@main.route("/healthz")
@csrf.exempt
@limiter.exempt
def healthz():
    if ping(current_app):
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="unreachable"), 503
