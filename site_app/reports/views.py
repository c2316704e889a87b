"""Reporting a post, a comment or a member; moderators deciding on reports
(the queue itself is the first tab of ``/moderate``)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..decorators import confirmed_required, permission_required
from ..extensions import limiter
from ..models import Permission
from ..models.reports import AlreadyReported, Report, decide, find_target
from . import reports
from .forms import DecisionForm, ReportForm


def _report_rate_limit():
    return current_app.config["REPORT_RATE_LIMIT"]


def _reporter_key():
    return f"report:{current_user.get_id()}"


def target_url(target):
    """Where a reported thing is shown."""
    if target.kind == "user":
        return url_for("profiles.user", username=target.username)
    if target.kind == "comment":
        return url_for("comments.show", post_id=target.post_id, comment_id=target.comment_id)
    return url_for("posts.post", post_id=target.post_id)


@reports.route("/report", methods=["GET", "POST"])
@confirmed_required
@limiter.limit(
    _report_rate_limit,
    methods=["POST"],
    key_func=_reporter_key,
    error_message="Too many reports at once. Wait a while and try again.",
)
def report():
    form = ReportForm(target=request.args.get("target"))
    target = find_target(form.target.data)
    if target is None:
        abort(404)
    status = 200
    if form.validate_on_submit():
        try:
            Report.file(current_user, target, form.reason.data, form.note.data)
        except AlreadyReported as refused:
            form.reason.errors = [*form.reason.errors, str(refused)]
            status = 409
        else:
            flash(_("Thank you: a moderator will look at your report."), "success")
            return redirect(target_url(target))
    elif form.errors:
        status = 400
    return render_template("report.html", form=form, target=target, back=target_url(target)), status


@reports.route("/moderate/reports", methods=["POST"])
@permission_required(Permission.MODERATE)
def decide_reports():
    """A moderator's decision on a reported target: hide, unpublish, delete,
    disable its author, or dismiss the reports."""
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    closed = decide(form.target.data, form.decision.data, current_user._get_current_object())
    if closed is None:
        abort(400)
    flash(
        ngettext(
            "Done: %(num)d report closed, and the reader who sent it is told.",
            "Done: %(num)d reports closed, and the readers who sent them are told.",
            closed,
        ),
        "success",
    )
    return redirect(url_for("comments.moderate"))
