"""An editor's admin action: merge duplicate places or pairings (through twinning.services, which
moves everything over, re-derives statuses and redirects the old slugs)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class MergeActionMixin:
    """Adds "Merge the selected … into one": a confirmation page to choose the record to keep and
    give a reason; only for users who may delete (editors), since the others are deleted."""

    merge_service = None  # e.g. staticmethod(services.place_merge)
    actions = ["merge_selected"]

    @admin.action(description=gettext_lazy("Merge the selected records into one"), permissions=["delete"])
    def merge_selected(self, request, queryset):
        objects = list(queryset)
        if len(objects) < 2:
            self.message_user(request, _("Select at least two records to merge."), messages.WARNING)
            return None
        if "confirm_merge" in request.POST:
            keep = next((o for o in objects if str(o.pk) == request.POST.get("keep")), None)
            if keep is None:
                self.message_user(request, _("Choose the record to keep."), messages.ERROR)
            else:
                return self._merge(request, keep, [o for o in objects if o.pk != keep.pk])
        return TemplateResponse(
            request,
            "admin/merge_confirm.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge %(things)s") % {"things": self.opts.verbose_name_plural},
                "opts": self.opts,
                "objects": objects,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    def _merge(self, request, keep, others):
        reason = request.POST.get("change_reason", "").strip()[:100]
        try:
            with transaction.atomic():
                for other in others:
                    type(self).merge_service(keep=keep, merge=other, user=request.user, reason=reason)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        self.message_user(
            request,
            _("Merged %(n)d into %(keep)s; their old links now lead there.") % {"n": len(others), "keep": keep},
            messages.SUCCESS,
        )
        return None
