"""Rows read as Records (core.records): what `.values()` selects, readable by attribute, nested for
related rows, and still a queryset that pages and counts on the bare table."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.records import Record, nest, records
from tests.twinning.factories import PlaceFactory, make_pairing
from twinning.models import Pairing


def test_nest_reads_related_fields_by_attribute():
    row = nest({"pk": 3, "slug": "a-b", "place_a__name": "Bath", "place_a__country": "GB", "place_b__name": "Nanning"})
    assert row.pk == 3 and row.slug == "a-b"
    assert row.place_a.name == "Bath" and row.place_a.country == "GB" and row.place_b.name == "Nanning"
    assert not hasattr(row, "place_a__name")
    row.latest_event = None  # a page attaches what its rows need
    assert row.latest_event is None
    with pytest.raises(AttributeError):
        row.missing  # noqa: B018 — a missing field is an error, as on a model instance
    assert row == Record({"pk": 3, "slug": "a-b", "place_a": Record({"name": "Bath", "country": "GB"}),
                          "place_b": Record({"name": "Nanning"}), "latest_event": None})


@pytest.mark.django_db
def test_records_page_filter_and_count_like_the_queryset():
    for n in range(3):
        make_pairing(place_a=PlaceFactory(name=f"Alpha {n}"))
    qs = records(Pairing.objects.order_by("id"), "pk", "slug", "place_a__name")
    rows = list(qs)
    assert [r.pk for r in rows] == list(Pairing.objects.order_by("id").values_list("pk", flat=True))
    assert {r.place_a.name for r in rows} == {"Alpha 0", "Alpha 1", "Alpha 2"}
    assert [r.pk for r in qs[1:3]] == [rows[1].pk, rows[2].pk]
    assert [r.slug for r in qs.filter(pk=rows[0].pk)] == [rows[0].slug]
    with CaptureQueriesContext(connection) as captured:
        assert qs.count() == 3
        assert list(Pairing.objects.filter(pk__in=qs.values("pk")).values_list("pk", flat=True))
    # Counting and taking ids read the bare table: the joins the fields need come with the rows only.
    assert all("twinning_place" not in q["sql"] for q in captured.captured_queries)


@pytest.mark.django_db
def test_flat_records_are_read_as_records_too():
    """Rows of plain fields (a page's ids) are Records like nested ones, read from tuples."""
    pairings = [make_pairing() for _ in range(2)]
    rows = list(records(Pairing.objects.order_by("id"), "pk", "slug"))
    assert rows == [Record({"pk": p.pk, "slug": p.slug}) for p in sorted(pairings, key=lambda p: p.pk)]


def test_int_array_is_the_text_of_an_array_of_integers_only():
    from core.records import int_array

    assert int_array([3, 1, 20]) == "{3,1,20}"
    assert int_array([]) == "{}"
    with pytest.raises(ValueError):
        int_array(["1}", "2"])  # nothing but integers reaches the text


@pytest.mark.django_db
def test_id_array_selects_the_rows_of_its_ids():
    from core.records import id_array

    pairings = [make_pairing() for _ in range(3)]
    wanted = {pairings[0].pk, pairings[2].pk}
    assert set(Pairing.objects.filter(pk__in=id_array(wanted)).values_list("pk", flat=True)) == wanted


def test_record_fields_names_what_a_queryset_of_records_yields():
    from core.records import record_fields

    assert record_fields(records(Pairing.objects.all(), "pk")) == ("pk",)
    assert record_fields(records(Pairing.objects.all(), "pk", "place_a__name")) == ("pk", "place_a__name")
    assert record_fields(Pairing.objects.all()) is None
    assert record_fields(Pairing.objects.values("pk")) is None
