"""Page numbers with a cap, cursor crawling without gaps or repeats, conditional GET, throttling."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning import services
from twinning.constants import EventType

URL = "/api/v1/pairings/"


@pytest.fixture
def many(db):
    london = PlaceFactory(name="London", slug="london")
    return [make_pairing(place_a=london, place_b=PlaceFactory(country="CN")) for _ in range(12)]


def crawl(api, params, *, during=None):
    seen, url, pages = [], URL, 0
    response = api.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [(r["id"], r["updated_at"]) for r in body["results"]]
        pages += 1
        if during and pages == 2:
            during()
        if not body["next"]:
            return seen
        assert response["Link"] == f'<{body["next"]}>; rel="next"'
        response = api.get(body["next"])


def test_cursor_crawl_sees_every_row_once(api, many):
    seen = crawl(api, {"paginate": "cursor", "page_size": 5})
    assert sorted(pk for pk, _ in seen) == sorted(p.pk for p in many)
    assert [u for _, u in seen] == sorted(u for _, u in seen)


def test_cursor_crawl_through_rows_changed_at_the_same_moment_sees_each_once_in_id_order(api, many):
    """A bulk import or re-derivation gives thousands of rows one `updated_at`: the cursor moves on by id."""
    from twinning.models import Pairing

    Pairing.objects.update(updated_at=timezone.now())
    seen = crawl(api, {"paginate": "cursor", "page_size": 5})
    assert [pk for pk, _ in seen] == sorted(p.pk for p in many)


def test_cursor_crawl_sees_a_record_updated_mid_crawl(api, many):
    first = min(many, key=lambda p: (p.updated_at, p.pk))  # already seen on page 1 when it changes

    def change():
        record(first, EventType.STATEMENT, "2024-01", sourced=False)

    seen = crawl(api, {"paginate": "cursor", "page_size": 5}, during=change)
    ids = [pk for pk, _ in seen]
    assert set(ids) == {p.pk for p in many}
    assert ids.count(first.pk) == 2  # once as it was, once more with its change, at the end
    assert ids[-1] == first.pk
    # and a sync from when the crawl began sees only the changed record
    since = seen[0][1]
    again = crawl(api, {"paginate": "cursor", "updated_since": since})
    assert first.pk in [pk for pk, _ in again]


def test_updated_since_with_cursor_syncs_only_changes(api, many):
    mark = timezone.now()
    services.pairing_update(many[3], notes="corrected")
    services.pairing_update(many[7], notes="corrected")
    seen = crawl(api, {"paginate": "cursor", "updated_since": mark.isoformat(), "page_size": 1})
    assert [pk for pk, _ in seen] == [many[3].pk, many[7].pk]


def test_page_numbers_with_a_capped_page_size(api, many):
    first = api.get(URL, {"page_size": 5}).json()
    assert first["count"] == 12 and len(first["results"]) == 5 and first["previous"] is None
    third = api.get(URL, {"page_size": 5, "page": 3}).json()
    assert len(third["results"]) == 2 and third["next"] is None
    everything = [r["id"] for p in (1, 2, 3) for r in api.get(URL, {"page_size": 5, "page": p}).json()["results"]]
    assert sorted(everything) == sorted(p.pk for p in many)
    assert api.get(URL, {"page_size": 501}).status_code == 400
    assert len(api.get(URL, {"page_size": 500}).json()["results"]) == 12


def test_conditional_get_on_list_and_detail(api, many):
    for url in (URL, f"{URL}{many[0].pk}/", "/api/v1/events/", "/api/v1/stats/"):
        response = api.get(url)
        etag = response["ETag"]
        assert etag
        assert "Accept" in response["Vary"]
        not_modified = api.get(url, HTTP_IF_NONE_MATCH=etag)
        assert not_modified.status_code == 304 and not_modified.content == b""
    etag = api.get(f"{URL}{many[0].pk}/")["ETag"]
    services.pairing_update(many[0], notes="changed")
    changed = api.get(f"{URL}{many[0].pk}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["notes"] == "changed"
    assert changed["ETag"] != etag
    # CSV and JSON are different representations with different tags
    assert api.get(URL, {"format": "csv"})["ETag"] != api.get(URL)["ETag"]


@override_settings(
    REST_FRAMEWORK={
        **__import__("django.conf").conf.settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"},
    }
)
def test_throttling_anonymous_and_signed_in(api, many, curator):
    for _ in range(3):
        assert api.get(URL).status_code == 200
    limited = api.get(URL)
    assert limited.status_code == 429
    assert 0 < int(limited["Retry-After"]) <= 60
    assert "throttled" in limited.json()["detail"].lower()
    api.force_login(curator)  # a signed-in client has its own, larger allowance
    for _ in range(5):
        assert api.get(URL).status_code == 200
    assert api.get(URL).status_code == 429


def test_deep_page_numbers_hand_over_to_the_cursor_and_big_counts_say_they_are_estimates(api, many, monkeypatch):
    from core.api import pagination

    monkeypatch.setattr(pagination, "MAX_PAGED_ROWS", 10)
    monkeypatch.setattr(pagination, "ALWAYS_COUNTED_ROWS", 5)
    first = api.get(URL, {"page_size": 5}).json()
    assert first["count_is_exact"] is False and first["count"] >= 11  # 12 rows match: more than the cap
    assert len(api.get(URL, {"page_size": 5, "page": 2}).json()["results"]) == 5
    deep = api.get(URL, {"page_size": 5, "page": 3})
    assert deep.status_code == 400
    assert "paginate=cursor" in deep.json()["page"][0]
    monkeypatch.setattr(pagination, "MAX_PAGED_ROWS", 100)
    cache.clear()  # the anonymous response cache knows the code by its release, not a patched constant
    assert api.get(URL, {"page_size": 5}).json()["count_is_exact"] is True


def test_a_list_the_planner_expects_to_be_long_is_not_counted(api, many, monkeypatch):
    """Above the cap the planner's estimate is the count (said so): even counting up to the cap costs
    ~40 ms on a date at 300,000 pairings. Only a short count (a tenth of the cap) shows the list is not
    short first. Below the cap the count is exact."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.api import pagination

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE twinning_pairing")  # the planner knows there are 12
    monkeypatch.setattr(pagination, "MAX_PAGED_ROWS", 10)
    monkeypatch.setattr(pagination, "ALWAYS_COUNTED_ROWS", 5)
    with CaptureQueriesContext(connection) as queries:
        body = api.get(URL, {"page_size": 5, "as_of": "2030-01-01"}).json()
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1 and "LIMIT 6" in counts[0]  # stops at the short list's 5 rows and one more
    assert body["count_is_exact"] is False and body["count"] == 12  # ANALYZE read every row
    assert len(body["results"]) == 5
    monkeypatch.setattr(pagination, "MAX_PAGED_ROWS", 100)
    cache.clear()
    body = api.get(URL, {"page_size": 5, "as_of": "2030-01-01"}).json()
    assert body["count_is_exact"] is True and body["count"] == 12


