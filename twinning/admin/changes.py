"""The changes queue (issue 10 item 4): every curator change to pairings, events, citations and
agreements, deletions included, with who, when, what and why, filterable by person, pairing and
week; editors approve a change or revert it through `services.change_revert` (itself a recorded
change, the status derived again). Filtered by pairing, it is that pairing's audit trail."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from twinning import services
from twinning.changes import curator_changes
from twinning.models import Pairing


def parse_week(text: str) -> dt.date | None:
    """“2026-W47” (an <input type=week>) → that week's Monday; anything else → None."""
    try:
        return dt.datetime.strptime(f"{text}-1", "%G-W%V-%u").date()
    except (TypeError, ValueError):
        return None


class ChangesQueueMixin:
    def get_urls(self):
        return [
            path("changes/", self.admin_site.admin_view(self.changes_view), name="twinning_changes"),
            *super().get_urls(),
        ]

    def changes_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        editor = services._is_editor(request.user)
        if request.method == "POST":
            if not editor:
                raise PermissionDenied
            kind, history_id = request.POST.get("kind", ""), request.POST.get("history_id", "")
            reason = request.POST.get("reason", "")
            try:
                if not history_id.isdigit():
                    raise ValidationError(_("No change was chosen."))
                if request.POST.get("verdict") == "revert":
                    before = Pairing.objects.filter(pk=request.POST.get("pairing_id") or None).values_list("status", flat=True).first()
                    services.change_revert(kind=kind, history_id=int(history_id), user=request.user, reason=reason)
                    messages.success(request, _("Reverted; the revert is recorded in the history with your reason."))
                    from twinning.admin.pairings import say_status_change

                    if before is not None:
                        say_status_change(request, request.POST.get("pairing_id"), before)
                else:
                    services.change_approve(kind=kind, history_id=int(history_id), user=request.user, reason=reason)
                    messages.success(request, _("Approved."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(request.get_full_path())
        person, pairing_id, week = request.GET.get("person", ""), request.GET.get("pairing", ""), request.GET.get("week", "")
        week_start = parse_week(week)
        pairing = Pairing.objects.select_related("place_a", "place_b").filter(pk=pairing_id).first() if pairing_id.isdigit() else None
        changes = curator_changes(
            user_id=int(person) if person.isdigit() else None,
            pairing_id=pairing.pk if pairing else (int(pairing_id) if pairing_id.isdigit() else None),
            week_start=week_start,
        )
        for change in changes:
            change.pairing_url = reverse("admin:twinning_pairing_change", args=[change.pairing_id]) if change.pairing_id else ""
        people = get_user_model().objects.filter(is_staff=True).order_by("username")
        return TemplateResponse(request, "admin/twinning/changes.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Audit trail of %(pairing)s") % {"pairing": pairing} if pairing else _("Curator changes"),
            "changes": changes, "people": people, "person": person, "pairing": pairing, "week": week,
            "editor": editor,
        })
