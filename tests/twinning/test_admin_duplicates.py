"""Duplicates are caught in the admin forms before they exist (issue 10 item 2): a place with a QID
already recorded is refused with a link; a place named like one in the same country ("Praha" beside
"Prague") is a warning with links and “use this one”; an event of the same type in an overlapping
period (2019-10-07 beside 2019-10) is a warning. Warnings keep what the curator typed."""

import json

import pytest
from django.urls import reverse

from tests.sources.factories import SourceFactory
from tests.twinning.admin_helpers import add_inline_row, errors_of, form_data
from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning.constants import EventType, Status
from twinning.models import Event, Place, PlaceIdentifier


@pytest.fixture
def prague(db):
    place = PlaceFactory(name="Prague", local_name="Praha", country="CZ", region="Prague", slug="prague")
    PlaceIdentifier.objects.create(place=place, scheme="wikidata", value="Q1085")
    return place


def add_place(client, **fields):
    url = reverse("admin:twinning_place_add")
    data = form_data(client.get(url))
    data.update({"kind": "city", **fields})
    return client.post(url, data)


@pytest.mark.django_db
class TestPlaces:
    def test_a_similar_name_in_the_same_country_is_a_warning_with_links_and_keeps_the_input(self, client, curator, prague):
        client.force_login(curator)
        response = add_place(client, name="Prag", country="CZ", region="Bohemia", governing_body="Magistrát")
        assert response.status_code == 200
        page = response.content.decode()
        assert "Possibly already recorded in this country" in page
        assert reverse("admin:twinning_place_change", args=[prague.pk]) in page
        assert reverse("admin:twinning_place_use", args=[prague.pk]) in page and "use this one" in page
        assert response.context["adminform"].form["governing_body"].value() == "Magistrát"  # input kept
        assert not Place.objects.filter(name="Prag").exists()

        response = add_place(client, name="Prag", country="CZ", region="Bohemia", create_anyway="on")
        assert response.status_code == 302, errors_of(response)
        assert Place.objects.filter(name="Prag").exists()

    def test_the_local_name_is_compared_too_and_other_countries_are_not(self, client, curator, prague):
        client.force_login(curator)
        assert "Possibly already recorded" in add_place(client, name="Hlavní město", local_name="Praha", country="CZ").content.decode()
        response = add_place(client, name="Prague", country="US", region="Oklahoma")
        assert response.status_code == 302, errors_of(response)

    def test_a_qid_already_recorded_is_refused_with_a_link(self, client, curator, prague):
        client.force_login(curator)
        response = add_place(client, name="Praag", country="NL", **{
            "identifiers-TOTAL_FORMS": "1", "identifiers-0-scheme": "wikidata", "identifiers-0-value": "Q1085"})
        assert response.status_code == 200
        assert any("Q1085 already identifies" in e for e in errors_of(response))
        assert reverse("admin:twinning_place_change", args=[prague.pk]) in response.content.decode()
        assert not Place.objects.filter(name="Praag").exists()

    def test_use_this_one_in_a_popup_chooses_the_existing_place(self, client, curator, prague):
        client.force_login(curator)
        response = client.get(reverse("admin:twinning_place_use", args=[prague.pk]), {"_popup": "1"})
        assert response.status_code == 200
        assert json.loads(response.context["popup_response_data"]) == {"value": str(prague.pk), "obj": str(prague)}
        response = client.get(reverse("admin:twinning_place_use", args=[prague.pk]))
        assert response["Location"] == reverse("admin:twinning_place_change", args=[prague.pk])


@pytest.fixture
def severed(db):
    pairing = make_pairing(place_a=PlaceFactory(name="Prague", country="CZ"),
                           place_b=PlaceFactory(name="Beijing", country="CN"), established="1995")
    record(pairing, EventType.DECISION_SEVER, "2019-10")
    return pairing


@pytest.mark.django_db
class TestEvents:
    def test_an_overlapping_decision_of_the_same_type_needs_confirmation(self, client, curator, severed):
        client.force_login(curator)
        url = reverse("admin:twinning_event_add")
        data = form_data(client.get(url))
        data.update({"pairing": str(severed.pk), "event_type": EventType.DECISION_SEVER, "date": "2019-10-07",
                     "actor": "side_a", "summary": "Council votes to end the partnership",
                     "citations-TOTAL_FORMS": "1", "citations-0-source": str(SourceFactory().pk)})
        response = client.post(url, data)
        assert response.status_code == 200
        assert any("already has" in e and "October 2019" in e for e in errors_of(response))
        assert response.context["adminform"].form["summary"].value() == "Council votes to end the partnership"
        assert severed.events.filter(event_type=EventType.DECISION_SEVER).count() == 1

        data["another_event"] = "on"
        assert client.post(url, data).status_code == 302
        assert severed.events.filter(event_type=EventType.DECISION_SEVER).count() == 2

    def test_a_later_period_or_another_type_is_not_a_duplicate(self, client, curator, severed):
        client.force_login(curator)
        url = reverse("admin:twinning_event_add")
        for event_type, date in ((EventType.DECISION_SEVER, "2019-11-02"), (EventType.STATEMENT, "2019-10-07")):
            data = form_data(client.get(url))
            data.update({"pairing": str(severed.pk), "event_type": event_type, "date": date, "actor": "side_a",
                         "citations-TOTAL_FORMS": "1", "citations-0-source": str(SourceFactory().pk)})
            response = client.post(url, data)
            assert response.status_code == 302, errors_of(response)

    def test_the_same_warning_on_the_pairing_timeline(self, client, curator, severed):
        client.force_login(curator)
        url = reverse("admin:twinning_pairing_change", args=[severed.pk])
        data = add_inline_row(form_data(client.get(url)), "events", event_type=EventType.DECISION_SEVER,
                              date="2019", sources=[str(SourceFactory().pk)])
        response = client.post(url, data)
        assert response.status_code == 200
        assert any("already has" in e for e in errors_of(response))
        assert Event.objects.filter(pairing=severed).count() == 2
        severed.refresh_from_db()
        assert severed.status == Status.SEVERED


@pytest.mark.django_db
def test_renaming_a_place_is_not_blocked_by_similar_ones_but_an_identical_one_is_a_sentence(client, editor, prague):
    other = PlaceFactory(name="Brno", country="CZ", region="South Moravia", slug="brno")
    client.force_login(editor)
    url = reverse("admin:twinning_place_change", args=[other.pk])
    data = form_data(client.get(url))
    data["name"] = "Praga"  # similar to Prague: fine on the change page (no confirmation box there)
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    data.update({"name": "Prague", "region": "Prague"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert any("already recorded with this name" in e for e in errors_of(response))