def test_a_short_list_is_counted_exactly_when_the_planner_still_expects_many_rows(api, many, monkeypatch):
    """The planner's statistics lag behind big changes: after a large import is rolled back or many
    rows are deleted it still expects them until autovacuum runs. A short list is then counted, not
    said to be "about" the rows that have gone."""
    from django.db import connection

    from core.api import pagination
    from twinning.models import Pairing

    hub = PlaceFactory(name="Gone Hub")
    gone = [make_pairing(place_a=hub, place_b=PlaceFactory(name=f"Gone {i}")).pk for i in range(20)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE twinning_pairing")  # the planner now expects 32 rows
    Pairing.objects.filter(pk__in=gone).delete()  # 12 are left; the statistics still say 32
    monkeypatch.setattr(pagination, "MAX_PAGED_ROWS", 10)
    monkeypatch.setattr(pagination, "ALWAYS_COUNTED_ROWS", 20)
    body = api.get(URL, {"page_size": 5}).json()
    assert (body["count"], body["count_is_exact"]) == (12, True)
    monkeypatch.setattr(pagination, "ALWAYS_COUNTED_ROWS", 5)  # a list longer than "short": the estimate
    cache.clear()
    body = api.get(URL, {"page_size": 5}).json()
    assert body["count_is_exact"] is False and body["count"] > 12


@pytest.mark.parametrize("page_size, counted", [(12, False), (13, False), (11, True)])
def test_a_first_page_holding_the_whole_list_is_counted_by_its_rows(api, many, page_size, counted):
    """A first page with every matching row (12 here) answers its exact count with no estimate or count
    asked of the database; one row more than the page and the count is asked for as before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        body = api.get(URL, {"page_size": page_size}).json()
    asked = [q for q in queries.captured_queries if q["sql"].startswith(("EXPLAIN", "SELECT COUNT(*)"))]
    assert bool(asked) is counted
    assert (body["count"], body["count_is_exact"]) == (12, True)
    assert len(body["results"]) == min(12, page_size)
    assert (body["next"] is not None) is counted
