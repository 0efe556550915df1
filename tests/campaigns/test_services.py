"""Writes for campaigns, organisations, targets and petitions: validation, history with who and why,
and "nothing changes, nothing is written"."""

import pytest
from django.core.exceptions import ValidationError

from campaigns import services
from campaigns.models import CampaignTarget, Organisation, Petition, SignatureCount
from core.partialdates import PartialDate
from tests.core.factories import UserFactory
from tests.sources.factories import SourceFactory
from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning.constants import EventType
from twinning.services import Cite


def d(text: str) -> PartialDate:
    return PartialDate.parse(text)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.mark.django_db
class TestOrganisations:
    def test_coalition_with_member_groups_and_history(self, user):
        newcastle = services.organisation_create(name="Newcastle Stands With Hong Kong", user=user, reason="from seed")
        nottingham = services.organisation_create(name="Nottingham Stands with Hong Kong")
        coalition = services.organisation_create(
            name="Global De-twin with China", kind="coalition", member_groups=[newcastle, nottingham],
            user=user, reason="coalition from seed",
        )
        assert coalition.slug == "global-de-twin-with-china"
        assert set(coalition.member_groups.all()) == {newcastle, nottingham}
        assert list(newcastle.coalitions.all()) == [coalition]
        latest = coalition.history.latest()
        assert (latest.history_user, latest.history_change_reason) == (user, "coalition from seed")
        assert {m.to_organisation_id for m in latest.member_groups.all()} == {newcastle.pk, nottingham.pk}

    def test_duplicate_name_is_refused(self):
        services.organisation_create(name="Hong Kong Watch")
        with pytest.raises(ValidationError) as exc:
            services.organisation_create(name="hong kong watch")
        assert "already recorded" in str(exc.value.message_dict["name"])
        assert Organisation.objects.count() == 1

    def test_update_members_and_noop_writes_nothing(self, user):
        a = services.organisation_create(name="Group A")
        b = services.organisation_create(name="Group B")
        coalition = services.organisation_create(name="Coalition", kind="coalition", member_groups=[a])
        services.organisation_update(coalition, member_groups=[b], description="Two groups", user=user, reason="fix")
        coalition.refresh_from_db()
        assert list(coalition.member_groups.all()) == [b]
        assert coalition.description == "Two groups"
        rows = coalition.history.count()
        services.organisation_update(coalition, member_groups=[b], description="Two groups", reason="again")
        assert coalition.history.count() == rows

    def test_cannot_be_its_own_member(self):
        group = services.organisation_create(name="Loop")
        with pytest.raises(ValidationError, match="member of itself"):
            services.organisation_update(group, member_groups=[group])
        assert not group.member_groups.exists()

    def test_cite_twice_keeps_one_citation_and_updates_its_quote(self):
        group = services.organisation_create(name="Group")
        source = SourceFactory()
        services.organisation_cite(organisation=group, cite=Cite(source=source))
        services.organisation_cite(organisation=group, cite=Cite(source=source, quote="welcomed the vote"))
        assert [c.quote for c in group.citations.all()] == ["welcomed the vote"]


