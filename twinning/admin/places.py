import json

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.admin import CuratedAdmin, CuratedInline, adopt, annotation_column, change_reason, count_subquery
from twinning import services
from twinning.admin.merge import MergeActionMixin
from twinning.countries import country_name
from twinning.forms import PlaceForm, PlaceIdentifierFormSet
from twinning.models import Pairing, Place, PlaceIdentifier, PlaceName


class PresentValuesFilter(admin.SimpleListFilter):
    """Offers only the values present on places (not all 249 countries); either side of a pairing
    when used on pairings."""

    field = "country"

    def values(self):
        return sorted(v for v in Place.objects.order_by().values_list(self.field, flat=True).distinct() if v)

    def label(self, value):
        return value

    def lookups(self, request, model_admin):
        return sorted(((v, self.label(v)) for v in self.values()), key=lambda choice: str(choice[1]))

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if queryset.model is Place:
            return queryset.filter(**{self.field: value})
        return queryset.filter(**{f"place_a__{self.field}": value}) | queryset.filter(
            **{f"place_b__{self.field}": value}
        )


class CountryListFilter(PresentValuesFilter):
    title = _("country")
    parameter_name = "country"
    field = "country"

    def label(self, value):
        return f"{country_name(value)} ({value})"


class RegionListFilter(PresentValuesFilter):
    title = _("region")
    parameter_name = "region"
    field = "region"


class PlaceIdentifierInline(CuratedInline, admin.TabularInline):
    model = PlaceIdentifier
    formset = PlaceIdentifierFormSet
    fields = ("scheme", "value")
    row_key = ("scheme",)

    def save_row(self, form, *, parent, user, reason):
        data = form.cleaned_data
        return services.place_identifier_set(place=parent, scheme=data["scheme"], value=data["value"], user=user, reason=reason)

    def delete_row(self, obj, *, user, reason) -> None:
        services.place_identifier_delete(obj, user=user, reason=reason)


class PlaceNameInline(CuratedInline, admin.TabularInline):
    """Other names the public search finds the place by (BANES, Ningpo, 諾丁漢, Wikidata labels)."""

    model = PlaceName
    fields = ("name", "kind", "language")
    row_key = ("name",)

    def save_row(self, form, *, parent, user, reason):
        data = form.cleaned_data
        return services.place_name_add(
            place=parent, name=data["name"], kind=data["kind"], language=data.get("language", ""), user=user, reason=reason
        )

    def delete_row(self, obj, *, user, reason) -> None:
        services.place_name_delete(obj, user=user, reason=reason)


@admin.register(Place)
class PlaceAdmin(MergeActionMixin, CuratedAdmin):
    merge_service = staticmethod(services.place_merge)
    form = PlaceForm
    list_display = ("name", "local_name", "country_display", "region", "kind", "pairing_count", "updated_at")
    list_filter = (CountryListFilter, "kind", RegionListFilter)
    search_fields = ("name", "local_name", "governing_body", "identifiers__value")
    readonly_fields = ("slug", "created_at", "updated_at")
    inlines = [PlaceIdentifierInline, PlaceNameInline]
    fieldsets = (
        (None, {"fields": ("name", "local_name", "country", "region", "kind", "governing_body")}),
        (_("Coordinates"), {"fields": ("latitude", "longitude"), "description": _("Decimal degrees, e.g. 54.97, -1.61.")}),
        (_("Notes"), {"fields": ("notes", "notes_zh_hant")}),
        (_("Why"), {"fields": ("change_reason",)}),
        (_("Record"), {"fields": ("slug", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        # On the add form: the confirmation a near-duplicate warning asks for, just above the reason.
        return (*fieldsets[:3], (_("Similar places"), {"fields": ("create_anyway",)}), *fieldsets[3:])

    def get_urls(self):
        return [
            path("<path:object_id>/use/", self.admin_site.admin_view(self.use_view), name="twinning_place_use"),
            *super().get_urls(),
        ]

    def use_view(self, request, object_id):
        """“Use this one” after a near-duplicate warning: in a popup (adding a place from a pairing's
        place picker) the existing place is chosen in the picker; otherwise its page opens."""
        place = get_object_or_404(Place, pk=object_id)
        if not self.has_view_permission(request, place):
            raise PermissionDenied
        if IS_POPUP_VAR in request.GET:
            to_field = request.GET.get(TO_FIELD_VAR) or "pk"
            if not self.to_field_allowed(request, to_field) and to_field != "pk":
                raise PermissionDenied
            value = place.pk if to_field == "pk" else getattr(place, to_field)
            return TemplateResponse(request, self.popup_response_template or "admin/popup_response.html", {
                "popup_response_data": json.dumps({"value": str(value), "obj": str(place)}),
            })
        messages.info(request, _("Using the place already recorded: %(place)s. Nothing new was created.") % {"place": place})
        return HttpResponseRedirect(reverse("admin:twinning_place_change", args=[place.pk]))

    def get_queryset(self, request):
        pairings = Pairing.objects.all()
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_pairings=count_subquery(pairings, "place_a") + count_subquery(pairings, "place_b"),
            )
        )

    @admin.display(description=_("country"), ordering="country")
    def country_display(self, obj):
        return f"{obj.country_name} ({obj.country})"

    pairing_count = annotation_column("n_pairings", _("pairings"))

    def save_model(self, request, obj, form, change):
        reason = change_reason(request, form)
        if change:
            services.place_update(obj, user=request.user, reason=reason or str(_("Changed in the admin")))
            return
        fields = {name: value for name, value in form.cleaned_data.items() if name in {f.name for f in Place._meta.fields}}
        adopt(obj, services.place_create(**fields, user=request.user, reason=reason or str(_("Added in the admin"))))
