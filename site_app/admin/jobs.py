"""Background jobs that failed every retry (RQ's failed job registry), with
a Retry button each. On the embedded default jobs run in the web process and
their failures are in its log: the page says so."""

from flask import abort, current_app, flash, redirect, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _
from flask_login import current_user

from ..jobs import failed_jobs, retry_failed_job
from ..models.audit import AuditEntry
from .access import AdministratorsOnly


class FailedJobsAdmin(AdministratorsOnly, BaseView):
    @expose("/")
    def index(self):
        if not current_app.config.get("JOBS_REDIS_URL"):
            return self.render("admin/failed_jobs.html", queued=False, jobs=[], total=0)
        jobs, total = failed_jobs(current_app)
        return self.render("admin/failed_jobs.html", queued=True, jobs=jobs, total=total)

    @expose("/<job_id>/retry", methods=["POST"])
    def retry(self, job_id):
        if not current_app.config.get("JOBS_REDIS_URL") or not retry_failed_job(current_app, job_id):
            abort(404)
        AuditEntry.record(current_user, "retry job", f"job:{job_id}")
        flash(_("Job queued again."), "success")
        return redirect(url_for(".index"))
