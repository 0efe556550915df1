"""The pairing list's rows are built directly (not field by field through DRF), and must be exactly
what the declared serializer fields (the OpenAPI schema) give: same keys, same values, in both
languages, with and without `as_of`, for events with votes, rescissions and conflicting dates."""

import datetime as dt

import pytest
from django.utils import translation
from rest_framework import serializers

from twinning.api.serializers import EventSerializer, PairingSerializer, event_dict
from twinning.models import EventCitation
from twinning.selectors import (
    attach_latest_event_records,
    event_records,
    events_with_sources,
    pairing_records,
    pairings_with_status,
)


def attach_latest_events(pairings) -> None:
    """The rows' latest and status events as model instances with their sources (what DRF's generic
    path reads), for comparing with the Records the API serialises."""
    events = events_with_sources({p.latest_event_id for p in pairings} | {p.current_status_event_id for p in pairings} - {None})
    for pairing in pairings:
        pairing.latest_event = events.get(pairing.latest_event_id)
        pairing.status_event = events.get(pairing.current_status_event_id)


def generic(serializer, obj):
    """What DRF's ModelSerializer machinery gives for `obj` (the path the lean rows replace)."""
    return serializers.ModelSerializer.to_representation(serializer, obj)


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("as_of", [None, dt.date(2022, 1, 1), dt.date(1900, 1, 1)])
def test_lean_pairing_rows_equal_the_serializer_fields(world, language, as_of):
    citation = EventCitation.objects.filter(event=world.newcastle_sever).first()
    citation.claimed_date, citation.claimed_date_precision = dt.date(2022, 11, 1), "month"
    citation.save()
    rows = list(pairings_with_status(as_of=as_of).order_by("id"))
    attach_latest_events(rows)
    assert len(rows) == 6
    with translation.override(language):
        serializer = PairingSerializer(context={"as_of": as_of})
        for row in rows:
            lean = serializer.to_representation(row)
            assert lean == generic(serializer, row)
            assert list(lean) == PairingSerializer.Meta.fields  # the documented order too
    severed = next(r for r in rows if r.pk == world.newcastle_taiyuan.pk)
    if as_of is None:
        event = severed.status_event
        assert event_dict(event) == generic(EventSerializer(), event)
        assert event_dict(event)["sources"][0]["claimed_date"]["display"] == "November 2022"


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("as_of", [None, dt.date(2022, 1, 1), dt.date(1900, 1, 1)])
def test_rows_read_as_records_serialise_as_model_instances_do(world, language, as_of):
    """The API list reads its rows with .values() (no model instances): each row must serialise to
    exactly what DRF's fields give for the model instance, sources, votes and claimed dates included."""
    citation = EventCitation.objects.filter(event=world.newcastle_sever).first()
    citation.claimed_date, citation.claimed_date_precision = dt.date(2022, 11, 1), "month"
    citation.save()
    instances = {p.pk: p for p in pairings_with_status(as_of=as_of).order_by("id")}
    attach_latest_events(list(instances.values()))
    records = list(pairing_records(pairings_with_status(as_of=as_of).order_by("id")))
    attach_latest_event_records(records)
    assert [r.pk for r in records] == list(instances)
    with translation.override(language):
        serializer = PairingSerializer(context={"as_of": as_of})
        for record in records:
            assert serializer.to_representation(record) == generic(serializer, instances[record.pk])
    severed = next(r for r in records if r.pk == world.newcastle_taiyuan.pk)
    if as_of is None:
        assert severed.status_event.citations[0].source.title
        assert event_dict(severed.status_event)["sources"][0]["claimed_date"]["display"] == "November 2022"


def test_event_records_read_every_event_with_its_sources_in_two_queries(world, django_assert_max_num_queries):
    ids = [world.newcastle_sever.pk, world.newcastle_taiyuan.status_event_id, None]
    with django_assert_max_num_queries(2):
        events = event_records(ids)
    assert set(events) == {world.newcastle_sever.pk}
    event = events[world.newcastle_sever.pk]
    assert event_dict(event) == generic(EventSerializer(), world.newcastle_sever)
    assert len(event.citations) == EventCitation.objects.filter(event=world.newcastle_sever).count() > 0
    assert event_records([]) == {}


def test_api_list_serves_the_lean_rows(api, world):
    body = api.get("/api/v1/pairings/", {"place": "newcastle-upon-tyne"}).json()
    [row] = body["results"]
    assert row["url"].endswith("/pairings/newcastle-upon-tyne-taiyuan/")
    assert row["status"] == "severed" and row["ended"]["display"] == "2 November 2022"
    assert row["status_event"]["unanimous"] is True and row["status_event"]["mover"] == "Cllr Wendy Taylor"
    assert row["place_b"]["latitude"] == pytest.approx(37.86944)


