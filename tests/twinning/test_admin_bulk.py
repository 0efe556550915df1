"""Spreadsheet parity in the admin (issue 10 item 5): a “+” creates a source from the pairing's and the
timeline's source pickers; pickers carry the whole source label; bulk actions mark confidence through
the services (with a recorded reason) and export the selected rows as CSV."""

import pytest
from django.urls import reverse

from tests.sources.factories import SourceFactory
from tests.twinning.factories import PlaceFactory, make_pairing
from twinning.models import Pairing

LONG = "Prague City Council resolution terminating the partnership agreement with the City of Beijing, 7 October 2019"


@pytest.mark.django_db
def test_source_pickers_have_a_plus_and_show_the_whole_title(client, curator):
    source = SourceFactory(title=LONG)
    pairing = make_pairing(source=source)
    client.force_login(curator)
    add_page = client.get(reverse("admin:twinning_pairing_add")).content.decode()
    assert 'id="add_id_established_sources"' in add_page
    assert reverse("admin:sources_source_add") + "?_to_field=id&amp;_popup=1" in add_page
    change_page = client.get(reverse("admin:twinning_pairing_change", args=[pairing.pk])).content.decode()
    assert 'id="add_id_events-0-sources"' in change_page
    assert f"{LONG}" in change_page and "css/admin-pickers.css" in change_page
    found = client.get(reverse("admin:autocomplete"), {"app_label": "twinning", "model_name": "eventcitation",
                                                      "field_name": "source", "term": "terminating"}).json()["results"]
    assert found[0]["text"].startswith(LONG)


@pytest.mark.django_db
def test_bulk_confidence_is_recorded_and_csv_export_has_the_selected_rows(client, curator):
    chosen = [make_pairing(place_a=PlaceFactory(name=f"=Prague {i}")) for i in range(2)]
    other = make_pairing()
    client.force_login(curator)
    url = reverse("admin:twinning_pairing_changelist")
    ids = [str(p.pk) for p in chosen]
    response = client.post(url, {"action": "mark_confidence_low", "_selected_action": ids})
    assert response.status_code == 302
    assert set(Pairing.objects.filter(confidence="low").values_list("pk", flat=True)) == {p.pk for p in chosen}
    record = chosen[0].history.latest()
    assert (record.history_user, record.history_change_reason) == (curator, "Bulk action: confidence marked low")
    response = client.post(url, {"action": "export_selected_csv", "_selected_action": ids})
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    lines = body.strip().splitlines()
    assert lines[0].startswith("slug,place_a,country_a") and len(lines) == 3
    assert "'=Prague 0" in body and other.slug not in body
