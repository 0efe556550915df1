"""Admin for sources, and the base every curated admin in the project shares (`CuratedAdmin`)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, ExpressionWrapper, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from sources.constants import SourceType
from sources.forms import ReasonFormMixin, SourceForm
from sources.models import CitationBase, Source
from sources.partialdates import partial_date_of
from sources.services import history_delete, history_save, source_get_or_create, source_update


def change_reason(request, form=None, default: str = "") -> str:
    """The curator's "reason for this change", else `default`."""
    reason = ""
    if form is not None and hasattr(form, "cleaned_data"):
        reason = form.cleaned_data.get("change_reason") or ""
    return (reason or default)[:100]


def adopt(obj, saved) -> None:
    """Make the admin's unsaved instance the row a service created, so the admin's own bookkeeping
    (inlines, log entry, redirect) continues with the saved row."""
    obj.__dict__.update(saved.__dict__)


def count_subquery(queryset, field: str):
    """Coalesce(count of `queryset` rows whose `field` is the outer row, 0), as one subquery: a
    changelist annotated with it stays a single query, without join fan-out."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def partial_date_column(prefix: str, description):
    """A changelist column showing a partial date at its precision ("2005", "March 2023")."""

    @admin.display(description=description, ordering=prefix)
    def column(self, obj):
        value = partial_date_of(obj, prefix)
        return value.display() if value else "—"

    return column


def annotation_column(name: str, description):
    """A changelist column showing (and sorting by) a queryset annotation."""

    @admin.display(description=description, ordering=name)
    def column(self, obj):
        return getattr(obj, name)

    return column


def citation_count_expression():
    """How many claims, in every app, cite the source (apps define their own tables on CitationBase)."""
    total = Value(0)
    for rel in Source._meta.related_objects:
        if issubclass(rel.related_model, CitationBase):
            total = total + count_subquery(rel.related_model.objects.all(), "source")
    return ExpressionWrapper(total, output_field=IntegerField())


class CuratedAdmin(SimpleHistoryAdmin):
    """Every change records who made it and why (simple_history), the history page shows who, when,
    what changed and the reason; reverting from history is off, because reverting a single row would
    bypass the services that keep derived data (statuses) right."""

    save_on_top = True
    list_per_page = 50

    def revert_disabled(self, request, obj=None):
        return True

    def get_fields(self, request, obj=None):
        """Without explicit fieldsets: the reason for the change comes last, just above Save."""
        fields = list(super().get_fields(request, obj))
        if "change_reason" in fields:
            fields.remove("change_reason")
            fields.append("change_reason")
        return fields

    def save_model(self, request, obj, form, change):
        default = _("Changed in the admin") if change else _("Added in the admin")
        history_save(obj, user=request.user, reason=change_reason(request, form, str(default)))

    def delete_model(self, request, obj):
        history_delete(obj, user=request.user, reason=str(_("Deleted in the admin")))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows are saved with the same user and reason as the page."""
        reason = change_reason(request, form, str(_("Changed in the admin")))
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            history_delete(obj, user=request.user, reason=reason)
        for obj in instances:
            history_save(obj, user=request.user, reason=reason)
        formset.save_m2m()


class CuratedInline:
    """Mixin for inlines: a form class with partial-date support is used as given."""

    extra = 0
    show_change_link = True


class CitationInline(CuratedInline, admin.TabularInline):
    """A claim's sources: picked by autocomplete, with an optional locator and short quote."""

    fields = ("source", "locator", "quote")
    autocomplete_fields = ("source",)
    show_change_link = False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "quote":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def citation_inline(citation_model, **attributes):
    """The inline for one app's citation table (e.g. PetitionCitation)."""
    return type(f"{citation_model.__name__}Inline", (CitationInline,), {"model": citation_model, **attributes})


class SourceAdminForm(SourceForm):
    pass


@admin.register(Source)
class SourceAdmin(CuratedAdmin):
    form = SourceAdminForm
    list_display = ("title", "publisher", "published_display", "source_type", "citation_count", "url")
    list_filter = ("source_type", "language")
    search_fields = ("title", "publisher", "author", "url")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("url", "title", "publisher", "author", "published", "source_type", "language")}),
        (_("Archive and access"), {"fields": ("accessed", "archive_url")}),
        (_("Notes"), {"fields": ("notes",)}),
        (_("Why"), {"fields": ("change_reason",)}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_citations=citation_count_expression())

    published_display = partial_date_column("published", _("published"))
    citation_count = annotation_column("n_citations", _("citations"))

    def save_model(self, request, obj, form, change):
        reason = change_reason(request, form)
        published = form.cleaned_data.get("published")
        if change:
            source_update(obj, user=request.user, reason=reason or str(_("Changed in the admin")), published=published)
            return
        fields = {
            name: form.cleaned_data.get(name, "")
            for name in ("url", "title", "publisher", "author", "source_type", "language", "archive_url", "notes")
        }
        saved, _created = source_get_or_create(
            **fields, published=published, accessed=form.cleaned_data.get("accessed"),
            user=request.user, reason=reason or str(_("Added in the admin")),
        )
        adopt(obj, saved)


__all__ = ["CuratedAdmin", "CuratedInline", "ReasonFormMixin", "SourceAdmin", "SourceType", "adopt", "change_reason"]
