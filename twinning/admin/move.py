"""An editor's "Move to another pair": a pairing's places and relationship are fixed on its change
page; correcting them is this explicit step, with a preview, a reason and a redirect from the old
link (through `services.pairing_move`, which keeps the timeline)."""

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twinning import services
from twinning.constants import Relationship
from twinning.models import Pairing, Place


class PairingMoveForm(forms.Form):
    place_a = forms.ModelChoiceField(queryset=Place.objects.all(), label=gettext_lazy("Place A"))
    place_b = forms.ModelChoiceField(queryset=Place.objects.all(), label=gettext_lazy("Place B"))
    relationship = forms.ChoiceField(choices=Relationship.choices, label=gettext_lazy("Relationship"))
    change_reason = forms.CharField(
        label=gettext_lazy("Reason for this change"), max_length=100, widget=forms.TextInput(attrs={"size": 60}),
        help_text=gettext_lazy("Required: recorded in the history with your name, e.g. “Taipei was a typo for Beijing”."),
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("place_a", "place_b"):
            field = self.fields[name]
            field.widget = AutocompleteSelect(Pairing._meta.get_field(name), admin_site)
            field.widget.choices = field.choices


class PairingMoveMixin:
    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/move/", self.admin_site.admin_view(self.move_view), name="{}_{}_move".format(*info)),
            *super().get_urls(),
        ]

    def move_view(self, request, object_id):
        pairing = get_object_or_404(Pairing.objects.select_related("place_a", "place_b"), pk=object_id)
        change_url = reverse("admin:twinning_pairing_change", args=[pairing.pk])
        if not self.has_delete_permission(request, pairing):
            messages.error(request, _("Only editors can move a pairing to another pair; ask an editor, saying why."))
            if not self.has_view_permission(request, pairing):
                raise PermissionDenied
            return HttpResponseRedirect(change_url)
        initial = {"place_a": pairing.place_a_id, "place_b": pairing.place_b_id, "relationship": pairing.relationship}
        form = PairingMoveForm(request.POST or None, initial=initial, admin_site=self.admin_site)
        preview = None
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            target = services.pairing_find(place_a=data["place_a"], place_b=data["place_b"], relationship=data["relationship"])
            if data["place_a"] == data["place_b"]:
                form.add_error("place_b", _("A place cannot be paired with itself."))
            elif target is not None and target.pk != pairing.pk:
                form.add_error(None, _("%(pairing)s is already recorded with this relationship: merge the two pairings instead.")
                               % {"pairing": target})
            elif "confirm" in request.POST:
                old_slug = pairing.slug
                try:
                    services.pairing_move(
                        pairing=pairing, place_a=data["place_a"], place_b=data["place_b"],
                        relationship=data["relationship"], user=request.user, reason=data["change_reason"],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(
                        request,
                        _("Moved to %(pairing)s (%(relationship)s) with its timeline; the old link %(old)s now leads there.")
                        % {"pairing": pairing, "relationship": pairing.get_relationship_display(), "old": old_slug},
                    )
                    return HttpResponseRedirect(change_url)
            else:
                preview = {
                    "before": f"{pairing} ({pairing.get_relationship_display()})",
                    "after": f"{data['place_a'].name} – {data['place_b'].name} "
                    f"({Relationship(data['relationship']).label})",
                    "events": pairing.events.count(),
                    "status": pairing.get_status_display(),
                }
        return TemplateResponse(
            request,
            "admin/twinning/pairing/move.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Move %(pairing)s to another pair") % {"pairing": pairing},
                "original": pairing,
                "form": form,
                "media": self.media + form.media,
                "preview": preview,
                "change_url": change_url,
            },
        )
