"""Issue 2, "done when": a curator enters the Newcastle story end to end in the admin (places,
sources, pairing, agreement, campaign group, petition, motion with its mover, the decision) without
the shell, and the status follows."""

import datetime as dt

import pytest
from django.urls import reverse

from campaigns.models import Organisation, Petition
from sources.models import Source
from tests.twinning.admin_helpers import add_inline_row, errors_of, form_data
from twinning.constants import EventType, Status
from twinning.models import Agreement, Event, Pairing, Place


def submit(client, url: str, **fields):
    data = form_data(client.get(url))
    data.update(fields)
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    return response


@pytest.mark.django_db
def test_a_curator_enters_the_newcastle_story(client, curator):
    client.force_login(curator)
    submit(client, reverse("admin:twinning_place_add"), name="Newcastle upon Tyne", country="GB", region="England",
           kind="city", governing_body="Newcastle City Council")
    submit(client, reverse("admin:twinning_place_add"), name="Taiyuan", local_name="太原", country="CN",
           region="Shanxi", kind="city")
    newcastle, taiyuan = Place.objects.get(name="Newcastle upon Tyne"), Place.objects.get(name="Taiyuan")

    submit(client, reverse("admin:sources_source_add"), title="English City of Newcastle Severs Ties With Chinese Twin City",
           publisher="The Epoch Times", author="Lily Zhou", published="2022-11", source_type="news")
    report = Source.objects.get(publisher="The Epoch Times")

    submit(client, reverse("admin:twinning_pairing_add"), place_a=str(newcastle.pk), place_b=str(taiyuan.pk),
           relationship="sister_city", established="1985", established_sources=[str(report.pk)], confidence="medium",
           change_reason="Sister cities since 1985, per the report")
    pairing = Pairing.objects.get()
    assert pairing.status == Status.ACTIVE

    url = reverse("admin:twinning_pairing_change", args=[pairing.pk])
    data = form_data(client.get(url))
    add_inline_row(data, "agreements", kind="sister_city", signed="c. 1985", text_availability="unknown")
    add_inline_row(data, "events", event_type=EventType.MOTION_TABLED, date="2022-11-02", order="0",
                   body="full_council", summary="Motion to terminate the sister-city agreement.")
    add_inline_row(data, "events", event_type=EventType.DECISION_SEVER, date="2022-11-02", order="1",
                   body="full_council", sources=[str(report.pk)], change_reason="Unanimous vote reported")
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)

    motion = Event.objects.get(event_type=EventType.MOTION_TABLED)
    submit(client, reverse("admin:twinning_event_change", args=[motion.pk]), mover="Cllr Wendy Taylor",
           mover_party="Liberal Democrats", change_reason="Mover named in the report")
    sever = Event.objects.get(event_type=EventType.DECISION_SEVER)
    submit(client, reverse("admin:twinning_event_change", args=[sever.pk]), unanimous="on", actor="side_a")

    submit(client, reverse("admin:campaigns_organisation_add"), name="Newcastle Stands With Hong Kong",
           slug="newcastle-stands-with-hong-kong", kind="group", base_place=str(newcastle.pk))
    group = Organisation.objects.get()
    submit(client, reverse("admin:campaigns_petition_add"), title="De-twin Newcastle and Taiyuan",
           organiser=str(group.pk), target_place=str(newcastle.pk), target_council="Newcastle City Council",
           pairing=str(pairing.pk), opened="2022-06-12", outcome="granted", response_event=str(sever.pk))

    pairing.refresh_from_db()
    assert pairing.status == Status.SEVERED
    assert pairing.status_since == dt.date(2022, 11, 2)
    assert [e.event_type for e in pairing.events.order_by("date", "order")] == [
        EventType.ESTABLISHED, EventType.MOTION_TABLED, EventType.DECISION_SEVER,
    ]
    sever.refresh_from_db()
    assert sever.unanimous and sever.citations.get().source == report
    motion.refresh_from_db()
    assert (motion.mover, motion.mover_party) == ("Cllr Wendy Taylor", "Liberal Democrats")
    agreement = Agreement.objects.get()
    assert agreement.signed_date.iso() == "c. 1985"
    petition = Petition.objects.get()
    assert petition.opened_date.display() == "12 June 2022" and petition.response_event == sever
    assert {h.history_user for h in Event.history.all()} == {curator}

    page = client.get(reverse("admin:twinning_pairing_change", args=[pairing.pk])).content.decode()
    assert "Severed" in page and "2 November 2022" in page and "English City of Newcastle Severs Ties" in page
