"""A bar chart of views per day as SVG shapes, drawn on the server: no
script, no inline style (the CSP refuses it; colours come from classes in
site.css). The template writes the shapes; the same numbers are in a table
beside it for those who do not see the chart."""

from dataclasses import dataclass

WIDTH, HEIGHT = 600, 160
# Room for the axis labels: the largest value on the left, dates below.
LEFT, BOTTOM, TOP = 40, 20, 8
GAP = 2


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: object
    views: int


@dataclass
class Chart:
    width: int
    height: int
    bars: list
    peak: int  # the value of the top line
    baseline: float  # y of the axis
    top: float  # y of the peak line
    left: float


def bar_chart(days):
    """``days``: ``[(day, views, …)]`` oldest first. Bars scaled to the
    busiest day (a chart of zeros has flat bars at the axis)."""
    peak = max((views for _day, views, *_rest in days), default=0)
    baseline, room = HEIGHT - BOTTOM, HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT) / max(len(days), 1)
    bars = []
    for n, (day, views, *_rest) in enumerate(days):
        height = round(room * views / peak, 1) if peak else 0
        bars.append(
            Bar(
                x=round(LEFT + n * step + GAP / 2, 1),
                y=round(baseline - height, 1),
                width=round(step - GAP, 1),
                height=height,
                day=day,
                views=views,
            )
        )
    return Chart(WIDTH, HEIGHT, bars, peak, baseline, TOP, LEFT)
