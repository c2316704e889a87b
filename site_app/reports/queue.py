"""The moderation queue's first tab: open reports grouped by target, each
with what it is, where it is, and what a moderator may do with it."""

from collections import namedtuple

from ..models.reports import DECISIONS, REASONS, Report, stored_target

REASON_LABELS = dict(REASONS)
DECISION_LABELS = {
    "hide": "Hide",
    "unpublish": "Unpublish",
    "delete": "Delete",
    "disable": "Disable the author",
    "dismiss": "Dismiss",
}

Reported = namedtuple("Reported", "key kind target count reasons notes first decisions")


def reported_targets():
    """The open reports, most reported first (bounded by ``QUEUE_SIZE``).
    A target gone meanwhile can only be dismissed."""
    rows = []
    for group in Report.open_groups():
        key = group["target"]
        kind = key.partition(":")[0]
        target = stored_target(key)
        decisions = DECISIONS[kind] if target else ("dismiss",)
        rows.append(
            Reported(
                key,
                kind,
                target,
                group["count"],
                [REASON_LABELS.get(r, r) for r in group["reasons"]],
                group["notes"],
                group["first"],
                [(d, DECISION_LABELS[d]) for d in decisions],
            )
        )
    return rows
