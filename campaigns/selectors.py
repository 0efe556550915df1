"""Reads of campaign data composed into the public pages (pairing, place, campaign, source).

Each function is one query however many rows it returns."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from campaigns.models import Campaign, CampaignTarget, Petition, SignatureCount
from twinning.models import Pairing, Place
from twinning.selectors import pairing_has_rows


def petitions_with_latest_count() -> QuerySet[Petition]:
    """Petitions with `latest_count`, `latest_count_at_least` and `latest_count_date` annotated."""
    latest = SignatureCount.objects.filter(petition=OuterRef("pk")).order_by("-date")
    return Petition.objects.select_related("campaign", "organiser", "target_place", "response_event").annotate(
        latest_count=Subquery(latest.values("count")[:1]),
        latest_count_at_least=Subquery(latest.values("at_least")[:1]),
        latest_count_date=Subquery(latest.values("date")[:1]),
        latest_count_precision=Subquery(latest.values("date_precision")[:1]),
    )


def with_campaign_flags(qs: QuerySet[Pairing]) -> QuerySet[Pairing]:
    """`has_targets` and `has_petitions` on each pairing: whether `campaign_targets_for_pairing` and
    `petitions_for_pairing` would find any (the same conditions). Few pairings are campaigned or
    petitioned about: a detail runs those queries only when these say so."""
    places = "({pairing}.place_a_id, {pairing}.place_b_id)"
    return qs.annotate(
        has_targets=pairing_has_rows(CampaignTarget._meta.db_table, f"t.pairing_id = {{pairing}}.id OR t.place_id IN {places}"),
        has_petitions=pairing_has_rows(
            Petition._meta.db_table, f"t.pairing_id = {{pairing}}.id OR (t.pairing_id IS NULL AND t.target_place_id IN {places})"
        ),
    )


def campaign_targets_for_pairing(pairing: Pairing) -> QuerySet[CampaignTarget]:
    """Targets naming this pairing, or one of its places as a whole (all its ties)."""
    return (
        CampaignTarget.objects.filter(Q(pairing=pairing) | Q(place_id__in=[pairing.place_a_id, pairing.place_b_id]))
        .select_related("campaign", "place")
        .order_by("campaign__name")
    )


def petitions_for_pairing(pairing: Pairing) -> QuerySet[Petition]:
    """Petitions about this pairing, or to one of its councils without naming a pairing."""
    return petitions_with_latest_count().filter(
        Q(pairing=pairing)
        | Q(pairing__isnull=True, target_place_id__in=[pairing.place_a_id, pairing.place_b_id])
    )


def campaign_targets_for_place(place: Place) -> QuerySet[CampaignTarget]:
    """Targets naming the place or one of its pairings."""
    return (
        CampaignTarget.objects.filter(Q(place=place) | Q(pairing__place_a=place) | Q(pairing__place_b=place))
        .select_related("campaign", "place", "pairing__place_a", "pairing__place_b")
        .order_by("campaign__name")
    )


def petitions_for_place(place: Place) -> QuerySet[Petition]:
    return petitions_with_latest_count().filter(
        Q(target_place=place) | Q(pairing__place_a=place) | Q(pairing__place_b=place)
    ).distinct()


def pairing_ids_targeted_by(campaign_id: int):
    """Ids of pairings a campaign targets: named directly, or through one of their places as a whole
    (a subquery, for `pk__in=`). The feeds, the pages and the API's `campaign` filter all use it."""
    targets = CampaignTarget.objects.filter(campaign_id=campaign_id).filter(
        Q(pairing=OuterRef("pk")) | Q(place=OuterRef("place_a")) | Q(place=OuterRef("place_b"))
    )
    return Pairing.objects.filter(Exists(targets)).values("pk")


def campaigns_with_counts() -> QuerySet[Campaign]:
    from django.db.models import Count

    return Campaign.objects.annotate(
        target_count=Count("targets", distinct=True), petition_count=Count("petitions", distinct=True)
    )
