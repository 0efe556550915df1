"""The admin's spreadsheet import: upload → preview (a dry run) → confirm → result; and the template.

The preview is the import's own plan without the write, so what it shows is what confirming will
do. Near-duplicates it flags are answered on the preview page ("use this one" or "a new one") and
previewed again; the confirm button appears only when every flag is answered. The uploaded file is
kept in an `ImportJob` row between the steps (the session is a signed cookie, too small for a file),
with a digest of the file and the answers, so the confirmation applies exactly what was previewed.

A confirmed file of up to `ADMIN_INLINE_ROWS` rows is imported in the request; a larger one is queued
for the worker (`twinning.imports.jobs`), and the curator is taken to the job's page, which shows the
rows done and refreshes itself until the import has finished or failed (with the reason, and a button
to run it again).
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from twinning import services
from twinning.admin.world import ReadOnlyAdmin
from twinning.forms import ImportForm
from twinning.imports import jobs
from twinning.imports.spreadsheet import ALL_COLUMNS, COLUMNS, OPTIONAL_COLUMNS, import_twinnings
from twinning.models import ImportJob

# The preview plans in memory within the request (bench/bench_import.py: 5,000 rows in a few
# seconds); confirming a file of more than ADMIN_INLINE_ROWS rows queues the import for the worker.
# Larger files go through `manage.py import_twinnings`.
ADMIN_MAX_ROWS = 5000
ADMIN_INLINE_ROWS = 500
TEMPLATE_FILE = settings.BASE_DIR / "fixtures" / "import-template.csv"


class ImportViewsMixin:
    change_list_template = "admin/twinning/pairing/change_list.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
            *super().get_urls(),
        ]

    def _import_url(self, name: str = "import") -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", current_app=self.admin_site.name)

    def import_template_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return FileResponse(
            open(TEMPLATE_FILE, "rb"), as_attachment=True, filename="twinwatch-import-template.csv",
            content_type="text/csv; charset=utf-8",
        )

    def _stored_job(self, request, digest: str):
        """The user's previewed upload this confirmation or answer names, or None (expired, forged,
        already imported)."""
        return ImportJob.objects.filter(
            user=request.user, digest=digest, state=ImportJob.State.PREVIEWED
        ).first() if digest else None

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm()
        report = None
        job = None
        if request.method == "POST" and ("confirm" in request.POST or "answer" in request.POST):
            job = self._stored_job(request, request.POST.get("confirm") or request.POST.get("answer", ""))
            if job is None:
                messages.error(request, _("That preview has expired. Upload the file again."))
                return HttpResponseRedirect(self._import_url())
            data = bytes(job.data)
            if "answer" in request.POST:
                answers = {
                    name.removeprefix("flag:"): value
                    for name, value in request.POST.items()
                    if name.startswith("flag:") and value
                }
                services.import_job_answer(job, resolutions=answers)
                report = import_twinnings(data, dry_run=True, user=request.user, max_rows=ADMIN_MAX_ROWS, resolutions=answers)
            elif job.rows_total > ADMIN_INLINE_ROWS:
                jobs.job_submit(job)
                messages.info(request, _("%(file)s is being imported; this page shows how far it has got.") % {"file": job.file_name})
                return HttpResponseRedirect(reverse("admin:twinning_importjob_change", args=[job.pk], current_app=self.admin_site.name))
            else:
                report = jobs.job_apply_now(job)
                if report.applied:  # else the problems are shown and the upload stays, to answer or retry
                    counts = report.counts()
                    messages.success(
                        request,
                        _("Imported %(file)s: %(rows)d rows (%(create)d created, %(change)d changed, %(unchanged)d unchanged).")
                        % {"file": job.file_name, "rows": len(report.rows), **counts},
                    )
                    return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
        elif request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read()
                report = import_twinnings(data, dry_run=True, user=request.user, max_rows=ADMIN_MAX_ROWS)
                if report.ok:
                    job = services.import_job_create(data=data, file_name=upload.name, rows=len(report.rows), user=request.user)
                else:
                    job = ImportJob(file_name=upload.name)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import spreadsheet"),
            "form": form,
            "report": report,
            "file_name": job.file_name if job else "",
            "confirm_digest": job.digest if job is not None and report is not None and report.ready else "",
            "answer_digest": job.digest if job is not None and report is not None and report.ok else "",
            "columns": COLUMNS,
            "optional_columns": OPTIONAL_COLUMNS,
            "all_columns": ALL_COLUMNS,
            "template_url": self._import_url("import_template"),
            "problems_by_row": sorted(report.problems, key=lambda p: (p.row or 0, p.column)) if report else [],
        }
        return TemplateResponse(request, "admin/twinning/pairing/import.html", context)


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Who uploaded which spreadsheet, the answers given to its flags and what became of it. A queued
    or running import's page shows its progress and refreshes itself (a meta refresh: no script)."""

    change_form_template = "admin/twinning/importjob/change_form.html"
    list_display = ("file_name", "state", "user", "rows_total", "rows_done", "created_at", "finished_at")
    list_filter = ("state",)
    list_select_related = ("user",)
    fields = ("file_name", "sha256", "user", "state", "rows_total", "rows_done", "counts", "error", "resolutions",
              "created_at", "started_at", "updated_at", "finished_at")
    readonly_fields = fields
    REFRESH_SECONDS = 2

    def get_urls(self):
        return [
            path("<int:object_id>/run/", self.admin_site.admin_view(self.run_again_view), name="twinning_importjob_run"),
            *super().get_urls(),
        ]

    def _may_import(self, request) -> bool:
        return request.user.has_perm("twinning.add_pairing")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        extra = {}
        if job is not None:
            active = job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING)
            extra = {
                "job": job,
                "job_active": active,
                "refresh_seconds": self.REFRESH_SECONDS if active else 0,
                "job_percent": round(100 * job.rows_done / job.rows_total) if job.rows_total else 0,
                "can_rerun": self._may_import(request) and jobs.job_can_rerun(job),
            }
        return super().change_view(request, object_id, form_url, {**extra, **(extra_context or {})})

    def run_again_view(self, request, object_id):
        """Queue a failed or abandoned import again: rows its earlier batches imported are found unchanged."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = self.get_object(request, str(object_id))
        if job is None or not self._may_import(request):
            raise PermissionDenied
        if jobs.job_can_rerun(job):
            jobs.job_submit(job)
            messages.info(request, _("%(file)s is queued to be imported again.") % {"file": job.file_name})
        else:
            messages.error(request, _("This import cannot be run again (it has finished, or is still running)."))
        return HttpResponseRedirect(reverse("admin:twinning_importjob_change", args=[job.pk], current_app=self.admin_site.name))
