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
    attach_latest_events,
    event_records,
    pairing_records,
    pairings_with_status,
)


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
