"""The admin for the world register: Wikidata import reports (read-only), ambiguous matches for
review (with their candidate places), snapshots and listings (evidence, read-only)."""

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from twinning.models import AmbiguousMatch, ImportReport, Listing, Snapshot


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


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ("item_label", "item_country", "twin_label", "twin_country", "direction", "snapshot", "missing_since")
    list_filter = ("snapshot", "direction", ("missing_since", admin.EmptyFieldListFilter))
    search_fields = ("item_label", "twin_label", "item_qid", "twin_qid")
    list_select_related = ("snapshot",)
    raw_id_fields = ("pairing", "event")