@pytest.mark.django_db
class TestCampaigns:
    def test_create_with_organisers_launch_date_and_sources(self, user):
        coalition = services.organisation_create(name="Coalition", kind="coalition")
        source = SourceFactory()
        campaign = services.campaign_create(
            name="Global De-twin with China", organisers=[coalition], launched=d("2022-07"),
            citations=[Cite(source=source, quote="launched a global campaign in July")], user=user, reason="seed",
        )
        campaign.refresh_from_db()
        assert campaign.launched_date.display() == "July 2022"
        assert list(campaign.organisers.all()) == [coalition]
        assert campaign.citations.get().source == source
        assert campaign.history.latest().history_user == user

    def test_update_launch_date_and_noop(self):
        campaign = services.campaign_create(name="C", launched=d("2022"))
        services.campaign_update(campaign, launched=d("2022-07"), reason="month found")
        campaign.refresh_from_db()
        assert (campaign.launched_precision, campaign.launched_date.display()) == ("month", "July 2022")
        rows = campaign.history.count()
        services.campaign_update(campaign, launched=d("2022-07"), organisers=[], reason="same")
        assert campaign.history.count() == rows
        services.campaign_update(campaign, launched=None, reason="date withdrawn")
        campaign.refresh_from_db()
        assert campaign.launched is None

    def test_targets_a_pairing_or_a_whole_place_with_outcomes(self, user):
        campaign = services.campaign_create(name="C")
        pairing = make_pairing()
        place = PlaceFactory(name="Birmingham")
        by_pairing = services.campaign_target_set(campaign=campaign, pairing=pairing, outcome="severed")
        by_place = services.campaign_target_set(campaign=campaign, place=place)
        assert (by_pairing.outcome, by_place.outcome) == ("severed", "pending")
        # setting again updates the outcome, with a history row saying who and why
        services.campaign_target_set(campaign=campaign, place=place, outcome="retained", user=user, reason="council kept it")
        target = CampaignTarget.objects.get(place=place)
        assert target.outcome == "retained"
        assert target.history.latest().history_change_reason == "council kept it"
        rows = target.history.count()
        services.campaign_target_set(campaign=campaign, place=place, outcome="retained")
        assert target.history.count() == rows
        assert CampaignTarget.objects.count() == 2

    @pytest.mark.parametrize("which", ["both", "neither"])
    def test_target_is_exactly_one_of_pairing_and_place(self, which):
        campaign = services.campaign_create(name="C")
        kwargs = {"pairing": make_pairing(), "place": PlaceFactory()} if which == "both" else {}
        with pytest.raises(ValidationError, match="exactly one"):
            services.campaign_target_set(campaign=campaign, **kwargs)
        assert not CampaignTarget.objects.exists()

    def test_unknown_outcome_lists_the_allowed_ones(self):
        campaign = services.campaign_create(name="C")
        with pytest.raises(ValidationError) as exc:
            services.campaign_target_set(campaign=campaign, place=PlaceFactory(), outcome="won")
        message = exc.value.message_dict["outcome"][0]
        assert "won" in message and "severed" in message and "pending" in message


