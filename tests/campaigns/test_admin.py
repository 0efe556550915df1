"""Campaigns admin: organisations with member groups, campaigns with targets, petitions with
signature counts; partial dates, validation, bounded changelist queries."""

import datetime as dt

import pytest
from django.urls import reverse

from campaigns.models import Campaign, CampaignTarget, Organisation, Petition, SignatureCount
from tests.twinning.admin_helpers import add_inline_row, errors_of, form_data, rows_by
from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning.constants import EventType


@pytest.mark.django_db
class TestCampaignAdmin:
    def test_campaign_with_a_place_target_and_a_pairing_target(self, client, curator):
        pairing = make_pairing()
        sheffield = PlaceFactory(name="Sheffield", slug="sheffield")
        client.force_login(curator)
        url = reverse("admin:campaigns_campaign_add")
        data = form_data(client.get(url))
        data.update({"name": "Global De-twin with China", "launched": "2022-07",
                     "change_reason": "Launch reported by the seed article"})
        add_inline_row(data, "targets", place=str(sheffield.pk), outcome="pending")
        add_inline_row(data, "targets", pairing=str(pairing.pk), outcome="severed")
        response = client.post(url, data)
        assert response.status_code == 302, errors_of(response)
        campaign = Campaign.objects.get()
        assert campaign.launched_date.display() == "July 2022"
        assert campaign.slug == "global-de-twin-with-china"
        assert {(t.place_id, t.pairing_id) for t in CampaignTarget.objects.all()} == {(sheffield.pk, None), (None, pairing.pk)}
        assert campaign.history.get().history_change_reason == "Launch reported by the seed article"

    def test_a_target_naming_both_a_pairing_and_a_place_is_refused(self, client, curator):
        pairing = make_pairing()
        client.force_login(curator)
        url = reverse("admin:campaigns_campaign_add")
        data = form_data(client.get(url))
        data.update({"name": "A campaign"})
        add_inline_row(data, "targets", place=str(pairing.place_a_id), pairing=str(pairing.pk), outcome="pending")
        response = client.post(url, data)
        assert response.status_code == 200
        assert errors_of(response)
        assert not Campaign.objects.exists()

    def test_names_are_unique_regardless_of_case(self, client, curator):
        Organisation.objects.create(name="Newcastle Stands With Hong Kong", slug="nswhk")
        client.force_login(curator)
        url = reverse("admin:campaigns_organisation_add")
        data = form_data(client.get(url))
        data.update({"name": "newcastle stands with hong kong", "kind": "group"})
        response = client.post(url, data)
        assert response.status_code == 200
        assert any("already recorded" in m for m in errors_of(response))
        assert Organisation.objects.count() == 1

    def test_organisation_members_through_the_service(self, client, curator):
        members = [Organisation.objects.create(name=n, slug=n.lower()) for n in ("NSWHK", "NottsHK")]
        client.force_login(curator)
        url = reverse("admin:campaigns_organisation_add")
        data = form_data(client.get(url))
        data.update({"name": "Hong Kong diaspora coalition", "kind": "coalition",
                     "member_groups": [str(m.pk) for m in members], "change_reason": "Named in the launch"})
        response = client.post(url, data)
        assert response.status_code == 302, errors_of(response)
        coalition = Organisation.objects.get(kind="coalition")
        assert coalition.slug == "hong-kong-diaspora-coalition"
        assert set(coalition.member_groups.all()) == set(members)
        assert coalition.history.first().history_change_reason == "Named in the launch"

    def test_an_organisation_cannot_be_its_own_member_group(self, client, curator):
        coalition = Organisation.objects.create(name="Coalition", slug="coalition", kind="coalition")
        client.force_login(curator)
        url = reverse("admin:campaigns_organisation_change", args=[coalition.pk])
        data = form_data(client.get(url))
        data["member_groups"] = [str(coalition.pk)]
        response = client.post(url, data)
        assert response.status_code == 200
        assert any("member group of itself" in m for m in errors_of(response))

    def test_petition_with_signature_counts_and_a_response_from_its_own_pairing(self, client, curator):
        pairing = make_pairing(established="2005")
        other = record(make_pairing(established="2010"), EventType.DECISION_RETAIN, "2023-03")
        retain = record(pairing, EventType.DECISION_RETAIN, "2023-03")
        client.force_login(curator)
        url = reverse("admin:campaigns_petition_add")
        data = form_data(client.get(url))
        data.update({"title": "De-twin Nottingham and Ningbo", "target_council": "Nottingham City Council",
                     "pairing": str(pairing.pk), "opened": "2022", "closed": "2022-06-12", "outcome": "rejected",
                     "response_event": str(other.pk)})
        add_inline_row(data, "signature_counts", date="2022-06-12", count="1500", at_least="on")
        response = client.post(url, data)
        assert response.status_code == 200
        assert any("event of the petition's pairing" in m for m in errors_of(response))
        assert not Petition.objects.exists()

        data["response_event"] = str(retain.pk)
        response = client.post(url, data)
        assert response.status_code == 302, errors_of(response)
        petition = Petition.objects.get()
        assert (petition.opened_date.display(), petition.closed_date.display()) == ("2022", "12 June 2022")
        count = SignatureCount.objects.get()
        assert (count.count, count.at_least, count.date) == (1500, True, dt.date(2022, 6, 12))
        changelist = client.get(reverse("admin:campaigns_petition_changelist")).content.decode()
        assert "1,500+" in changelist

    def test_petition_closed_before_opened_is_a_form_error(self, client, curator):
        client.force_login(curator)
        url = reverse("admin:campaigns_petition_add")
        data = form_data(client.get(url))
        data.update({"title": "Backwards", "target_council": "A council", "opened": "2022-06", "closed": "2021",
                     "outcome": "unknown"})
        response = client.post(url, data)
        assert response.status_code == 200
        assert "A petition cannot close before it opened." in errors_of(response)
        assert not Petition.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["organisation", "campaign", "petition"])
