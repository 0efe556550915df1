from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.models import Campaign, CampaignTarget, Organisation, Petition, SignatureCount
from core.api.fields import PartialDateAPIField, partial_date_columns, plain_columns
from sources.api.serializers import CitationSerializer
from twinning.api.serializers import PairingDetailSerializer, PairingRefSerializer, PlaceSummarySerializer, choice_label


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "slug", "name"]


class CampaignRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = ["id", "slug", "name"]


class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    base_place = PlaceSummarySerializer(allow_null=True)
    member_groups = OrganisationRefSerializer(many=True)
    campaigns = CampaignRefSerializer(many=True)
    sources = CitationSerializer(many=True, source="citations")

    class Meta:
        model = Organisation
        fields = [
            "id", "slug", "name", "local_name", "kind", "kind_label", "website", "base_place", "member_groups",
            "campaigns", "description", "sources", "updated_at",
        ]


class TargetSerializer(serializers.ModelSerializer):
    """What a campaign targets: a pairing, or a whole place (all its ties), and the outcome so far."""

    pairing = PairingRefSerializer(allow_null=True)
    place = PlaceSummarySerializer(allow_null=True)
    outcome_label = serializers.CharField(source="get_outcome_display")

    class Meta:
        model = CampaignTarget
        fields = ["pairing", "place", "outcome", "outcome_label", "note"]


class CampaignSerializer(serializers.ModelSerializer):
    launched = PartialDateAPIField(source="launched_date")
    organisers = OrganisationRefSerializer(many=True)
    targets = TargetSerializer(many=True)
    sources = CitationSerializer(many=True, source="citations")

    class Meta:
        model = Campaign
        fields = [
            "id", "slug", "name", "local_name", "launched", "website", "description", "organisers", "targets",
            "sources", "updated_at",
        ]


class SignatureCountSerializer(serializers.ModelSerializer):
    date = PartialDateAPIField(source="when")

    class Meta:
        model = SignatureCount
        fields = ["date", "count", "at_least", "source"]


class PetitionSerializer(serializers.ModelSerializer):
    campaign = CampaignRefSerializer(allow_null=True)
    organiser = OrganisationRefSerializer(allow_null=True)
    target_place = PlaceSummarySerializer(allow_null=True)
    pairing = PairingRefSerializer(allow_null=True)
    opened = PartialDateAPIField(source="opened_date")
    closed = PartialDateAPIField(source="closed_date")
    outcome_label = serializers.CharField(source="get_outcome_display")
    signature_counts = SignatureCountSerializer(many=True)
    signatures = serializers.SerializerMethodField(help_text="The latest recorded count (a lower bound when `at_least`).")
    sources = CitationSerializer(many=True, source="citations")

    class Meta:
        model = Petition
        fields = [
            "id", "title", "campaign", "organiser", "target_place", "target_council", "pairing", "platform", "url",
            "opened", "closed", "outcome", "outcome_label", "response_event", "signatures", "signature_counts",
            "sources", "updated_at",
        ]

    @extend_schema_field(SignatureCountSerializer(allow_null=True))
    def get_signatures(self, obj):
        counts = list(obj.signature_counts.all())
        return SignatureCountSerializer(counts[-1]).data if counts else None


class PetitionSummarySerializer(serializers.ModelSerializer):
    opened = PartialDateAPIField(source="opened_date")
    closed = PartialDateAPIField(source="closed_date")
    outcome_label = serializers.CharField(source="get_outcome_display")
    campaign = CampaignRefSerializer(allow_null=True)

    class Meta:
        model = Petition
        fields = ["id", "title", "campaign", "target_council", "url", "opened", "closed", "outcome", "outcome_label"]


class PairingCampaignSerializer(serializers.Serializer):
    campaign = CampaignRefSerializer()
    targets = serializers.ChoiceField(
        choices=[("pairing", "this pairing"), ("place", "one of its places as a whole")],
        help_text="Whether the campaign names this pairing or one of its places (all its ties).",
    )
    place = serializers.IntegerField(allow_null=True, help_text="The place targeted, when `targets` is place.")
    outcome = serializers.CharField()
    note = serializers.CharField()


