"""``/import``: the upload, then the run's progress page and summary."""

from babel.lists import format_list
from bson import ObjectId
from flask import abort, current_app, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from werkzeug.utils import secure_filename
from wtforms import SubmitField

from ..decorators import permission_required
from ..extensions import limiter
from ..forms import SiteForm
from ..models import Permission
from ..models.imports import ImportRun
from . import imports
from .reading import KINDS, kind_of
from .refusals import ImportRefused
from .runner import FILE_ID_PLACEHOLDER, start_import

RUNS_LISTED = 10


class ImportForm(SiteForm):
    file = FileField(_l("File to import"), validators=[FileRequired(_l("Choose a file to import."))])
    submit = SubmitField(_l("Import"))


def _import_rate_limit():
    return current_app.config["IMPORT_RATE_LIMIT"]


def _importer_key():
    return f"import:{current_user.get_id()}"


@imports.route("/import", methods=["GET", "POST"])
@permission_required(Permission.WRITE)
@limiter.limit(
    _import_rate_limit,
    methods=["POST"],
    key_func=_importer_key,
    error_message=_l("Too many imports at once. Wait a while and try again."),
)
def start():
    form, error = ImportForm(), None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        writer = current_user._get_current_object()
        try:
            kind = kind_of(data)
        except ImportRefused as refused:
            error = str(refused)
        else:
            file_url = url_for("media.serve_file", file_id=ObjectId(FILE_ID_PLACEHOLDER))
            run = start_import(writer, secure_filename(upload.filename or ""), data, kind, file_url)
            return redirect(url_for("imports.progress", run_id=run.id))
    status = 400 if form.is_submitted() else 200
    runs = ImportRun.of_owner(current_user.id).exclude("results").limit(RUNS_LISTED)
    kind_list = format_list([str(kind) for kind in KINDS.values()], style="or", locale=get_locale())
    return render_template(
        "import.html", form=form, error=error, runs=list(runs), kinds=KINDS, kind_list=kind_list
    ), status


@imports.get("/import/<objectid:run_id>")
@permission_required(Permission.WRITE)
def progress(run_id):
    run = ImportRun.objects(id=run_id, owner=current_user.id).first()
    if run is None:
        abort(404)
    return render_template("import_progress.html", run=run, kinds=KINDS)
