"""The admin's spreadsheet import: upload → preview (a dry run) → confirm → result; and the template.

The preview is a real dry run (everything applied in a transaction, then rolled back), so what it
shows is what confirming will do. The uploaded text is kept in the session between the two steps,
with a digest so that the confirmation applies exactly the file that was previewed.
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from twinning.forms import ImportForm
from twinning.imports.spreadsheet import ALL_COLUMNS, COLUMNS, OPTIONAL_COLUMNS, import_twinnings

SESSION_KEY = "twinning_import"
# Applying a row takes some 60-100 ms (several services, each validating and recording history), so
# a web request stays well inside a worker timeout with this many; larger files go through the shell.
ADMIN_MAX_ROWS = 250
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

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm()
        report = None
        file_name = ""
        confirm_digest = ""
        if request.method == "POST" and "confirm" in request.POST:
            stored = request.session.get(SESSION_KEY)
            if not stored or stored.get("digest") != request.POST["confirm"]:
                messages.error(request, _("That preview has expired. Upload the file again."))
                return HttpResponseRedirect(self._import_url())
            file_name = stored["name"]
            report = import_twinnings(
                stored["data"], user=request.user, reason=_("Imported %(file)s in the admin") % {"file": file_name},
                max_rows=ADMIN_MAX_ROWS,
            )
            if report.applied:
                del request.session[SESSION_KEY]
                counts = report.counts()
                messages.success(
                    request,
                    _("Imported %(file)s: %(rows)d rows (%(create)d created, %(change)d changed, %(unchanged)d unchanged).")
                    % {"file": file_name, "rows": len(report.rows), **counts},
                )
                return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
        elif request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                data = upload.read()
                file_name = upload.name
                report = import_twinnings(data, dry_run=True, user=request.user, max_rows=ADMIN_MAX_ROWS)
                if report.ok:
                    confirm_digest = hashlib.sha256(data).hexdigest()
                    request.session[SESSION_KEY] = {
                        "name": file_name,
                        "digest": confirm_digest,
                        "data": data.decode("utf-8-sig"),
                    }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import spreadsheet"),
            "form": form,
            "report": report,
            "file_name": file_name,
            "confirm_digest": confirm_digest,
            "columns": COLUMNS,
            "optional_columns": OPTIONAL_COLUMNS,
            "all_columns": ALL_COLUMNS,
            "template_url": self._import_url("import_template"),
            "problems_by_row": sorted(report.problems, key=lambda p: (p.row or 0, p.column)) if report else [],
        }
        return TemplateResponse(request, "admin/twinning/pairing/import.html", context)
