import pytest
from django.core.exceptions import ValidationError

from tests.sources.factories import SourceFactory
from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning import services
from twinning.constants import EventType, Relationship, Status
from twinning.models import Pairing, Place, SlugRedirect

pytestmark = pytest.mark.django_db


def test_merging_duplicate_places_merges_their_pairings_and_redirects(editor):
    taiyuan = PlaceFactory(name="Taiyuan", country="CN")
    dupe = PlaceFactory(name="Taiyuan City", country="CN")
    newcastle = PlaceFactory(name="Newcastle upon Tyne")
    services.place_identifier_set(place=dupe, scheme="wikidata", value="Q1999")
    source = SourceFactory()
    kept = make_pairing(place_a=newcastle, place_b=taiyuan, established="1985", source=source)
    merged = make_pairing(place_a=dupe, place_b=newcastle, established=None)
    record(merged, EventType.DECISION_SEVER, "2022-11-02")

    services.place_merge(keep=taiyuan, merge=dupe, user=editor, reason="duplicate")

    assert not Place.objects.filter(pk=dupe.pk).exists()
    assert not Pairing.objects.filter(pk=merged.pk).exists()
    kept.refresh_from_db()
    assert kept.status == Status.SEVERED
    assert [e.event_type for e in kept.events.order_by("date")] == [EventType.ESTABLISHED, EventType.DECISION_SEVER]
    assert taiyuan.identifiers.get().value == "Q1999"
    assert SlugRedirect.objects.get(kind="place", old_slug=dupe.slug).new_slug == taiyuan.slug
    assert SlugRedirect.objects.get(kind="pairing", old_slug=merged.slug).new_slug == kept.slug


def test_cannot_merge_pairings_of_different_places():
    one, other = make_pairing(), make_pairing()
    with pytest.raises(ValidationError, match="same two places"):
        services.pairing_merge(keep=one, merge=other)


def test_cannot_merge_two_places_paired_with_each_other():
    a, b = PlaceFactory(), PlaceFactory()
    make_pairing(place_a=a, place_b=b, relationship=Relationship.TWIN_TOWN)
    with pytest.raises(ValidationError, match="with itself"):
        services.place_merge(keep=a, merge=b)
    assert Place.objects.filter(pk=b.pk).exists()
