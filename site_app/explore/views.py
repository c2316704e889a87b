"""``/explore``: writers the reader may want to follow, trending tags."""

from flask import render_template
from flask_login import current_user

from ..content_cache import NEWEST
from ..discovery import trending_tags, writers_to_follow
from ..page_cache import cached_page
from . import explore


@explore.get("/explore")
# New posts change the trending tags; follows, the ranking of writers, which
# the page (like discovery's own cache) lets lag EXPLORE_CACHE_SECONDS at most.
@cached_page(NEWEST, timeout=lambda config: config["EXPLORE_CACHE_SECONDS"])
def index():
    return render_template("explore.html", writers=writers_to_follow(current_user), tags=trending_tags())
