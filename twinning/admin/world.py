"""The admin for the world register: Wikidata import reports (read-only), ambiguous matches for
review (with their candidate places), snapshots and listings (evidence, read-only), and an upload of
small Wikidata files on the snapshot list: upload → preview (a real dry run, rolled back) → confirm,
through the same importer as `manage.py import_wikidata`, keeping its report."""

import datetime as dt
import hashlib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from twinning.forms import WikidataImportForm
from twinning.imports.wikidata import WikidataImportError, import_wikidata
from twinning.models import AmbiguousMatch, ImportReport, Listing, Snapshot

SESSION_KEY = "twinning_wikidata_import"


class _DryRun(Exception):
    """Raised inside the preview's transaction so that nothing it wrote is kept."""

    def __init__(self, report):
        self.report = report


def wikidata_dry_run(data: bytes, *, snapshot: dt.date, file_name: str, user) -> ImportReport:
    """What importing the file would do: the importer run in full, then rolled back."""
    try:
        with transaction.atomic():
            raise _DryRun(import_wikidata(data, snapshot=snapshot, file_name=file_name, user=user))
    except _DryRun as done:
        return done.report


class ReadOnlyAdmin(admin.ModelAdmin):
    """Evidence and reports are written by the import only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportReport)
class ImportReportAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "snapshot", "started_at", "user", "seconds", "created", "ambiguous", "skipped")
    list_select_related = ("snapshot", "user")
    fields = ("snapshot", "file_name", "sha256", "user", "reason", "started_at", "seconds", "report")
    readonly_fields = fields

    @admin.display(description=_("pairings created"))
    def created(self, obj):
        return obj.counts.get("pairings_created", 0)

    @admin.display(description=_("ambiguous"))
    def ambiguous(self, obj):
        return sum(1 for line in obj.lines if line["kind"] == "ambiguous")

    @admin.display(description=_("skipped"))
    def skipped(self, obj):
        return sum(1 for line in obj.lines if line["kind"] == "skipped")

    @admin.display(description=_("report"))
    def report(self, obj):
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", obj.text)


@admin.register(AmbiguousMatch)
class AmbiguousMatchAdmin(ReadOnlyAdmin):
    list_display = ("qid", "label", "country", "candidate_places", "snapshot")
    list_select_related = ("snapshot",)
    search_fields = ("qid", "label")
    list_filter = ("country",)
    fields = ("qid", "wikidata", "label", "country", "snapshot", "candidate_places")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("candidates")

    @admin.display(description=_("candidate places"))
    def candidate_places(self, obj):
        return format_html_join(
            ", ", "<a href='{}'>{} ({})</a>", ((p.get_absolute_url(), p.name, p.slug) for p in obj.candidates.all())
        )

    @admin.display(description=_("on Wikidata"))
    def wikidata(self, obj):
        return format_html("<a href='https://www.wikidata.org/wiki/{}'>{}</a>", obj.qid, obj.qid)


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("date", "file_name", "row_count", "licence", "sha256", "source")
    change_list_template = "admin/twinning/snapshot/change_list.html"

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm("twinning.add_pairing")

    def get_urls(self):
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="twinning_snapshot_import"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)})

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form, report, confirm_digest, error = WikidataImportForm(), None, "", ""
        if request.method == "POST" and "confirm" in request.POST:
            stored = request.session.get(SESSION_KEY)
            if not stored or stored.get("digest") != request.POST["confirm"]:
                messages.error(request, gettext("That preview has expired. Upload the file again."))
                return HttpResponseRedirect(reverse("admin:twinning_snapshot_import"))
            data = stored["data"].encode()
            try:
                report = import_wikidata(
                    data, snapshot=dt.date.fromisoformat(stored["snapshot"]), file_name=stored["name"], user=request.user,
                    reason=gettext("Imported Wikidata snapshot %(date)s from %(file)s in the admin")
                    % {"date": stored["snapshot"], "file": stored["name"]},
                )
            except WikidataImportError as exc:
                error = str(exc)
            else:
                del request.session[SESSION_KEY]
                messages.success(request, gettext("Imported %(file)s: %(pairings)d pairings created, %(listings)d listings created.") % {
                    "file": stored["name"], "pairings": report.counts.get("pairings_created", 0),
                    "listings": report.counts.get("listings_created", 0)})
                return HttpResponseRedirect(reverse("admin:twinning_importreport_change", args=[report.pk]))
        elif request.method == "POST":
            form = WikidataImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload, snapshot = form.cleaned_data["file"], form.cleaned_data["snapshot"]
                data = upload.read()
                try:
                    report = wikidata_dry_run(data, snapshot=snapshot, file_name=upload.name, user=request.user)
                except WikidataImportError as exc:
                    form.add_error("file", str(exc))
                else:
                    confirm_digest = hashlib.sha256(data).hexdigest()
                    request.session[SESSION_KEY] = {
                        "name": upload.name, "digest": confirm_digest, "snapshot": snapshot.isoformat(),
                        "data": data.decode("utf-8-sig"),
                    }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import a Wikidata file"),
            "form": form,
            "report": report,
            "error": error,
            "confirm_digest": confirm_digest,
        }
        return TemplateResponse(request, "admin/twinning/snapshot/import.html", context)


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ("item_label", "item_country", "twin_label", "twin_country", "direction", "snapshot", "missing_since")
    list_filter = ("snapshot", "direction", ("missing_since", admin.EmptyFieldListFilter))
    search_fields = ("item_label", "twin_label", "item_qid", "twin_qid")
    list_select_related = ("snapshot",)
    raw_id_fields = ("pairing", "event")
