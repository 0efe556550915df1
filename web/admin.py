"""The curators' queue of suggested corrections: newest first, filtered by status (new by default in
the links), with actions to mark them triaged or done. Status changes go through web.services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import CuratedAdmin, change_reason
from core.forms import ReasonFormMixin
from web import services
from web.models import Correction, CorrectionStatus


def _status_action(status: str, description):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        count = 0
        for correction in queryset.exclude(status=status):
            services.correction_set_status(
                correction, status=status, user=request.user, reason=f"Marked {status} in the corrections queue"
            )
            count += 1
        modeladmin.message_user(
            request,
            ngettext("%(n)d suggestion marked “%(s)s”.", "%(n)d suggestions marked “%(s)s”.", count)
            % {"n": count, "s": CorrectionStatus(status).label},
            messages.SUCCESS,
        )

    action.__name__ = f"mark_{status}"
    return action


class CorrectionAdminForm(ReasonFormMixin, forms.ModelForm):
    class Meta:
        model = Correction
        fields = ("status", "curator_note")


@admin.register(Correction)
class CorrectionAdmin(CuratedAdmin):
    form = CorrectionAdminForm
    list_display = ("created_at", "status", "kind", "about", "excerpt", "has_source", "has_email")
    list_display_links = ("created_at", "excerpt")
    list_filter = ("status", "kind", "created_at")
    search_fields = ("text", "source_url", "pairing__slug", "place__name")
    date_hierarchy = "created_at"
    list_select_related = ("pairing__place_a", "pairing__place_b", "place")
    actions = [
        _status_action(CorrectionStatus.TRIAGED, _("Mark as triaged")),
        _status_action(CorrectionStatus.DONE, _("Mark as done")),
        _status_action(CorrectionStatus.NEW, _("Mark as new again")),
    ]
    fields = ("status", "curator_note", "kind", "pairing", "place", "page", "text", "source_url", "email", "created_at", "change_reason")
    readonly_fields = ("kind", "pairing", "place", "page", "text", "source_url", "email", "created_at")

    @admin.display(description=_("about"))
    def about(self, obj):
        return obj.pairing or obj.place or obj.get_kind_display()

    @admin.display(description=_("suggestion"))
    def excerpt(self, obj):
        return obj.text if len(obj.text) <= 120 else obj.text[:117] + "…"

    @admin.display(description=_("source"), boolean=True)
    def has_source(self, obj):
        return bool(obj.source_url)

    @admin.display(description=_("e-mail"), boolean=True)
    def has_email(self, obj):
        return bool(obj.email)

    def has_add_permission(self, request):
        return False  # suggestions come from the public form

    def save_model(self, request, obj, form, change):
        services.correction_set_status(
            obj, status=obj.status, user=request.user,
            reason=change_reason(request, form, str(_("Triaged in the admin"))), note=obj.curator_note,
        )
