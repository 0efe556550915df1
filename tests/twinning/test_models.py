"""Database constraints hold even when code bypasses the services."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from sources.models import Source
from tests.sources.factories import SourceFactory
from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning import services
from twinning.constants import EventType, Relationship
from twinning.models import Event, Pairing, Place, PlaceIdentifier

pytestmark = pytest.mark.django_db


def raises_integrity():
    return pytest.raises(IntegrityError)


def test_a_place_cannot_pair_with_itself():
    place = PlaceFactory()
    with raises_integrity(), transaction.atomic():
        Pairing.objects.create(place_a=place, place_b=place, relationship=Relationship.TWIN_TOWN, slug="x")
    with pytest.raises(ValidationError, match="itself"):
        services.pairing_create(place_a=place, place_b=place, relationship=Relationship.TWIN_TOWN)


def test_one_pairing_per_unordered_pair_and_relationship():
    a, b = PlaceFactory(), PlaceFactory()
    Pairing.objects.create(place_a=a, place_b=b, relationship=Relationship.SISTER_CITY, slug="ab")
    with raises_integrity(), transaction.atomic():
        Pairing.objects.create(place_a=b, place_b=a, relationship=Relationship.SISTER_CITY, slug="ba")
    # another relationship type between the same places is a different pairing
    Pairing.objects.create(place_a=b, place_b=a, relationship=Relationship.FRIENDSHIP, slug="ba-f")
    with pytest.raises(ValidationError, match="already recorded"):
        services.pairing_create(place_a=b, place_b=a, relationship=Relationship.SISTER_CITY)


def test_vote_counts_cannot_be_negative_and_unanimous_has_no_votes_against():
    pairing = make_pairing()
    with raises_integrity(), transaction.atomic():
        Event.objects.filter(pairing=pairing).update(votes_for=-1)
    with raises_integrity(), transaction.atomic():
        Event.objects.filter(pairing=pairing).update(unanimous=True, votes_against=3)


def test_partial_dates_are_stored_on_the_first_day_of_their_period():
    pairing = make_pairing(established="2005")
    with raises_integrity(), transaction.atomic():
        Event.objects.filter(pairing=pairing).update(date=dt.date(2005, 6, 15))  # still "year" precision


def test_only_a_rescinding_event_rescinds():
    pairing = make_pairing()
    sever = record(pairing, EventType.DECISION_SEVER, "2022-11-02")
    other = pairing.events.exclude(pk=sever.pk).get()
    with raises_integrity(), transaction.atomic():
        Event.objects.filter(pk=other.pk).update(rescinds=sever)


def test_a_cited_source_cannot_be_deleted():
    source = SourceFactory()
    make_pairing(source=source)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        source.delete()
    assert Source.objects.filter(pk=source.pk).exists()


def test_identifier_unique_per_scheme():
    a, b = PlaceFactory(), PlaceFactory()
    services.place_identifier_set(place=a, scheme="wikidata", value="Q1799")
    with pytest.raises(ValidationError, match="already identifies"):
        services.place_identifier_set(place=b, scheme="wikidata", value="Q1799")
    with raises_integrity(), transaction.atomic():
        PlaceIdentifier.objects.create(place=b, scheme="wikidata", value="Q1799")


def test_source_needs_url_or_publisher():
    with raises_integrity(), transaction.atomic():
        Source.objects.create(title="Untraceable", url="", publisher="")


def test_history_records_who_and_why(curator):
    pairing = make_pairing(established="1985")
    event = record(pairing, EventType.DECISION_SEVER, "2022-11-02", user=curator, reason="Council minutes published")
    latest = event.history.latest()
    assert latest.history_user == curator
    assert latest.history_change_reason == "Council minutes published"
    assert latest.history_type == "+"


def test_pairing_and_agreement_citations_record_who_and_why(curator):
    pairing = make_pairing(established="1985")
    agreement = services.agreement_record(pairing=pairing, kind="charter")
    source = SourceFactory()
    cited = [
        services.pairing_cite(pairing=pairing, cite=services.Cite(source=source), user=curator, reason="Press release"),
        services.agreement_cite(agreement=agreement, cite=services.Cite(source=source), user=curator, reason="Press release"),
    ]
    rows = [(type(citation), citation.pk) for citation in cited]
    for model, pk in rows:
        added = model.history.get(id=pk)
        assert (added.history_user, added.history_change_reason) == (curator, "Press release")
    services.pairing_citation_delete(cited[0], user=curator, reason="Duplicate of the minutes")
    services.agreement_citation_delete(cited[1], user=curator, reason="Duplicate of the minutes")
    for model, pk in rows:
        removed = model.history.get(id=pk, history_type="-")
        assert (removed.history_user, removed.history_change_reason) == (curator, "Duplicate of the minutes")
    assert not pairing.citations.filter(source=source).exists() and not agreement.citations.exists()


def test_pairings_sort_by_their_places_names_on_every_write_path(api):
    """`sort_a`/`sort_b` (what lists sort on, from an index) follow the places' names whatever writes
    them: a service, a rename, a bulk insert, or a pairing moved to another place."""
    york, zagreb, aachen = (PlaceFactory(name=n) for n in ("York", "Zagreb", "Aachen"))
    first = make_pairing(place_a=york, place_b=zagreb)
    second = make_pairing(place_a=zagreb, place_b=aachen)
    Pairing.objects.bulk_create(
        [Pairing(place_a=aachen, place_b=york, relationship=Relationship.FRIENDSHIP, slug="aachen-york-bulk")]
    )

    def names():
        return list(Pairing.objects.order_by("sort_a", "sort_b", "id").values_list("sort_a", "sort_b"))

    assert names() == [("Aachen", "York"), ("York", "Zagreb"), ("Zagreb", "Aachen")]
    york.name = "Eboracum"
    york.save()
    assert names() == [("Aachen", "Eboracum"), ("Eboracum", "Zagreb"), ("Zagreb", "Aachen")]
    Pairing.objects.filter(pk=second.pk).update(place_b=PlaceFactory(name="Bath"))
    assert names()[-1] == ("Zagreb", "Bath")
    listed = [(r["place_a"]["name"], r["place_b"]["name"]) for r in api.get("/api/v1/pairings/").json()["results"]]
    assert listed == [("Aachen", "Eboracum"), ("Eboracum", "Zagreb"), ("Zagreb", "Bath")]
    assert Pairing.objects.get(pk=first.pk).sort_a == "Eboracum"


def test_pairings_carry_their_places_countries_on_every_write_path():
    """`country_a`/`country_b` (what the country filters and statistics read) follow the places'
    countries whatever writes them: a service, a bulk insert, COPY, a pairing moved to another place, or
    a place's country corrected; a write of a stale copy is overwritten."""
    from django.db import connection

    york, lyon, ningbo = PlaceFactory(country="GB"), PlaceFactory(country="FR"), PlaceFactory(country="CN")
    first = make_pairing(place_a=york, place_b=lyon)
    (bulk,) = Pairing.objects.bulk_create(
        [Pairing(place_a=lyon, place_b=ningbo, relationship=Relationship.FRIENDSHIP, slug="lyon-ningbo-bulk")]
    )
    with connection.cursor() as cursor, cursor.cursor.copy(
        "COPY twinning_pairing (place_a_id, place_b_id, relationship, slug, status, status_since_precision, "
        "status_since_circa, notes, notes_zh_hant, confidence, confidence_note, created_at, updated_at, "
        "sort_a, sort_b, country_a, country_b) FROM STDIN"
    ) as copy:
        copy.write_row((ningbo.pk, york.pk, "twin_town", "ningbo-york-copy", "unknown", "day", False, "", "",
                        "high", "", "2026-01-01T00:00Z", "2026-01-01T00:00Z", "", "", "XX", ""))
    copied = Pairing.objects.get(slug="ningbo-york-copy")

    def countries(pairing):
        return tuple(Pairing.objects.filter(pk=pairing.pk).values_list("country_a", "country_b").get())

    assert [countries(p) for p in (first, bulk, copied)] == [("GB", "FR"), ("FR", "CN"), ("CN", "GB")]
    lyon.country = "DE"
    lyon.save()
    assert [countries(p) for p in (first, bulk, copied)] == [("GB", "DE"), ("DE", "CN"), ("CN", "GB")]
    Pairing.objects.filter(pk=bulk.pk).update(place_b=PlaceFactory(country="JP"))
    Pairing.objects.filter(pk=first.pk).update(country_a="ZZ")
    assert [countries(p) for p in (first, bulk, copied)] == [("GB", "DE"), ("DE", "JP"), ("CN", "GB")]
    first.refresh_from_db()
    first.notes = "Saved with the copies it was loaded with."
    Place.objects.filter(pk=york.pk).update(country="IE")
    first.save()
    assert countries(first) == ("IE", "DE")
    assert [p.slug for p in Pairing.objects.filter(Q(country_a="CN") | Q(country_b="CN"))] == ["ningbo-york-copy"]


