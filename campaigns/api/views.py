"""Campaign resources, and the pairing resource composed with its campaigns and petitions (the
pairing's own code lives in twinning.api; campaigns may import twinning, not the reverse)."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets

from campaigns.api.serializers import (
    CAMPAIGN_CSV_COLUMNS,
    ORGANISATION_CSV_COLUMNS,
    PETITION_CSV_COLUMNS,
    CampaignSerializer,
    OrganisationSerializer,
    PairingFullSerializer,
    PetitionSerializer,
)
from campaigns.filters import CampaignFilter, OrganisationFilter, PairingWithCampaignFilter, PetitionFilter
from campaigns.models import (
    Campaign,
    CampaignCitation,
    CampaignTarget,
    Organisation,
    OrganisationCitation,
    Petition,
    PetitionCitation,
    SignatureCount,
)
from campaigns.selectors import with_campaign_flags
from core.api.renderers import FORMAT_PARAMETER
from core.api.views import ResearchViewSetMixin
from twinning.api import views as twinning_views


def _citations(model):
    return Prefetch("citations", queryset=model.objects.select_related("source").order_by("id"))


class ReadOnlyResearchViewSet(ResearchViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "head", "options"]
    lookup_value_regex = "[^/.]+"

    def get_object(self):
        return twinning_views._by_slug_or_pk(self, self.filter_queryset(self.get_queryset()))


@extend_schema_view(
    list=extend_schema(summary="List campaigns", parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(summary="One campaign, by id or slug", parameters=[FORMAT_PARAMETER]),
)
class CampaignViewSet(ReadOnlyResearchViewSet):
    """Campaigns for or against pairings, with their organisers, targets and outcomes."""

    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    csv_columns = CAMPAIGN_CSV_COLUMNS

    def get_queryset(self):
        return Campaign.objects.prefetch_related(
            Prefetch("organisers", queryset=Organisation.objects.order_by("name")),
            Prefetch(
                "targets",
                queryset=CampaignTarget.objects.select_related("pairing__place_a", "pairing__place_b", "place").order_by("id"),
            ),
            _citations(CampaignCitation),
        ).order_by("name", "id")


@extend_schema_view(
    list=extend_schema(summary="List organisations", parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(summary="One organisation, by id or slug", parameters=[FORMAT_PARAMETER]),
)
class OrganisationViewSet(ReadOnlyResearchViewSet):
    """Campaign groups, coalitions and NGOs."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    csv_columns = ORGANISATION_CSV_COLUMNS

    def get_queryset(self):
        return (
            Organisation.objects.select_related("base_place")
            .prefetch_related(
                Prefetch("member_groups", queryset=Organisation.objects.order_by("name")),
                Prefetch("campaigns", queryset=Campaign.objects.order_by("name")),
                _citations(OrganisationCitation),
            )
            .order_by("name", "id")
        )


@extend_schema_view(
    list=extend_schema(summary="List petitions", parameters=[FORMAT_PARAMETER]),
    retrieve=extend_schema(summary="One petition", parameters=[FORMAT_PARAMETER]),
)
class PetitionViewSet(ReadOnlyResearchViewSet):
    """Petitions to councils about pairings, with signature counts over time and the outcome."""

    serializer_class = PetitionSerializer
    filterset_class = PetitionFilter
    csv_columns = PETITION_CSV_COLUMNS
    lookup_value_regex = "[0-9]+"

    def get_object(self):
        return viewsets.GenericViewSet.get_object(self)

    def get_queryset(self):
        return (
            Petition.objects.select_related(
                "campaign", "organiser", "target_place", "pairing__place_a", "pairing__place_b"
            )
            .prefetch_related(
                Prefetch("signature_counts", queryset=SignatureCount.objects.order_by("date")),
                _citations(PetitionCitation),
            )
            .order_by("-opened", "title", "id")
        )


class PairingWithCampaignsViewSet(twinning_views.PairingViewSet):
    """Twin-town, sister-city, friendship and partnership relationships between two places."""

    filterset_class = PairingWithCampaignFilter
    detail_serializer_class = PairingFullSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        return qs if self.action in ("list", "export") else with_campaign_flags(qs)

    def get_object(self):
        pairing = super().get_object()
        places = [pairing.place_a_id, pairing.place_b_id]
        pairing.target_list = pairing.petition_list = []
        if pairing.has_targets:
            pairing.target_list = list(
                CampaignTarget.objects.filter(Q(pairing=pairing) | Q(place_id__in=places))
                .select_related("campaign")
                .order_by("campaign__name", "id")
            )
        if pairing.has_petitions:
            pairing.petition_list = list(
                Petition.objects.filter(Q(pairing=pairing) | Q(pairing__isnull=True, target_place_id__in=places))
                .select_related("campaign")
                .order_by("opened", "id")
            )
        return pairing
