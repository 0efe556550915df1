"""Campaigns, organisations and petitions: their filters keep the right rows and drop the others."""

from campaigns import services
from core.partialdates import PartialDate
from tests.api_helpers import results
from tests.campaigns.factories import make_campaign, make_organisation, make_petition


def test_campaign_organisation_petition_filters(api, world):
    group = make_organisation(name="Nottingham Stands with Hong Kong")
    make_organisation(name="Coalition", kind="coalition", member_groups=[group])
    campaign = make_campaign(name="Decouple Nottingham", launched="2022", organisers=[group])
    services.campaign_target_set(campaign=campaign, pairing=world.nottingham_ningbo, outcome="retained")
    services.campaign_target_set(campaign=make_campaign(name="Other"), place=world.newcastle)
    petition = make_petition(title="End the Ningbo link", campaign=campaign, organiser=group,
                             target_council="Nottingham City Council", target_place=world.nottingham,
                             pairing=world.nottingham_ningbo, opened="2022", outcome="submitted")
    services.petition_signatures_record(petition=petition, date=PartialDate.parse("2022-06-12"), count=1500, at_least=True)
    make_petition(title="Other petition", target_council="Somewhere", opened="2019-05-01", outcome="open")

    def names(resource, **params):
        return {r.get("slug") or r.get("title") for r in results(api.get(f"/api/v1/{resource}/", params))}

    assert names("campaigns", organisation="nottingham-stands-with-hong-kong") == {"decouple-nottingham"}
    assert names("campaigns", place="nottingham") == {"decouple-nottingham"}
    assert names("campaigns", place="newcastle-upon-tyne") == {"other"}
    assert names("campaigns", pairing="nottingham-ningbo") == {"decouple-nottingham"}
    assert names("organisations", kind="coalition") == {"coalition"}
    assert names("petitions", campaign="decouple-nottingham") == {"End the Ningbo link"}
    assert names("petitions", outcome="open") == {"Other petition"}
    assert names("petitions", opened_after="2020", target_place="nottingham") == {"End the Ningbo link"}
    row = api.get(f"/api/v1/petitions/{petition.pk}/").json()
    assert row["signatures"] == {"date": {"date": "2022-06-12", "precision": "day", "circa": False, "display": "12 June 2022"},
                                 "count": 1500, "at_least": True, "source": None}
    campaign_row = api.get("/api/v1/campaigns/decouple-nottingham/").json()
    assert campaign_row["launched"]["display"] == "2022"
    assert campaign_row["targets"][0]["pairing"]["slug"] == "nottingham-ningbo"
    assert campaign_row["targets"][0]["outcome_label"] == "Retained"
    assert api.get("/api/v1/organisations/coalition/").json()["member_groups"] == [
        {"id": group.pk, "slug": "nottingham-stands-with-hong-kong", "name": "Nottingham Stands with Hong Kong"}
    ]