@pytest.mark.django_db
class TestPetitions:
    def test_record_with_dates_response_and_signatures(self, user):
        pairing = make_pairing(established="2005")
        retain = record(pairing, EventType.DECISION_RETAIN, "2023-03")
        source = SourceFactory()
        petition = services.petition_record(
            title="De-twin Nottingham from Ningbo", target_council="Nottingham City Council", pairing=pairing,
            opened=d("2022"), closed=d("2022-06-12"), outcome="rejected", response_event=retain,
            citations=[Cite(source=source)], user=user, reason="seed",
        )
        count = services.petition_signatures_record(petition=petition, date=d("2022-06-12"), count=1500, at_least=True,
                                                    source=source, user=user, reason="seed")
        petition.refresh_from_db()
        assert petition.opened_date.display() == "2022"
        assert petition.closed_date.display() == "12 June 2022"
        assert petition.response_event == retain
        assert (count.count, count.at_least, count.when.display()) == (1500, True, "12 June 2022")
        assert petition.citations.get().source == source
        assert petition.history.get().history_user == user

    def test_recording_a_count_again_for_the_same_date_corrects_it(self):
        petition = services.petition_record(title="P", target_council="Council")
        services.petition_signatures_record(petition=petition, date=d("2022-06"), count=1500, at_least=True)
        services.petition_signatures_record(petition=petition, date=d("2022-06"), count=1612, reason="exact count")
        count = SignatureCount.objects.get()
        assert (count.count, count.at_least, count.date_precision) == (1612, False, "month")
        rows = count.history.count()
        services.petition_signatures_record(petition=petition, date=d("2022-06"), count=1612)
        assert count.history.count() == rows == 2

    def test_negative_count_is_refused(self):
        petition = services.petition_record(title="P", target_council="Council")
        with pytest.raises(ValidationError):
            services.petition_signatures_record(petition=petition, date=d("2022"), count=-1)
        assert not SignatureCount.objects.exists()

    def test_closed_before_opened_is_refused_and_nothing_saved(self):
        with pytest.raises(ValidationError) as exc:
            services.petition_record(title="P", target_council="Council", opened=d("2022-06-12"), closed=d("2022-01"))
        assert exc.value.message_dict["closed"] == ["A petition cannot close or be handed in before it opened."]
        assert not Petition.objects.exists()
        petition = services.petition_record(title="P", target_council="Council", opened=d("2022-06-12"))
        with pytest.raises(ValidationError, match="before it opened"):
            services.petition_update(petition, closed=d("2022-06-01"))
        petition.refresh_from_db()
        assert petition.closed is None

    def test_response_must_belong_to_the_petitions_pairing(self):
        pairing, other = make_pairing(), make_pairing()
        decision = record(other, EventType.DECISION_SEVER, "2022-11-02")
        with pytest.raises(ValidationError) as exc:
            services.petition_record(title="P", target_council="Council", pairing=pairing, response_event=decision)
        assert "response_event" in exc.value.message_dict
        petition = services.petition_record(title="P", target_council="Council", pairing=pairing)
        with pytest.raises(ValidationError):
            services.petition_update(petition, response_event=decision)
        petition.refresh_from_db()
        assert petition.response_event is None

    def test_update_dates_and_outcome_with_reason(self, user):
        petition = services.petition_record(title="P", target_council="Council", opened=d("2022"))
        services.petition_update(petition, closed=d("2022-06-12"), outcome="submitted", user=user, reason="handed in")
        petition.refresh_from_db()
        assert (petition.outcome, petition.closed_date.display()) == ("submitted", "12 June 2022")
        latest = petition.history.latest()
        assert (latest.history_user, latest.history_change_reason) == (user, "handed in")

    def test_cite_is_idempotent(self):
        petition = services.petition_record(title="P", target_council="Council")
        source = SourceFactory()
        services.petition_cite(petition=petition, cite=Cite(source=source, locator="para 3"))
        rows = petition.citations.get().history.count()
        services.petition_cite(petition=petition, cite=Cite(source=source, locator="para 3"))
        citation = petition.citations.get()
        assert citation.locator == "para 3" and citation.history.count() == rows


@pytest.mark.django_db
def test_removals_record_who_and_why(user):
    """Targets, signature counts and citations are removed by services, with the curator and reason."""
    pairing = make_pairing()
    source = SourceFactory()
    campaign = services.campaign_create(name="C", citations=[Cite(source=source)])
    organisation = services.organisation_create(name="O", citations=[Cite(source=source)])
    petition = services.petition_record(title="P", target_council="Council", citations=[Cite(source=source)])
    removals = [
        (services.campaign_target_set(campaign=campaign, pairing=pairing), services.campaign_target_remove),
        (services.petition_signatures_record(petition=petition, date=d("2022-06"), count=5), services.petition_signature_count_delete),
        (campaign.citations.get(), services.campaign_citation_delete),
        (organisation.citations.get(), services.organisation_citation_delete),
        (petition.citations.get(), services.petition_citation_delete),
    ]
    for row, remove in removals:
        model, pk = type(row), row.pk
        remove(row, user=user, reason="recorded in error")
        assert not model.objects.filter(pk=pk).exists()
        removed = model.history.get(id=pk, history_type="-")
        assert (removed.history_user, removed.history_change_reason) == (user, "recorded in error")


@pytest.mark.django_db
def test_cite_with_replace_clears_what_the_curator_cleared():
    petition = services.petition_record(title="P", target_council="Council")
    source = SourceFactory()
    services.petition_cite(petition=petition, cite=Cite(source=source, locator="para 3", quote="q"))
    services.petition_cite(petition=petition, cite=Cite(source=source))
    assert petition.citations.values_list("locator", "quote").get() == ("para 3", "q")
    services.petition_cite(petition=petition, cite=Cite(source=source, locator="para 4"), replace=True)
    assert petition.citations.values_list("locator", "quote").get() == ("para 4", "")
