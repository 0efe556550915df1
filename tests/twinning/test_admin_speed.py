"""Admin speed (issue 10 item 6): the pairing change page and the autocompletes stay within a fixed
number of queries whatever the number of events on the pairing (the issue measured 177 queries at
40 events, and 46–66 per event autocomplete)."""

import pytest
from django.urls import reverse

from tests.sources.factories import SourceFactory
from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning.constants import EventType

PAGE_MAX = 15
AUTOCOMPLETE_MAX = 5
KINDS = [EventType.REVIEW_OPENED, EventType.DECISION_RETAIN, EventType.VISIT]


def pairing_with_events(n_events: int, *, name="Prague"):
    """A pairing with `n_events` events (the established one included), each with its own source."""
    pairing = make_pairing(place_a=PlaceFactory(name=name), place_b=PlaceFactory(name=f"{name} twin", country="CN"),
                           established="1995")
    for i in range(n_events - 1):
        record(pairing, KINDS[i % len(KINDS)], f"{2000 + i // 12}-{i % 12 + 1:02d}", source=SourceFactory())
    return pairing


@pytest.mark.django_db
@pytest.mark.parametrize("n_events", [2, 10, 40])
def test_pairing_change_page_queries_do_not_grow_with_events(client, editor, n_events, django_assert_max_num_queries):
    pairing = pairing_with_events(n_events)
    client.force_login(editor)
    with django_assert_max_num_queries(PAGE_MAX):
        response = client.get(reverse("admin:twinning_pairing_change", args=[pairing.pk]))
    assert response.status_code == 200
    # Every event is on the page with its sources labelled (the labels come from the prefetch).
    rows = response.context["inline_admin_formsets"][0].formset.initial_forms
    assert len(rows) == n_events
    html = response.content.decode()
    for event in pairing.events.prefetch_related("citations__source"):
        for citation in event.citations.all():
            assert f'<option value="{citation.source_id}" selected>{citation.source}</option>' in html


@pytest.mark.django_db
def test_autocompletes_stay_within_five_queries(client, editor, django_assert_max_num_queries):
    for i in range(21):
        pairing_with_events(2, name=f"Prague {i}")
    client.force_login(editor)
    url = reverse("admin:autocomplete")
    asks = [
        {"app_label": "twinning", "model_name": "event", "field_name": "rescinds", "term": "Prague"},
        {"app_label": "twinning", "model_name": "event", "field_name": "pairing", "term": "Prague"},
        {"app_label": "twinning", "model_name": "agreement", "field_name": "pairing", "term": "Prague"},
        {"app_label": "twinning", "model_name": "pairing", "field_name": "place_a", "term": "Prague"},
        {"app_label": "twinning", "model_name": "eventcitation", "field_name": "source", "term": ""},
    ]
    for params in asks:
        with django_assert_max_num_queries(AUTOCOMPLETE_MAX):
            response = client.get(url, params)
        assert response.status_code == 200, params
        results = response.json()["results"]
        assert len(results) >= 20, params
        if params["model_name"] != "eventcitation":
            assert all("Prague" in r["text"] for r in results), params
