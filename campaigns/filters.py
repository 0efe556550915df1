"""Query filters for campaigns, organisations and petitions, and the pairing filter's `campaign`."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django_filters import rest_framework as filters

from campaigns.constants import OrganisationKind, PetitionOutcome
from campaigns.models import Campaign, CampaignTarget, Organisation, Petition
from campaigns.selectors import pairing_ids_targeted_by
from core.api.filters import FilterSet, PartialDateFilter, StableOrderingFilter, UpdatedSinceFilter, resolve_one
from twinning.filters import PairingFilter
from twinning.models import Pairing, Place


class PairingWithCampaignFilter(PairingFilter):
    campaign = filters.CharFilter(
        method="filter_campaign",
        help_text="Targeted by this campaign (slug or id): named directly, or one of its places as a whole.",
    )

    class Meta(PairingFilter.Meta):
        pass

    def filter_campaign(self, qs, name, value):
        return qs.filter(pk__in=pairing_ids_targeted_by(resolve_one(Campaign, value, what="campaign", param="campaign")))


class CampaignFilter(FilterSet):
    organisation = filters.CharFilter(method="filter_organisation", help_text="Organised by (slug or id).")
    place = filters.CharFilter(method="filter_place", help_text="Targets this place or one of its pairings (slug or id).")
    pairing = filters.CharFilter(method="filter_pairing", help_text="Targets this pairing (slug or id).")
    q = filters.CharFilter(method="filter_q", help_text="Text in the name or local name.")
    updated_since = UpdatedSinceFilter()
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("launched", "launched"), ("updated_at", "updated_at"), ("id", "id")),
        help_text="Sort order: name, launched, updated_at, id; prefix `-` to reverse.",
    )

    class Meta:
        model = Campaign
        fields = []

    def filter_organisation(self, qs, name, value):
        return qs.filter(organisers=resolve_one(Organisation, value, what="organisation", param="organisation"))

    def filter_place(self, qs, name, value):
        pk = resolve_one(Place, value, what="place", param="place")
        return qs.filter(
            Exists(
                CampaignTarget.objects.filter(campaign=OuterRef("pk")).filter(
                    Q(place_id=pk) | Q(pairing__place_a_id=pk) | Q(pairing__place_b_id=pk)
                )
            )
        )

    def filter_pairing(self, qs, name, value):
        pk = resolve_one(Pairing, value, what="pairing", param="pairing")
        return qs.filter(Exists(CampaignTarget.objects.filter(campaign=OuterRef("pk"), pairing_id=pk)))

    def filter_q(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(local_name__icontains=value))


class OrganisationFilter(FilterSet):
    kind = filters.MultipleChoiceFilter(distinct=False, choices=OrganisationKind.choices, help_text="Kind of organisation; repeatable.")
    q = filters.CharFilter(method="filter_q", help_text="Text in the name or local name.")
    updated_since = UpdatedSinceFilter()
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("updated_at", "updated_at"), ("id", "id")),
        help_text="Sort order: name, updated_at, id; prefix `-` to reverse.",
    )

    class Meta:
        model = Organisation
        fields = []

    def filter_q(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(local_name__icontains=value))


class PetitionFilter(FilterSet):
    campaign = filters.CharFilter(method="filter_campaign", help_text="The campaign behind it (slug or id).")
    pairing = filters.CharFilter(method="filter_pairing", help_text="The pairing it is about (slug or id).")
    target_place = filters.CharFilter(method="filter_target_place", help_text="The petitioned council's place (slug or id).")
    outcome = filters.MultipleChoiceFilter(distinct=False, choices=PetitionOutcome.choices, help_text="Outcome so far; repeatable.")
    opened_after = PartialDateFilter(field_name="opened", lookup_expr="gte", help_text="Opened on or after this partial date.")
    opened_before = PartialDateFilter(
        field_name="opened", lookup_expr="lte", help_text="Opened on or before the end of this partial date."
    )
    updated_since = UpdatedSinceFilter()
    ordering = StableOrderingFilter(
        fields=(("opened", "opened"), ("updated_at", "updated_at"), ("id", "id")),
        help_text="Sort order: opened, updated_at, id; prefix `-` to reverse.",
    )

    class Meta:
        model = Petition
        fields = []

    def filter_campaign(self, qs, name, value):
        return qs.filter(campaign_id=resolve_one(Campaign, value, what="campaign", param="campaign"))

    def filter_pairing(self, qs, name, value):
        return qs.filter(pairing_id=resolve_one(Pairing, value, what="pairing", param="pairing"))

    def filter_target_place(self, qs, name, value):
        return qs.filter(target_place_id=resolve_one(Place, value, what="place", param="target_place"))