def test_events_carry_their_pairings_countries_on_every_write_path():
    """Events copy their pairing's countries (what the events list's country filter and `as_of` +
    `country` read) whatever writes them: a service, a bulk insert, events moved to another pairing, a
    pairing inserted after its events (a fixture's order), a place's country corrected; a write of a
    stale copy is overwritten."""
    from django.db import connection

    york, lyon, ningbo = PlaceFactory(country="GB"), PlaceFactory(country="FR"), PlaceFactory(country="CN")
    york_lyon, lyon_ningbo = make_pairing(place_a=york, place_b=lyon), make_pairing(place_a=lyon, place_b=ningbo)
    recorded = record(york_lyon, EventType.ESTABLISHED, "1990")
    (bulk,) = Event.objects.bulk_create([Event(pairing=lyon_ningbo, event_type=EventType.VISIT, date=dt.date(2001, 1, 1))])

    def countries(event):
        return tuple(Event.objects.filter(pk=event.pk).values_list("country_a", "country_b").get())

    assert [countries(e) for e in (recorded, bulk)] == [("GB", "FR"), ("FR", "CN")]
    lyon.country = "DE"
    lyon.save()
    assert [countries(e) for e in (recorded, bulk)] == [("GB", "DE"), ("DE", "CN")]
    Event.objects.filter(pk=bulk.pk).update(pairing=york_lyon)
    Event.objects.filter(pk=recorded.pk).update(country_a="ZZ")
    assert [countries(e) for e in (recorded, bulk)] == [("GB", "DE"), ("GB", "DE")]
    Pairing.objects.filter(pk=york_lyon.pk).update(place_b=ningbo)
    assert [countries(e) for e in (recorded, bulk)] == [("GB", "CN"), ("GB", "CN")]

    # An event written before its pairing (foreign keys are checked at commit, as loaddata relies on).
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('twinning_pairing', 'id'))")
        (future,) = cursor.fetchone()
    early = Event.objects.create(pairing_id=future, event_type=EventType.VISIT, date=dt.date(2010, 1, 1))
    assert countries(early) == ("", "")
    Pairing.objects.bulk_create([Pairing(pk=future, place_a=ningbo, place_b=york, relationship=Relationship.FRIENDSHIP, slug="ningbo-york")])
    assert countries(early) == ("CN", "GB")
    in_china = set(Event.objects.filter(Q(country_a="CN") | Q(country_b="CN")).values_list("pk", flat=True))
    assert in_china == set(Event.objects.filter(pairing__in=[york_lyon.pk, lyon_ningbo.pk, future]).values_list("pk", flat=True))
    assert {recorded.pk, bulk.pk, early.pk} <= in_china