def test_changelist_queries_are_constant(client, editor, name, django_assert_max_num_queries):
    members = [Organisation.objects.create(name=f"Group {i}", slug=f"group-{i}") for i in range(3)]
    for i in range(52):
        organisation = Organisation.objects.create(name=f"Coalition {i}", slug=f"coalition-{i}", kind="coalition")
        organisation.member_groups.set(members)
        campaign = Campaign.objects.create(name=f"Campaign {i}", slug=f"campaign-{i}")
        CampaignTarget.objects.create(campaign=campaign, place=PlaceFactory())
        petition = Petition.objects.create(title=f"Petition {i}", target_council="A council", campaign=campaign)
        SignatureCount.objects.create(petition=petition, date=dt.date(2022, 6, 1), count=100 + i)
    client.force_login(editor)
    with django_assert_max_num_queries(10):
        response = client.get(reverse(f"admin:campaigns_{name}_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 50


@pytest.mark.django_db
def test_changing_a_campaign_and_a_petition_goes_through_the_services(client, curator):
    from campaigns import services
    from core.partialdates import PartialDate

    campaign = services.campaign_create(name="Global De-twin with China", launched=PartialDate.parse("2022"))
    petition = services.petition_record(title="De-twin", target_council="Nottingham City Council", campaign=campaign)
    client.force_login(curator)

    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    data = form_data(client.get(url))
    assert data["launched"] == "2022"
    data.update({"launched": "2022-07", "change_reason": "Month from the report"})
    assert client.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.launched_date.display() == "July 2022"
    assert campaign.history.first().history_change_reason == "Month from the report"

    url = reverse("admin:campaigns_petition_change", args=[petition.pk])
    data = form_data(client.get(url))
    data.update({"outcome": "submitted", "closed": "2022-06-12", "change_reason": "Handed in"})
    assert client.post(url, data).status_code == 302
    petition.refresh_from_db()
    assert (petition.outcome, petition.closed_date.display()) == ("submitted", "12 June 2022")
    assert petition.history.first().history_user == curator


def who_and_why(model, pk, kind: str) -> tuple:
    """Who made, and why, the latest addition "+", change "~" or deletion "-" of row `pk`."""
    record = model.history.filter(id=pk, history_type=kind).latest()
    return record.history_user, record.history_change_reason


@pytest.mark.django_db
def test_campaign_targets_and_citations_go_through_the_services(client, editor):
    from campaigns import services
    from campaigns.models import CampaignCitation
    from tests.sources.factories import SourceFactory
    from twinning.services import Cite

    pairing, other = make_pairing(), make_pairing()
    report = SourceFactory(title="Launch report")
    campaign = services.campaign_create(name="De-twin", citations=[Cite(source=report)])
    kept = services.campaign_target_set(campaign=campaign, pairing=pairing)
    dropped = services.campaign_target_set(campaign=campaign, pairing=other)
    old_citation = campaign.citations.get()
    client.force_login(editor)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    data = form_data(client.get(url))
    rows = rows_by(data, "targets", "pairing")
    data[f"{rows[str(pairing.pk)]}-outcome"] = "severed"
    data[f"{rows[str(other.pk)]}-DELETE"] = "on"
    sheffield = PlaceFactory(name="Sheffield")
    add_inline_row(data, "targets", place=str(sheffield.pk), outcome="pending")
    data["citations-0-DELETE"] = "on"
    newer = SourceFactory(title="Campaign website")
    add_inline_row(data, "citations", source=str(newer.pk), quote="we call on councils")
    data["change_reason"] = "Campaign update of March"
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)

    expected = (editor, "Campaign update of March")
    assert {(t.pairing_id, t.place_id, t.outcome) for t in campaign.targets.all()} == {
        (pairing.pk, None, "severed"), (None, sheffield.pk, "pending"),
    }
    assert who_and_why(CampaignTarget, kept.pk, "~") == expected
    assert who_and_why(CampaignTarget, dropped.pk, "-") == expected
    assert who_and_why(CampaignTarget, campaign.targets.get(place=sheffield).pk, "+") == expected
    citation = campaign.citations.get()
    assert (citation.source, citation.quote) == (newer, "we call on councils")
    assert who_and_why(CampaignCitation, citation.pk, "+") == expected
    assert who_and_why(CampaignCitation, old_citation.pk, "-") == expected


@pytest.mark.django_db
def test_signature_counts_corrected_added_and_deleted_through_the_services(client, editor):
    from campaigns import services
    from core.partialdates import PartialDate

    petition = services.petition_record(title="De-twin", target_council="Nottingham City Council")
    first = services.petition_signatures_record(petition=petition, date=PartialDate.parse("2022-05-01"), count=900)
    wrong = services.petition_signatures_record(petition=petition, date=PartialDate.parse("2022-05-20"), count=1)
    moved = services.petition_signatures_record(petition=petition, date=PartialDate.parse("2022-06-01"), count=1200)
    client.force_login(editor)
    url = reverse("admin:campaigns_petition_change", args=[petition.pk])
    data = form_data(client.get(url))
    rows = rows_by(data, "signature_counts", "date")
    data[f"{rows['2022-05-01']}-count"] = "950"
    data[f"{rows['2022-05-20']}-DELETE"] = "on"
    data[f"{rows['2022-06-01']}-date"] = "2022-06-02"
    add_inline_row(data, "signature_counts", date="2022-06-12", count="1500", at_least="on")
    data["change_reason"] = "Counts from the petition site"
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)

    expected = (editor, "Counts from the petition site")
    counts = {c.date: (c.count, c.at_least) for c in petition.signature_counts.all()}
    assert counts == {
        dt.date(2022, 5, 1): (950, False), dt.date(2022, 6, 2): (1200, False), dt.date(2022, 6, 12): (1500, True),
    }
    assert who_and_why(SignatureCount, first.pk, "~") == expected
    assert who_and_why(SignatureCount, wrong.pk, "-") == expected
    assert who_and_why(SignatureCount, moved.pk, "-") == expected  # moved to another date: a new count
    for count in petition.signature_counts.exclude(pk=first.pk):
        assert who_and_why(SignatureCount, count.pk, "+") == expected
