"""No N+1: every list and detail stays within 8 queries on 50+ rows with timelines and sources."""

import pytest

from campaigns.models import Campaign, CampaignCitation, CampaignTarget, Organisation, Petition, PetitionCitation, SignatureCount
from tests.sources.factories import SourceFactory
from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning import services
from twinning.constants import EventType

MAX_QUERIES = 8
ROWS = 52


@pytest.fixture(scope="module")
def big(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at the end (each test's own
    changes are rolled back by its `db` fixture)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        pairings = _build()
        yield pairings
        transaction.set_rollback(True)


def _build():
    hub = PlaceFactory(name="Hub", slug="hub")
    organisation = Organisation.objects.create(name="Watch", slug="watch")
    pairings = []
    for n in range(ROWS):
        pairing = make_pairing(place_a=hub if n % 2 else None)
        record(pairing, EventType.REVIEW_OPENED, "2022-06")
        record(pairing, EventType.DECISION_SEVER, "2022-11-02", votes_for=10, votes_against=n)
        services.agreement_record(
            pairing=pairing, kind="charter", signed=None, citations=[services.Cite(source=SourceFactory())]
        )
        campaign = Campaign.objects.create(name=f"Campaign {n}", slug=f"campaign-{n}")
        campaign.organisers.add(organisation)
        member = Organisation.objects.create(name=f"Group {n}", slug=f"group-{n}", base_place=hub)
        organisation.member_groups.add(member)
        campaign.organisers.add(member)
        CampaignTarget.objects.create(campaign=campaign, pairing=pairing)
        CampaignCitation.objects.create(campaign=campaign, source=SourceFactory())
        petition = Petition.objects.create(title=f"Petition {n}", campaign=campaign, pairing=pairing, target_council="Council")
        SignatureCount.objects.create(petition=petition, date="2022-06-12", count=1500 + n)
        PetitionCitation.objects.create(petition=petition, source=SourceFactory())
        pairings.append(pairing)
    return pairings


LISTS = [
    "/api/v1/pairings/?page_size=100",
    "/api/v1/pairings/?page_size=100&as_of=2022-07-01&status=under_review",
    "/api/v1/pairings/?page_size=100&countries=GB,CN&event_type=decision_sever&campaign=campaign-1",
    "/api/v1/pairings/?page_size=100&format=csv",
    "/api/v1/pairings/?page_size=100&format=geojson",
    "/api/v1/pairings/?paginate=cursor&page_size=100",
    "/api/v1/events/?page_size=200",
    "/api/v1/events/?page_size=200&format=csv",
    "/api/v1/agreements/?page_size=100",
    "/api/v1/sources/?page_size=500",
    "/api/v1/places/?page_size=200",
    "/api/v1/campaigns/?page_size=100",
    "/api/v1/organisations/?page_size=100",
    "/api/v1/petitions/?page_size=100",
    "/api/v1/stats/",
]


@pytest.mark.parametrize("url", LISTS)
def test_list_query_count_is_constant(api, db, big, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        response = api.get(url)
    assert response.status_code == 200
    if "format=csv" in url:
        assert len(response.content.decode("utf-8-sig").splitlines()) > ROWS
    elif "format=geojson" in url:
        assert len(response.json()["features"]) == ROWS
    elif "stats" in url:
        assert response.json()["pairings"] == ROWS
    elif "campaign=" in url:
        assert len(response.json()["results"]) == 1
    else:
        assert len(response.json()["results"]) >= ROWS


def test_pairing_list_rows_carry_their_decision_and_sources(api, db, big, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        rows = api.get("/api/v1/pairings/?page_size=100").json()["results"]
    assert len(rows) == ROWS
    assert all(r["latest_event"]["event_type"] == "decision_sever" and r["latest_event"]["sources"] for r in rows)
    assert all(r["status_event"]["votes_for"] == 10 and r["status_event"]["sources"] for r in rows)


def test_detail_query_counts(api, db, big, curator, django_assert_max_num_queries):
    pairing = big[1]
    urls = [
        f"/api/v1/pairings/{pairing.pk}/",
        f"/api/v1/pairings/{pairing.slug}/?as_of=2022-07-01",
        f"/api/v1/events/{pairing.events.first().pk}/",
        f"/api/v1/agreements/{pairing.agreements.first().pk}/",
        "/api/v1/places/hub/",
        f"/api/v1/sources/{pairing.events.first().citations.first().source_id}/",
        "/api/v1/campaigns/campaign-1/",
        "/api/v1/organisations/watch/",
        f"/api/v1/petitions/{pairing.petitions.first().pk}/",
    ]
    for url in urls:
        # computed: the record's own queries plus the register's version (the anonymous-read cache key)
        with django_assert_max_num_queries(MAX_QUERIES + 1):
            response = api.get(url)
        assert response.status_code == 200, url
        with django_assert_max_num_queries(1):  # read again: from the cache
            assert api.get(url).content == response.content
    detail = api.get(f"/api/v1/pairings/{pairing.pk}/").json()
    assert len(detail["timeline"]) == 3 and all(e["sources"] for e in detail["timeline"])
    assert detail["campaigns"][0]["campaign"]["slug"] == "campaign-1"
    assert detail["petitions"][0]["title"] == "Petition 1"
    # signed in with a token the budget still holds
    from tests.core.factories import api_token_key

    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(curator)}")
    with django_assert_max_num_queries(MAX_QUERIES):
        assert api.get("/api/v1/pairings/?page_size=100").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/pairings/",
        "/api/v1/pairings/?page=2&page_size=20",
        "/api/v1/pairings/?as_of=2022-07-01&status=under_review",
        # read from the date's events (PairingQuerySet.narrowed): the count comes without an estimate
        "/api/v1/pairings/?as_of=2022-07-01&status=under_review&country=GB&relationship=sister_city",
        "/api/v1/pairings/?q=hub",
    ],
)
def test_anonymous_pairing_list_answers_in_six_queries(api, db, big, url, django_assert_max_num_queries):
    """The budget for researchers' lists: ≤ 6 queries, the count included."""
    with django_assert_max_num_queries(6):
        response = api.get(url)
    assert response.status_code == 200
    assert response.json()["count"] >= 20 and response.json()["count_is_exact"] is True


