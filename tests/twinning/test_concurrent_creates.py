"""Creates are race-safe (issue 12 item 11): identical concurrent POSTs make one place, the others a
400 naming it, never a 500; concurrent creates that want the same slug each get their own."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from campaigns import services as campaign_services
from tests.core.factories import UserFactory
from twinning import services
from twinning.models import Place

THREADS = 10


def run_together(work):
    """Run work(i) in THREADS threads released at once; each thread closes its own connection."""
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - the test asserts on what each thread met
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_identical_concurrent_posts_make_one_place_and_the_others_a_400_naming_it():
    curator = UserFactory(username="racer", is_staff=True, is_superuser=True)
    body = {"name": "Leeds", "country": "GB", "region": "England"}

    def post(_i):
        api = APIClient()
        api.force_authenticate(curator)
        response = api.post("/api/v1/places/", body, format="json")
        return response.status_code, response.json()

    results = run_together(post)
    codes = sorted(code for code, _body in results)
    assert codes == [201] + [400] * (THREADS - 1), results
    place = Place.objects.get()
    assert place.slug == "leeds"
    for code, answer in results:
        if code == 400:
            assert "leeds" in answer["name"][0] and f"id {place.pk}" in answer["name"][0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_homonyms_in_different_regions_each_get_their_own_slug():
    def create(i):
        return services.place_create(name="Newport", country="GB", region=f"Region {i}").slug

    slugs = run_together(create)
    assert all(isinstance(s, str) for s in slugs), slugs
    assert sorted(slugs) == sorted(["newport"] + [f"newport-{n}" for n in range(2, THREADS + 1)])
    assert Place.objects.count() == THREADS


@pytest.mark.django_db(transaction=True)
def test_concurrent_campaigns_with_slug_clashing_names_each_get_their_own_slug():
    names = [f"Stop the twinning{'!' * i}" for i in range(THREADS)]  # different names, one slug base

    def create(i):
        return campaign_services.campaign_create(name=names[i]).slug

    slugs = run_together(create)
    assert all(isinstance(s, str) for s in slugs), slugs
    assert len(set(slugs)) == THREADS


def test_same_name_and_country_in_another_region_is_a_homonym_not_a_duplicate(db):
    services.place_create(name="Newport", country="GB", region="Wales")
    services.place_create(name="Newport", country="GB", region="Isle of Wight")
    with pytest.raises(Exception, match="already recorded as place “newport”"):
        services.place_create(name="NEWPORT", country="gb", region="wales")
