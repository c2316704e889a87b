"""``/stats``: the signed-in writer's numbers."""

from flask import render_template
from flask_login import current_user

from ..decorators import permission_required
from ..models import Permission
from ..view_counting import flush_views
from . import stats
from .chart import bar_chart
from .numbers import WINDOW_DAYS, writer_numbers


@stats.get("/stats")
@permission_required(Permission.WRITE)
def index():
    flush_views()  # this process's latest; other processes' within their interval
    numbers = writer_numbers(current_user.id)
    return render_template(
        "stats.html", numbers=numbers, chart=bar_chart(numbers.days), window_days=WINDOW_DAYS
    )
