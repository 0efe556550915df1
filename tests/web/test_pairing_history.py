"""The public change history of a pairing: what changed, when and why; never who, never internal notes."""

import pytest
from django.urls import reverse

from core.partialdates import PartialDate
from sources.services import Cite
from tests.sources.factories import SourceFactory
from tests.twinning.factories import make_pairing
from tests.web.test_pages import text_of
from twinning import services
from twinning.constants import EventType

pytestmark = pytest.mark.django_db


def test_pairing_page_links_to_its_history(client, newcastle):
    html = client.get(newcastle.get_absolute_url()).content.decode()
    assert f'href="{reverse("pairing-history", args=[newcastle.slug])}"' in html


def test_history_shows_events_sources_status_and_reasons_without_curator_names(client, newcastle, curator):
    event = newcastle.events.get(event_type=EventType.DECISION_SEVER)
    extra = SourceFactory(title="Council minutes, 2 November 2022", notes="INTERNAL: found via FOI clerk")
    services.event_cite(event=event, cite=Cite(source=extra), user=curator, reason="Minutes published")
    services.event_update(event, summary="Full council voted to end it.", user=curator, reason="Clearer summary")
    review = services.event_record(
        pairing=newcastle, event_type=EventType.VISIT, date=PartialDate.parse("2022-06"), user=curator,
        reason="Typo: wrong pairing",
    )
    services.event_delete(review, user=curator, reason="Withdrawn: recorded on the wrong pairing")

    response = client.get(reverse("pairing-history", args=[newcastle.slug]))
    assert response.status_code == 200
    text = text_of(response).replace(" :", ":")
    assert "Source added: Decision to sever — 2 November 2022" in text
    assert "Council minutes, 2 November 2022" in text and "Reason: Minutes published" in text
    assert "Event changed: Decision to sever — 2 November 2022" in text and "Changed: summary" in text
    assert "Reason: Clearer summary" in text
    assert "Event withdrawn: Visit or delegation — June 2022" in text
    assert "Reason: Withdrawn: recorded on the wrong pairing" in text
    assert "Status after this event: Severed" in text
    # Never who, never internal notes.
    assert "curator" not in text.lower().replace("curators check", "")
    assert "INTERNAL" not in text
    # Newest first: the withdrawal comes before the source added.
    assert text.index("Event withdrawn") < text.index("Source added: Decision")


def test_history_query_count_is_bounded(client, django_assert_max_num_queries):
    pairing = make_pairing(established="1990")
    for year in range(1991, 2016):
        services.event_record(
            pairing=pairing, event_type=EventType.VISIT, date=PartialDate.parse(str(year)),
            citations=[Cite(source=SourceFactory())], reason=f"Visit {year}",
        )
    with django_assert_max_num_queries(10):
        response = client.get(reverse("pairing-history", args=[pairing.slug]))
    assert text_of(response).count("Event added") == 26
