"""The admin's spreadsheet import: upload → preview (a dry run) → confirm → result; and the template.

The preview is the import's own plan without the write, so what it shows is what confirming will
do. Near-duplicates it flags are answered on the preview page ("use this one" or "a new one") and
previewed again; the confirm button appears only when every flag is answered. The uploaded file is
kept in an `ImportJob` row between the steps (the session is a signed cookie, too small for a file),
with a digest of the file and the answers, so the confirmation applies exactly what was previewed.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from twinning import services
from twinning.admin.world import ReadOnlyAdmin
from twinning.forms import ImportForm
from twinning.imports.spreadsheet import ALL_COLUMNS, COLUMNS, OPTIONAL_COLUMNS, import_twinnings
from twinning.models import ImportJob

# The import plans in memory and writes in bulk (bench/bench_import.py: about 0.5 ms of Python a row
# for an import, 0.3 ms for a preview, plus a few bulk statements), so a file this large previews and
# imports within a web request; larger ones go through `manage.py import_twinnings`.
ADMIN_MAX_ROWS = 5000
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
            else:
                report = import_twinnings(
                    data, user=request.user, reason=_("Imported %(file)s in the admin") % {"file": job.file_name},
                    max_rows=ADMIN_MAX_ROWS, resolutions=job.resolutions,
                )
                if report.applied:  # else the problems are shown and the upload stays, to answer or retry
                    services.import_job_finish(job, applied=True, counts=report.counts())
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
    """Who uploaded which spreadsheet, the answers given to its flags and what became of it."""

    list_display = ("file_name", "state", "user", "rows_total", "rows_done", "created_at", "finished_at")
    list_filter = ("state",)
    list_select_related = ("user",)
    fields = ("file_name", "sha256", "user", "state", "rows_total", "rows_done", "counts", "resolutions", "created_at", "finished_at")
    readonly_fields = fields