def test_pages_read_ids_first_keep_the_lists_order(api, world):
    everything = [r["slug"] for r in api.get("/api/v1/pairings/", {"page_size": 6}).json()["results"]]
    pages = [
        [r["slug"] for r in api.get("/api/v1/pairings/", {"page_size": 2, "page": n}).json()["results"]] for n in (1, 2, 3)
    ]
    assert sum(pages, []) == everything
    assert everything[0] == "bath-jiangxi"  # ordered by place names: Bath, Newcastle, Nottingham…


# --- The detail ---------------------------------------------------------------------------------------


def _rich_detail(world):
    """Rescindton–Xi'an (西安) made rich: its timeline has a severance rescinded; it gains a circa
    review, several sources (one with a conflicting date), sources for the pairing itself, two agreements
    (one circa, with a term and a renewal, cited twice), campaigns naming the pairing and one of its
    places, and petitions about the pairing and about a place."""
    from campaigns.services import campaign_target_set
    from core.partialdates import PartialDate
    from tests.campaigns.factories import make_campaign, make_petition
    from tests.sources.factories import SourceFactory
    from tests.twinning.factories import record
    from twinning import services
    from twinning.constants import EventType

    pairing = world.rescindton_xian
    review = record(pairing, EventType.REVIEW_OPENED, "c. 2020", body="cabinet", summary="审查 opened")
    services.event_cite(
        event=review,
        cite=services.Cite(source=SourceFactory(published=None), locator="p. 3", quote="“under review”",
                           claimed_date=PartialDate.parse("2020-03")),
    )
    services.event_cite(event=world.rescindton_sever, cite=services.Cite(source=SourceFactory(title="西安日报")))
    for quote in ("first", "second"):
        services.pairing_cite(pairing=pairing, cite=services.Cite(source=SourceFactory(), quote=quote))
    services.agreement_record(
        pairing=pairing, kind="charter", title="友好城市协议", signed=PartialDate.parse("c. 2004"), term_years=5,
        renewal_due=PartialDate.parse("2009-06"), signatories="Mayor of Rescindton; 西安市长",
        text_url="https://example.org/charter", notes="Signed in Xi'an",
        citations=[services.Cite(source=SourceFactory()), services.Cite(source=SourceFactory(), locator="art. 2")],
    )
    services.agreement_record(pairing=pairing, kind="mou")
    pairing_campaign, place_campaign = make_campaign(name="Cut the tie", launched="2021"), make_campaign(name="Xi'an watch")
    campaign_target_set(campaign=pairing_campaign, pairing=pairing, note="the pairing itself")
    campaign_target_set(campaign=place_campaign, place=world.xian, outcome="severed")
    make_petition(title="End it", pairing=pairing, campaign=pairing_campaign, opened="c. 2021", closed="2021-05-01")
    make_petition(title="Review every tie", target_place=world.rescindton, outcome="rejected")
    return pairing


def _detail_object(pairing, as_of):
    """The pairing as the detail view loads it (its queryset, timeline, campaigns and petitions)."""
    from rest_framework.test import APIRequestFactory

    from campaigns.api.views import PairingWithCampaignsViewSet

    query = f"?as_of={as_of.isoformat()}" if as_of else ""
    request = APIRequestFactory().get(f"/api/v1/pairings/{pairing.pk}/{query}")
    view = PairingWithCampaignsViewSet(action_map={"get": "retrieve"})
    view.setup(request, pk=str(pairing.pk))
    view.request, view.action, view.format_kwarg = view.initialize_request(request), "retrieve", None
    return view, view.get_object()


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("as_of", [None, dt.date(2021, 6, 1)])
def test_lean_detail_equals_the_serializer_fields(world, api, language, as_of):
    from campaigns.api.serializers import PairingFullSerializer
    from twinning.api.serializers import AgreementSerializer, PairingDetailSerializer

    pairing = _rich_detail(world)
    view, obj = _detail_object(pairing, as_of)
    assert len(obj.timeline) == 4 and len(obj.agreement_list) == 2 and len(obj.citation_list) == 3
    assert len(obj.target_list) == 2 and len(obj.petition_list) == 2
    with translation.override(language):
        serializer = view.get_serializer(obj)
        assert type(serializer) is PairingFullSerializer
        lean = serializer.to_representation(obj)
        assert lean == generic(serializer, obj)
        assert list(lean) == PairingFullSerializer.Meta.fields
        # the twinning layer's detail alone (the API serves the campaigns layer's)
        detail = PairingDetailSerializer(context=serializer.context)
        assert detail.to_representation(obj) == generic(detail, obj)
        assert list(detail.to_representation(obj)) == PairingDetailSerializer.Meta.fields
        assert lean["agreements"][0] == generic(AgreementSerializer(), obj.agreement_list[0])
    # the rich parts are there, in the language asked for
    assert lean["status"] == ("severed" if as_of else "under_review")  # the severance rescinded: under review again
    assert [e["event_type"] for e in lean["timeline"]] == ["established", "review_opened", "decision_sever", "decision_rescinded"]
    assert lean["timeline"][-1]["rescinds"] == world.rescindton_sever.pk
    circa = lean["timeline"][1]
    assert circa["date"]["circa"] is True and circa["sources"][-1]["claimed_date"]["precision"] == "month"
    assert lean["agreements"][0]["signed"]["circa"] is True and lean["agreements"][0]["term_years"] == 5
    assert len(lean["agreements"][0]["sources"]) == 2 and len(lean["sources"]) == 3
    assert {c["targets"] for c in lean["campaigns"]} == {"pairing", "place"}
    assert lean["petitions"][0]["opened"]["circa"] is True
    assert lean["place_b"]["local_name"] == "西安"
    if language == "zh-hant":
        assert lean["timeline"][0]["event_type_label"] != "Established"
    if language == "en":  # and the API (in LANGUAGE_CODE: see test_export's api_language) serves exactly that
        query = {"as_of": as_of.isoformat()} if as_of else {}
        assert api.get(f"/api/v1/pairings/{pairing.pk}/", query).json() == lean


