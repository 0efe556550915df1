"""Bulk actions for curators on the pairing and event lists (issue 10 item 5): mark the confidence
of the selected rows (each through its service, with a recorded reason) and export the selected rows
as CSV (formula-safe cells, a byte-order mark so spreadsheets read non-Latin names)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.api.renderers import csv_rows
from twinning.constants import Confidence


def confidence_actions(update):
    """One action per confidence level; `update(obj, *, confidence, user, reason)` is the service."""
    actions = []
    for level in Confidence:
        def action(modeladmin, request, queryset, level=level):
            reason = f"Bulk action: confidence marked {level.value}"
            done, refused = 0, []
            for obj in queryset:
                try:
                    update(obj, confidence=level.value, user=request.user, reason=reason)
                    done += 1
                except ValidationError as exc:
                    refused.append(f"{obj}: {' '.join(exc.messages)}")
            messages.success(request, _("Confidence marked “%(level)s” on %(n)d rows.") % {"level": level.label, "n": done})
            for line in refused:
                messages.error(request, line)

        action.__name__ = f"mark_confidence_{level.value}"
        actions.append(admin.action(description=gettext_lazy("Mark confidence: %(level)s") % {"level": level.value},
                                    permissions=["change"])(action))
    return actions


def export_csv_action(name: str, columns: dict):
    """“Export selected as CSV” with fixed `columns` (header -> function of the row)."""

    @admin.action(description=gettext_lazy("Export selected as CSV"))
    def export_selected_csv(modeladmin, request, queryset):
        body = csv_rows(columns, queryset).getvalue()
        response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="twinwatch-{name}-{timezone.now():%Y-%m-%d}.csv"'
        return response

    return export_selected_csv
