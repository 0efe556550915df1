import datetime as dt

import pytest

from tests.twinning.factories import PlaceFactory
from twinning.selectors import similar_places

pytestmark = pytest.mark.django_db


def test_similar_places_finds_a_typo_and_ranks_the_closest_first():
    nottingham = PlaceFactory(name="Nottingham", country="GB")
    PlaceFactory(name="Northampton", country="GB")
    PlaceFactory(name="Ningbo", country="CN")

    found = similar_places("Nottinghm")

    assert found[0] == nottingham
    assert "Ningbo" not in [p.name for p in found]


def test_similar_places_matches_chinese_names_in_either_script_and_respects_country():
    ningbo = PlaceFactory(name="Ningbo", local_name="宁波", country="CN")
    PlaceFactory(name="Ningbo Lake", local_name="", country="US")

    assert similar_places("寧波") == [ningbo]
    assert similar_places("Ningbo", country="US")[0].name == "Ningbo Lake"
    assert similar_places("Ningbo", country="CN", exclude_pk=ningbo.pk) == []
    assert similar_places("   ") == []


FACTS = ("established_on", "established_precision", "established_circa", "latest_event_id", "source_count")


@pytest.mark.parametrize(
    "as_of", [None, dt.date(1900, 1, 1), dt.date(2004, 12, 31), dt.date(2021, 6, 1), dt.date(2022, 2, 14), dt.date(2022, 11, 1)]
)
def test_timeline_facts_equal_the_lists_subqueries(world, as_of):
    """The detail reads established date, latest event and source count from the loaded timeline
    (`pairing_details` + `read_timeline_facts`): the same as the list's per-row subqueries, on every
    pairing (no established event, several sources shared, a rescinded decision, same-day events…)."""
    from tests.sources.factories import SourceFactory
    from tests.twinning.factories import make_pairing, record
    from twinning import services
    from twinning.constants import EventType
    from twinning.selectors import pairing_details, pairing_timeline, pairings_with_status, read_timeline_facts

    shared = SourceFactory()
    bare = make_pairing(established=None, source=shared)  # no established event, a source for the pairing only
    record(bare, EventType.REVIEW_OPENED, "2021-06-01", source=shared)
    record(bare, EventType.DECISION_RETAIN, "2021-06-01", source=shared)  # same day: order decides the latest
    circa = make_pairing(established="c. 1995")
    services.event_cite(event=circa.events.get(), cite=services.Cite(source=shared))
    expected = {p.pk: p for p in pairings_with_status(as_of=as_of)}
    details = {p.pk: p for p in pairing_details(as_of=as_of)}
    assert len(expected) == len(details) == 8
    for pk, row in details.items():
        read_timeline_facts(row, pairing_timeline(row), as_of)
        want = expected[pk]
        assert {f: getattr(row, f) for f in FACTS} == {f: getattr(want, f) for f in FACTS}, row
        assert row.current_status == want.current_status and row.current_status_event_id == want.current_status_event_id