def test_detail_skips_what_a_pairing_has_none_of(world, api, django_assert_max_num_queries):
    """Agreements, campaigns and petitions are read only when the pairing's row says it has some: a
    pairing with none answers in five queries (the register's version, the pairing, its events, their
    sources, its own sources), the rich one in at most nine."""
    with django_assert_max_num_queries(5):
        body = api.get(f"/api/v1/pairings/{world.paris_rome.pk}/").json()
    assert body["agreements"] == body["campaigns"] == body["petitions"] == []
    assert [e["event_type"] for e in body["timeline"]] == ["established", "visit"]
    pairing = _rich_detail(world)
    with django_assert_max_num_queries(9):
        body = api.get(f"/api/v1/pairings/{pairing.pk}/").json()
    assert len(body["agreements"]) == len(body["campaigns"]) == len(body["petitions"]) == 2


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_events_serialise_as_their_fields_say(world, language):
    """The events list's rows (EventWithPairingSerializer) and events alone (EventSerializer) are built
    directly: exactly what DRF's fields give, in the fields' order, for every event of the world."""
    from twinning.api.serializers import EventWithPairingSerializer
    from twinning.api.views import CITATIONS
    from twinning.models import Event

    citation = EventCitation.objects.filter(event=world.newcastle_sever).first()
    citation.claimed_date, citation.claimed_date_precision = dt.date(2022, 11, 1), "month"
    citation.save()
    events = Event.objects.select_related("pairing__place_a", "pairing__place_b").prefetch_related(CITATIONS)
    assert events.count() > 5
    as_records = event_records([e.pk for e in events], with_pairing=True)
    with translation.override(language):
        for event in events:
            for serializer in (EventWithPairingSerializer(), EventSerializer()):
                lean = serializer.to_representation(event)
                assert lean == generic(serializer, event)
                assert list(lean) == serializer.Meta.fields
                assert serializer.to_representation(as_records[event.pk]) == lean  # what the list reads


def test_the_events_list_reads_a_page_by_its_ids(api, world, django_assert_max_num_queries):
    """A page of events: its ids in timeline order, then those events with pairings and sources; the
    same rows and order whatever the page."""
    whole = api.get("/api/v1/events/", {"page_size": 500}).json()["results"]
    assert len(whole) > 5
    paged = []
    for page in (1, 2, 3):
        with django_assert_max_num_queries(6):
            body = api.get("/api/v1/events/", {"page_size": 3, "page": page}).json()
        paged += body["results"]
    assert paged == whole[:9]
    assert whole[0]["pairing"]["place_a"]["slug"] and whole[0]["sources"] is not None


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_places_serialise_as_their_fields_say(world, language):
    """The places list's rows are built directly: exactly what DRF's fields give, in their order."""
    from twinning.api.serializers import PlaceSerializer
    from twinning.models import Place, PlaceIdentifier
    from twinning.selectors import places_with_pairing_counts

    place = Place.objects.get(pk=world.newcastle_taiyuan.place_a_id)
    PlaceIdentifier.objects.create(place=place, scheme="wikidata", value="Q1794")
    places = places_with_pairing_counts().prefetch_related("identifiers").order_by("id")
    assert places.count() > 5
    with translation.override(language):
        serializer = PlaceSerializer()
        for row in places:
            lean = serializer.to_representation(row)
            assert lean == generic(serializer, row)
            assert list(lean) == PlaceSerializer.Meta.fields
    assert places.get(pk=place.pk).pairing_count == 1
