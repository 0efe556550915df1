"""Review and undo (issue 10 item 4): the changes queue lists every curator change (pairings, events,
citations, agreements, deletions) with who, when, what and why, filtered by person, pairing and week;
editors approve or revert through the services (the revert is recorded and re-derives the status);
an old version of a pairing shows the timeline as it was."""

import datetime as dt

import pytest
from django.urls import reverse

from core.partialdates import PartialDate
from tests.sources.factories import SourceFactory
from tests.twinning.factories import PlaceFactory, make_pairing
from twinning import services
from twinning.changes import curator_changes
from twinning.constants import EventType, Status
from twinning.models import ChangeReview, Event

QUEUE = reverse("admin:twinning_changes")


@pytest.fixture
def walkthrough(db, curator):
    """Prague–Beijing entered by a curator, then a hurried severance recorded and an agreement added."""
    pairing = make_pairing(place_a=PlaceFactory(name="Prague", country="CZ"), place_b=PlaceFactory(name="Beijing", country="CN"),
                           established="2016", user=curator, reason="Partnership agreement of 2016")
    sever = services.event_record(pairing=pairing, event_type=EventType.DECISION_SEVER, date=PartialDate.parse("2019-10-07"),
                                  citations=[services.Cite(source=SourceFactory(title="Prague council minutes"))],
                                  user=curator, reason="Council vote")
    services.agreement_record(pairing=pairing, kind="friendship", title="Partnership agreement", user=curator, reason="Text found")
    other = make_pairing(user=curator, reason="Unrelated")
    return pairing, sever, other


def revert_post(client, change, reason="Wrong pairing"):
    return client.post(QUEUE, {"kind": change.kind, "history_id": change.record.history_id, "pairing_id": change.pairing_id,
                               "reason": reason, "verdict": "revert"})


@pytest.mark.django_db
class TestQueue:
    def test_lists_who_what_why_and_filters_by_pairing_person_and_week(self, client, editor, curator, walkthrough):
        pairing, sever, other = walkthrough
        client.force_login(editor)
        page = client.get(QUEUE, {"pairing": pairing.pk}).content.decode()
        assert "Audit trail of Prague – Beijing" in page
        assert "Decision to sever — 7 October 2019" in page and "Council vote" in page
        assert "Prague council minutes" in page and "Partnership agreement" in page
        assert curator.username in page and "Unrelated" not in page
        assert "Unrelated" in client.get(QUEUE).content.decode()
        assert "No changes match" in client.get(QUEUE, {"person": editor.pk}).content.decode()
        assert "No changes match" in client.get(QUEUE, {"week": "2001-W01"}).content.decode()
        this_week = dt.date.today().strftime("%G-W%V")
        assert "Council vote" in client.get(QUEUE, {"week": this_week}).content.decode()

    def test_an_editor_reverts_a_decision_the_status_is_derived_again_and_the_revert_is_recorded(self, client, editor, walkthrough):
        pairing, sever, _other = walkthrough
        pairing.refresh_from_db()
        assert pairing.status == Status.SEVERED
        change = next(c for c in curator_changes(pairing_id=pairing.pk) if c.kind == "event" and c.record.id == sever.pk)
        client.force_login(editor)
        response = revert_post(client, change, reason="Vote was on another city")
        assert response.status_code == 302
        pairing.refresh_from_db()
        assert pairing.status == Status.ACTIVE
        assert not Event.objects.filter(pk=sever.pk).exists()
        review = ChangeReview.objects.get()
        assert (review.verdict, review.reviewer) == ("reverted", editor)
        page = client.get(QUEUE, {"pairing": pairing.pk}).content.decode()
        assert "Revert of event change" in page and "Vote was on another city" in page and "event deleted" in page
        # Reverting the deletion restores the decision with its source.
        deletion = next(c for c in curator_changes(pairing_id=pairing.pk) if c.kind == "event" and c.action == "deleted")
        assert revert_post(client, deletion, reason="It was right after all").status_code == 302
        pairing.refresh_from_db()
        assert pairing.status == Status.SEVERED
        restored = pairing.events.get(event_type=EventType.DECISION_SEVER)
        assert restored.citations.get().source.title == "Prague council minutes"

    def test_approve_is_recorded_once_and_curators_cannot_review(self, client, editor, curator, walkthrough):
        pairing, *_ = walkthrough
        change = curator_changes(pairing_id=pairing.pk)[0]
        client.force_login(curator)
        assert client.post(QUEUE, {"kind": change.kind, "history_id": change.record.history_id, "verdict": "approve"}).status_code == 403
        client.force_login(editor)
        client.post(QUEUE, {"kind": change.kind, "history_id": change.record.history_id, "verdict": "approve"})
        assert ChangeReview.objects.get().verdict == "approved"
        response = client.post(QUEUE, {"kind": change.kind, "history_id": change.record.history_id, "verdict": "revert",
                                       "reason": "x"}, follow=True)
        assert "already been reviewed" in response.content.decode()

    def test_an_old_version_shows_the_timeline_as_it_was(self, client, editor, walkthrough):
        pairing, sever, _ = walkthrough
        first = pairing.history.order_by("history_date").first()
        client.force_login(editor)
        url = reverse("admin:twinning_pairing_simple_history", args=[pairing.pk, first.history_id])
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "The timeline as it was on" in page
        assert "Decision to sever" not in page  # recorded later
        assert "Decision to sever" in client.get(reverse("admin:twinning_pairing_change", args=[pairing.pk])).content.decode()
