"""The base every curated admin shares (`CuratedAdmin`), and changelist column helpers."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.history import history_delete, history_save
from core.partialdates import partial_date_of


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

