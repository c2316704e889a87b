"""The home page (All and Followed tabs) and the health check."""
from flask import current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..content_cache import NEWEST
from ..database import ping
from ..extensions import csrf, limiter
from ..models import Post
from ..page_cache import cached_page
from ..posts.views import listing_page
from ..suggestions import popular_tags, writers_to_follow
from . import main

SHOW_FOLLOWED_MAX_AGE = 30 * 24 * 3600


@main.route("/")
@cached_page(NEWEST)
def index():
    show_followed = current_user.is_authenticated and bool(request.cookies.get("show_followed"))
    if show_followed:
        # A writer always sees their own posts among those they follow.
        posts = Post.by_authors(current_user.following_ids() + [current_user.id])
    else:
        posts = Post.listing()
    page = listing_page(posts)
    # Nothing to show yet: suggest where to start instead of an empty list.
    start = (dict(writers=writers_to_follow(current_user), tags=popular_tags())
             if show_followed and page.is_empty else None)
    return render_template("index.html", page=page, show_followed=show_followed, start=start)


@main.route("/all")
def show_all():
    return _remember_tab("")


@main.route("/followed")
@login_required
def show_followed():
    return _remember_tab("1")


def _remember_tab(value):
    response = make_response(redirect(url_for(".index")))
    response.set_cookie("show_followed", value, max_age=SHOW_FOLLOWED_MAX_AGE,
                        httponly=True, samesite="Lax")
    return response


@main.route("/healthz")
@csrf.exempt
@limiter.exempt
def healthz():
    if ping(current_app):
        return jsonify(status="ok", database="ok")
    return jsonify(status="error", database="unreachable"), 503
