"""The member's archive and leaving the site."""

from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user

from ..auth.password_checks import check_code, check_own_password
from ..extensions import limiter
from ..media.serving import stream_gridfs_file
from ..models.exports import ExportJob
from ..models.leaving import LastAdministrator, is_last_administrator, remove_account
from ..models.two_factor import TwoFactor
from . import account
from .archive import archive_chunks
from .exporting import forget_exports, is_large, open_export, start_export_job
from .forms import DeleteAccountForm

_TOO_MANY = _l("Too many wrong tries. Wait a minute and try again.")
_PRIVATE = {"Cache-Control": "no-store"}


def _export_rate_limit():
    return current_app.config["EXPORT_RATE_LIMIT"]


def _member():
    return str(current_user.id)


@account.get("/account/export")
@login_required
@limiter.limit(
    _export_rate_limit,
    key_func=_member,
    error_message=_l("You asked for your archive many times: try again later."),
)
def export():
    """The zip, streamed; a large account's is built by a job instead."""
    user = current_user._get_current_object()
    if is_large(user):
        job = start_export_job(user)
        return redirect(url_for("account.export_progress", job_id=job.id))
    name = f"inkwell-{user.username}-{date.today():%Y-%m-%d}.zip"
    return Response(
        _while_answering(current_app._get_current_object(), user),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"', **_PRIVATE},
    )


def _while_answering(app, user):
    """The zip's pieces, read while the server sends them: after the view
    returned, so each in an app context of its own (no request needed; one
    context a piece, as a server may step the answer from another context)."""
    pieces = archive_chunks(user)
    while True:
        with app.app_context():
            piece = next(pieces, None)
        if piece is None:
            return
        yield piece


@account.get("/account/export/<objectid:job_id>")
@login_required
def export_progress(job_id):
    job = ExportJob.of(current_user.id, job_id) or abort(404)
    return render_template("account/export_progress.html", job=job), 200, _PRIVATE


@account.get("/account/export/<objectid:job_id>/download")
@login_required
def export_download(job_id):
    job = ExportJob.of(current_user.id, job_id) or abort(404)
    stored = open_export(job) or abort(404)
    # As a stored file is served: in pieces, and resumable (Range) however large.
    return stream_gridfs_file(stored, cache_control="private, no-store")


@account.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete():
    """The page that offers the export first; posted, the account goes."""
    user = current_user._get_current_object()
    second = TwoFactor.enabled_for(user)
    form = DeleteAccountForm()
    if not form.is_submitted():
        return _delete_page(form, second, user)
    if is_last_administrator(user):
        flash(_("You are the last Administrator: make another member Administrator first."), "danger")
        return _delete_page(form, second, user, 409)
    if not form.validate():
        return _delete_page(form, second, user, 400)
    if not check_own_password(user, form.password.data, _TOO_MANY):
        form.password.errors.append(_("That is not your password."))
        return _delete_page(form, second, user, 400)
    if second is not None and not _second_factor_ok(user, second, form):
        return _delete_page(form, second, user, 400)
    forget_exports(user)
    try:
        remove_account(user)
    except LastAdministrator:  # another Administrator left meanwhile
        flash(_("You are the last Administrator: make another member Administrator first."), "danger")
        return _delete_page(form, second, user, 409)
    logout_user()
    flash(_("Your account and everything in it are deleted. Goodbye."), "info")
    return redirect(url_for("main.index"))


def _second_factor_ok(user, second, form):
    code = (form.code.data or "").strip()
    if not code:
        form.code.errors.append(_("Enter the code from your app: two-factor sign-in is on."))
        return False
    if not check_code(user, lambda: second.verify(code), _TOO_MANY):
        form.code.errors.append(_("That code is not right."))
        return False
    return True


def _delete_page(form, second, user, status=200):
    if second is None:
        del form.code
    return (
        render_template("account/delete.html", form=form, last_administrator=is_last_administrator(user)),
        status,
        _PRIVATE,
    )
