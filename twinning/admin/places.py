from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import CuratedAdmin, CuratedInline, adopt, annotation_column, change_reason, count_subquery
from twinning import services
from twinning.admin.merge import MergeActionMixin
from twinning.countries import country_name
from twinning.forms import PlaceForm
from twinning.models import Pairing, Place, PlaceIdentifier


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
    fields = ("scheme", "value")
    row_key = ("scheme",)

    def save_row(self, form, *, parent, user, reason):
        data = form.cleaned_data
        return services.place_identifier_set(place=parent, scheme=data["scheme"], value=data["value"], user=user, reason=reason)

    def delete_row(self, obj, *, user, reason) -> None:
        services.place_identifier_delete(obj, user=user, reason=reason)


@admin.register(Place)
class PlaceAdmin(MergeActionMixin, CuratedAdmin):
    merge_service = staticmethod(services.place_merge)
    form = PlaceForm
    list_display = ("name", "local_name", "country_display", "region", "kind", "pairing_count", "updated_at")
    list_filter = (CountryListFilter, "kind", RegionListFilter)
    search_fields = ("name", "local_name", "governing_body", "identifiers__value")
    readonly_fields = ("slug", "created_at", "updated_at")
    inlines = [PlaceIdentifierInline]
    fieldsets = (
        (None, {"fields": ("name", "local_name", "country", "region", "kind", "governing_body")}),
        (_("Coordinates"), {"fields": ("latitude", "longitude"), "description": _("Decimal degrees, e.g. 54.97, -1.61.")}),
        (_("Notes"), {"fields": ("notes", "notes_zh_hant")}),
        (_("Why"), {"fields": ("change_reason",)}),
        (_("Record"), {"fields": ("slug", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

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
