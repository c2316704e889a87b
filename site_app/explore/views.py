"""``/explore``: writers the reader may want to follow, trending tags."""
from flask import render_template
from flask_login import current_user

from ..discovery import trending_tags, writers_to_follow
from . import explore


@explore.get("/explore")
def index():
    return render_template("explore.html", writers=writers_to_follow(current_user),
                           tags=trending_tags())
