"""Test data for the public pages, built through the services (as the admin and importer do)."""

import pytest

from campaigns.models import Campaign, CampaignTarget, Organisation, Petition, SignatureCount
from core.partialdates import PartialDate
from tests.sources.factories import SourceFactory
from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning import services
from twinning.constants import Body, EventType, Relationship


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    """/data/ builds an export on demand: into the test's own directory, never the checkout's."""
    settings.EXPORT_DIR = tmp_path / "export"


NEWCASTLE_URL = "https://www.ffhr.cz/post/newcastle-to-sever-ties-with-sister-city-in-china-over-horrific-treatment-of-uyghur-muslims"


@pytest.fixture
def newcastle(db):
    """Newcastle upon Tyne – Taiyuan: sister cities since 1985, severed 2 November 2022."""
    newcastle = PlaceFactory(
        name="Newcastle upon Tyne", slug="newcastle-upon-tyne", region="England",
        governing_body="Newcastle City Council", latitude="54.97328", longitude="-1.61396",
    )
    taiyuan = PlaceFactory(
        name="Taiyuan", slug="taiyuan", local_name="太原", country="CN", region="Shanxi",
        latitude="37.86944", longitude="112.56028",
    )
    pairing = make_pairing(
        place_a=newcastle, place_b=taiyuan, relationship=Relationship.SISTER_CITY, established="1985",
        source=SourceFactory(title="Newcastle to sever ties with sister city in China", publisher="FFHR", url=NEWCASTLE_URL),
    )
    source = SourceFactory(
        title="English City of Newcastle Severs Ties With Chinese Twin City", publisher="The Epoch Times",
        url="https://www.theepochtimes.com/newcastle-severs-ties", archive_url="https://web.archive.org/web/2022/newcastle",
        published="2022-11-03",
    )
    record(
        pairing, EventType.DECISION_SEVER, "2022-11-02", source=source, body=Body.FULL_COUNCIL,
        mover="Cllr Wendy Taylor", mover_party="Liberal Democrats", unanimous=True,
        summary="Full council voted unanimously to terminate the sister-city agreement.",
    )
    pairing.refresh_from_db()
    return pairing


@pytest.fixture
def nottingham(db):
    """Nottingham – Ningbo: retained in 2023, the sources disagree on March or April."""
    pairing = make_pairing(
        place_a=PlaceFactory(name="Nottingham", slug="nottingham", latitude="52.9536", longitude="-1.15047"),
        place_b=PlaceFactory(name="Ningbo", slug="ningbo", local_name="宁波", country="CN", region="Zhejiang",
                             latitude="29.87819", longitude="121.54945"),
        relationship=Relationship.TWIN_TOWN, established="2005",
    )
    record(pairing, EventType.REVIEW_OPENED, "2022-06")
    seed = SourceFactory(title="Campaign Group 'Disappointed' After UK Council Refuses to Decouple", publisher="The Epoch Times")
    bbc = SourceFactory(title="Nottingham keeps Ningbo twinning", publisher="BBC")
    services.event_record(
        pairing=pairing, event_type=EventType.DECISION_RETAIN, date=PartialDate.parse("2023-03"),
        citations=[
            services.Cite(source=seed, claimed_date=PartialDate.parse("2023-03")),
            services.Cite(source=bbc, claimed_date=PartialDate.parse("2023-04")),
        ],
    )
    services.agreement_record(
        pairing=pairing, kind="renewal", signed=PartialDate.parse("2020"), term_years=5,
        renewal_due=PartialDate.parse("2025"), citations=[services.Cite(source=seed)],
    )
    group = Organisation.objects.create(name="Nottingham Stands with Hong Kong", slug="nottingham-stands-with-hong-kong")
    campaign = Campaign.objects.create(name="Global De-twin with China", slug="global-de-twin-with-china",
                                       launched="2022-07-01", launched_precision="month")
    campaign.organisers.add(group)
    CampaignTarget.objects.create(campaign=campaign, place=pairing.place_a, outcome="retained")
    petition = Petition.objects.create(
        title="End the Nottingham–Ningbo twinning", campaign=campaign, organiser=group,
        target_place=pairing.place_a, target_council="Nottingham City Council", pairing=pairing,
        opened="2022-01-01", opened_precision="year", closed="2022-06-12", outcome="rejected",
    )
    SignatureCount.objects.create(petition=petition, date="2022-06-12", count=1500, at_least=True)
    pairing.refresh_from_db()
    return pairing


def many_pairings(n: int = 55):
    """n pairings with a decision and two sources each, for query-count bounds."""
    hub = PlaceFactory(latitude="51.5", longitude="-0.12")
    pairings = []
    for i in range(n):
        partner = PlaceFactory(country="CN", region="Shanxi", latitude=str(20 + i % 20), longitude=str(100 + i % 20))
        pairing = make_pairing(place_a=hub, place_b=partner, established=str(1980 + i % 30))
        record(pairing, EventType.DECISION_SEVER if i % 2 else EventType.DECISION_RETAIN, f"{2015 + i % 8}-0{1 + i % 9}",
               body=Body.FULL_COUNCIL, votes_for=30, votes_against=i % 5)
        pairings.append(pairing)
    return hub, pairings