def test_a_country_in_a_status_on_a_date_with_more_asked_is_listed_from_the_date_s_events(api, db, big, monkeypatch):
    """The list reads such a page and count from the date's events (PairingQuerySet.narrowed): the same
    answer as from the pairings, and the count exact without the planner's estimate."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from twinning.models import PairingQuerySet

    url = "/api/v1/pairings/?as_of=2022-07-01&status=under_review&country=GB&relationship=sister_city&page_size=20"
    FROM_EVENTS = '"twinning_pairing"."id" IN ((SELECT'  # the pairings of the date's events
    pages = ["1", "2", "3", "4"]  # 52 rows: three pages, and one too many
    narrowed = {}
    for page in pages:
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{url}&page={page}")
        narrowed[page] = (response.status_code, response.json())
        sql = [q["sql"] for q in queries.captured_queries]
        assert any(FROM_EVENTS in q for q in sql) and not any(q.startswith("EXPLAIN") for q in sql), (page, sql)
        # The ids read whole once: their number is the count, the page a slice (no COUNT query).
        assert not any(q.startswith("SELECT COUNT(*) FROM (SELECT") for q in sql)
    monkeypatch.setattr(PairingQuerySet, "NARROWED_ROWS", 0)
    for page in pages:
        cache.clear()  # else the first answer is read again
        with CaptureQueriesContext(connection) as queries:
            response = api.get(f"{url}&page={page}")
        sql = [q["sql"] for q in queries.captured_queries]
        assert not any(FROM_EVENTS in q for q in sql)
        assert (response.status_code, response.json()) == narrowed[page], page
    assert [narrowed[p][0] for p in pages] == [200, 200, 200, 400]
    first = narrowed["1"][1]
    assert first["count"] == ROWS and first["count_is_exact"] is True and len(first["results"]) == 20
    ids = [row["id"] for page in pages[:3] for row in narrowed[page][1]["results"]]
    assert len(set(ids)) == ROWS
