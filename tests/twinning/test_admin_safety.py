"""Curators cannot publish a wrong status by accident (issue 10): a pairing's identity is fixed,
rescinds are explicit, a curator withdraws their own mistaken event, duplicates are caught first."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.sources.factories import SourceFactory
from tests.twinning.admin_helpers import add_inline_row, errors_of, form_data
from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning import services
from twinning.constants import EventType, Relationship, Status
from twinning.models import Event, Pairing, SlugRedirect

pytestmark = pytest.mark.django_db


@pytest.fixture
def prague_beijing(db):
    return make_pairing(
        place_a=PlaceFactory(name="Prague", slug="prague", country="CZ", region=""),
        place_b=PlaceFactory(name="Beijing", slug="beijing", country="CN", region=""),
        established="2016-03",
    )


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def shown(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- 1. Identity is fixed -----------------------------------------------------------------------


class TestIdentityIsFixed:
    def test_a_curator_posting_another_place_b_changes_nothing_and_is_told_why(self, client, curator, prague_beijing):
        taipei = PlaceFactory(name="Taipei", slug="taipei", country="TW")
        client.force_login(curator)
        page = client.get(change_url(prague_beijing))
        assert "Move to another pair" in page.text
        data = form_data(page)
        assert "place_b" not in data  # read-only on the change form
        data.update(place_b=str(taipei.pk), change_reason="wrong city")
        response = client.post(change_url(prague_beijing), data)
        assert response.status_code == 200
        assert any("cannot be changed in place" in e for e in errors_of(response))
        prague_beijing.refresh_from_db()
        assert prague_beijing.place_b.name == "Beijing"

    def test_the_service_and_the_api_refuse_a_new_identity(self, api, curator, prague_beijing):
        taipei = PlaceFactory(name="Taipei", slug="taipei", country="TW")
        with pytest.raises(ValidationError, match="cannot be changed in place"):
            services.pairing_update(prague_beijing, place_b=taipei, user=curator, reason="x")
        api.force_authenticate(curator)
        response = api.patch(f"/api/v1/pairings/{prague_beijing.pk}/", {"place_b": taipei.pk}, format="json")
        assert response.status_code == 400
        assert "cannot be changed in place" in response.json()["place_b"][0]
        prague_beijing.refresh_from_db()
        assert prague_beijing.place_b_id != taipei.pk

    def test_an_editor_moves_a_pairing_with_preview_reason_and_redirect(self, client, editor, prague_beijing):
        taipei = PlaceFactory(name="Taipei", slug="taipei", country="TW")
        move = reverse("admin:twinning_pairing_move", args=[prague_beijing.pk])
        client.force_login(editor)
        body = {"place_a": prague_beijing.place_a_id, "place_b": taipei.pk, "relationship": "sister_city"}
        no_reason = client.post(move, body)
        assert "This field is required" in no_reason.text
        preview = client.post(move, {**body, "change_reason": "Beijing was a typo"})
        assert "becomes <strong>Prague – Taipei (Sister city)</strong>, with its 1 events" in preview.text
        prague_beijing.refresh_from_db()
        assert prague_beijing.place_b.name == "Beijing"  # only a preview
        done = client.post(move, {**body, "change_reason": "Beijing was a typo", "confirm": "yes"}, follow=True)
        assert any("Moved to Prague – Taipei" in m for m in shown(done))
        prague_beijing.refresh_from_db()
        assert (prague_beijing.place_b, prague_beijing.slug) == (taipei, "prague-taipei")
        assert prague_beijing.events.count() == 1
        assert SlugRedirect.objects.get(kind="pairing", old_slug="prague-beijing").new_slug == "prague-taipei"
        assert Pairing.history.filter(id=prague_beijing.pk).first().history_change_reason == "Beijing was a typo"

    def test_a_curator_cannot_move_and_is_told_to_ask_an_editor(self, client, curator, prague_beijing):
        client.force_login(curator)
        response = client.get(reverse("admin:twinning_pairing_move", args=[prague_beijing.pk]), follow=True)
        assert any("Only editors can move" in m for m in shown(response))

    def test_moving_onto_an_existing_pair_is_refused_with_a_hint_to_merge(self, editor, prague_beijing):
        other = make_pairing(place_a=PlaceFactory(), place_b=prague_beijing.place_b, relationship=Relationship.SISTER_CITY)
        with pytest.raises(ValidationError, match="merge the two pairings"):
            services.pairing_move(
                pairing=prague_beijing, place_a=other.place_a, place_b=other.place_b,
                relationship=Relationship.SISTER_CITY, user=editor, reason="x",
            )


# --- 2. Rescinds are explicit; a status change is announced -------------------------------------


class TestRescindsAreExplicit:
    def add_event(self, client, pairing, **fields):
        url = reverse("admin:twinning_event_add")
        data = form_data(client.get(url))
        data.update({"pairing": str(pairing.pk), "actor": "unknown", "citations-TOTAL_FORMS": "1",
                     "citations-0-source": str(SourceFactory().pk), **fields})
        return client.post(url, data, follow=True)

    def test_a_rescind_without_its_decision_or_dated_before_it_is_a_form_error(self, client, curator, prague_beijing):
        sever = record(prague_beijing, EventType.DECISION_SEVER, "2019-10-07")
        client.force_login(curator)
        unnamed = self.add_event(client, prague_beijing, event_type=EventType.DECISION_RESCINDED, date="2020")
        assert any("Name the decision this event withdraws" in e for e in errors_of(unnamed))
        early = self.add_event(client, prague_beijing, event_type=EventType.DECISION_RESCINDED, date="2019-09",
                               rescinds=str(sever.pk))
        assert any("cannot come before the decision it withdraws (Decision to sever): date it on or after 7 October 2019" in e
                   for e in errors_of(early))
        assert not Event.objects.filter(event_type=EventType.DECISION_RESCINDED).exists()
        prague_beijing.refresh_from_db()
        assert prague_beijing.status == Status.SEVERED

    def test_the_inline_refuses_a_rescind_it_cannot_name(self, client, curator, prague_beijing):
        client.force_login(curator)
        data = form_data(client.get(change_url(prague_beijing)))
        add_inline_row(data, "events", event_type=EventType.DECISION_RESCINDED, date="2020", sources=[str(SourceFactory().pk)])
        response = client.post(change_url(prague_beijing), data)
        assert response.status_code == 200
        assert any("Record a rescind on its own event page" in e for e in errors_of(response))

    def test_the_api_refuses_an_unnamed_rescind(self, api, curator, prague_beijing):
        api.force_authenticate(curator)
        response = api.post("/api/v1/events/", {
            "pairing": prague_beijing.pk, "event_type": "decision_rescinded", "date": "2020",
            "sources": [{"source": SourceFactory().pk}],
        }, format="json")
        assert response.status_code == 400
        assert "Name the decision" in str(response.json())

    def test_a_save_that_changes_the_status_says_so(self, client, curator, prague_beijing):
        sever = record(prague_beijing, EventType.DECISION_SEVER, "2019-10")
        client.force_login(curator)
        response = self.add_event(client, prague_beijing, event_type=EventType.DECISION_RESCINDED, date="2023-05-12",
                                  rescinds=str(sever.pk))
        assert "Status: Severed → Active since 12 May 2023" in shown(response)
        quiet = self.add_event(client, prague_beijing, event_type=EventType.STATEMENT, date="2023-06")
        assert not any(m.startswith("Status:") for m in shown(quiet))


# --- 3. A curator withdraws their own mistaken event --------------------------------------------


class TestWithdrawOwnEvent:
    def test_the_curator_who_recorded_it_withdraws_it_with_a_reason(self, client, curator, prague_beijing):
        mistake = record(prague_beijing, EventType.DECISION_SEVER, "2019-10", user=curator)
        client.force_login(curator)
        assert "Withdraw this event" in client.get(change_url(mistake)).text
        url = reverse("admin:twinning_event_withdraw", args=[mistake.pk])
        empty = client.post(url, {"reason": " "})
        assert "Say why the event is withdrawn" in empty.text
        assert Event.objects.filter(pk=mistake.pk).exists()
        done = client.post(url, {"reason": "entered on the wrong pairing"}, follow=True)
        assert "Status: Severed → Active since March 2016" in shown(done)
        assert not Event.objects.filter(pk=mistake.pk).exists()
        gone = Event.history.get(id=mistake.pk, history_type="-")
        assert (gone.history_user, gone.history_change_reason) == (curator, "Withdrawn: entered on the wrong pairing")
        prague_beijing.refresh_from_db()
        assert prague_beijing.status == Status.ACTIVE

    def test_another_curator_is_told_who_may(self, client, curator, editor, prague_beijing):
        theirs = record(prague_beijing, EventType.DECISION_SEVER, "2019-10", user=editor)
        client.force_login(curator)
        response = client.post(reverse("admin:twinning_event_withdraw", args=[theirs.pk]), {"reason": "x"}, follow=True)
        assert any("Only the curator who recorded this event" in m for m in shown(response))
        assert Event.objects.filter(pk=theirs.pk).exists()


# --- 4. Duplicates caught before they exist ------------------------------------------------------


class TestDuplicatePairings:
    def add(self, client, pairing, **fields):
        url = reverse("admin:twinning_pairing_add")
        data = form_data(client.get(url))
        data.update({"place_a": str(pairing.place_b_id), "place_b": str(pairing.place_a_id), **fields})
        return client.post(url, data)

    def test_the_same_pair_and_relationship_is_a_sentence_with_a_link(self, client, curator, prague_beijing):
        client.force_login(curator)
        response = self.add(client, prague_beijing, relationship="sister_city")
        assert "Constraint" not in response.text
        assert "is already recorded with this relationship" in response.text
        assert f'href="{change_url(prague_beijing)}"' in response.text or f"href='{change_url(prague_beijing)}'" in response.text
        assert Pairing.objects.count() == 1

    def test_another_relationship_needs_the_separate_relationship_box(self, client, curator, prague_beijing):
        client.force_login(curator)
        warned = self.add(client, prague_beijing, relationship="friendship")
        assert "These two places are already paired" in warned.text
        assert f"href='{change_url(prague_beijing)}'" in warned.text
        assert Pairing.objects.count() == 1
        confirmed = self.add(client, prague_beijing, relationship="friendship", separate_relationship="on")
        assert confirmed.status_code == 302
        assert Pairing.objects.count() == 2