def _campaign_ref(campaign) -> dict | None:
    """CampaignRefSerializer's output."""
    if campaign is None:
        return None
    return {"id": campaign.id, "slug": campaign.slug, "name": campaign.name}


def _date(value, language):
    return value.as_dict(language) if value is not None else None


def petition_summary(petition, language: str) -> dict:
    """PetitionSummarySerializer's output for a petition with its campaign loaded."""
    return {
        "id": petition.id,
        "title": petition.title,
        "campaign": _campaign_ref(petition.campaign),
        "target_council": petition.target_council,
        "url": petition.url,
        "opened": _date(petition.opened_date, language),
        "closed": _date(petition.closed_date, language),
        "outcome": petition.outcome,
        "outcome_label": choice_label(Petition, "outcome", petition.outcome, language),
    }


class PairingFullSerializer(PairingDetailSerializer):
    """The pairing detail with the campaigns targeting it and the petitions about it. Built directly
    too (`lean_representation`; a test holds it equal to the declared fields)."""

    campaigns = serializers.SerializerMethodField()
    petitions = PetitionSummarySerializer(many=True, source="petition_list")

    class Meta(PairingDetailSerializer.Meta):
        fields = [*PairingDetailSerializer.Meta.fields, "campaigns", "petitions"]

    def lean_representation(self, obj, language: str) -> dict:
        row = PairingDetailSerializer.lean_representation(self, obj, language)
        row["campaigns"] = self.get_campaigns(obj)
        row["petitions"] = [petition_summary(petition, language) for petition in obj.petition_list]
        return row

    @extend_schema_field(PairingCampaignSerializer(many=True))
    def get_campaigns(self, obj):
        return [
            {
                "campaign": _campaign_ref(t.campaign),
                "targets": "pairing" if t.pairing_id else "place",
                "place": t.place_id,
                "outcome": t.outcome,
                "note": t.note,
            }
            for t in obj.target_list
        ]


CAMPAIGN_CSV_COLUMNS = {
    **plain_columns("id", "slug", "name", "local_name"),
    **partial_date_columns("launched"),
    **plain_columns("website"),
    "organisers": lambda r: [o["name"] for o in r["organisers"]],
    "target_pairings": lambda r: [t["pairing"]["slug"] for t in r["targets"] if t["pairing"]],
    "target_places": lambda r: [t["place"]["slug"] for t in r["targets"] if t["place"]],
    "source_urls": lambda r: [c["source"]["url"] for c in r["sources"]],
    "updated_at": lambda r: r["updated_at"],
}

ORGANISATION_CSV_COLUMNS = {
    **plain_columns("id", "slug", "name", "local_name", "kind", "website"),
    "base_place": lambda r: (r["base_place"] or {}).get("slug"),
    "member_groups": lambda r: [o["slug"] for o in r["member_groups"]],
    "campaigns": lambda r: [c["slug"] for c in r["campaigns"]],
    "updated_at": lambda r: r["updated_at"],
}

PETITION_CSV_COLUMNS = {
    **plain_columns("id", "title"),
    "campaign": lambda r: (r["campaign"] or {}).get("slug"),
    "organiser": lambda r: (r["organiser"] or {}).get("slug"),
    "target_place": lambda r: (r["target_place"] or {}).get("slug"),
    **plain_columns("target_council"),
    "pairing": lambda r: (r["pairing"] or {}).get("slug"),
    **plain_columns("platform", "url"),
    **partial_date_columns("opened"),
    **partial_date_columns("closed"),
    **plain_columns("outcome"),
    "signatures": lambda r: (r["signatures"] or {}).get("count"),
    "signatures_at_least": lambda r: (r["signatures"] or {}).get("at_least"),
    **partial_date_columns("signatures_date", lambda r: (r["signatures"] or {}).get("date")),
    "updated_at": lambda r: r["updated_at"],
}
