"""Anonymous readers of public pages get ETags and `Cache-Control: public` keyed by the register's
version: an unchanged page is a 304 or a cache read for one query, and any write shows at once."""

import pytest
from django.contrib.auth.models import User

from campaigns.models import Campaign
from twinning import services
from twinning.models import Pairing

PAGES = ["/", "/pairings/", "/pairings/?status=severed", "/places/newcastle-upon-tyne/", "/map/", "/stats/", "/about/",
         "/zh-hant/pairings/newcastle-upon-tyne-taiyuan/"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_pages_are_publicly_cacheable_and_revalidate(client, newcastle, url, django_assert_max_num_queries):
    first = client.get(url)
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in first["Vary"].split(",")}
    assert "Set-Cookie" not in first and not first.cookies
    with django_assert_max_num_queries(1):  # the register's version, nothing else
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    with django_assert_max_num_queries(1):  # a new reader: the stored page
        fresh = client.get(url)
    assert fresh.status_code == 200 and fresh.content == first.content and fresh["ETag"] == first["ETag"]
    assert fresh["Content-Type"] == first["Content-Type"]


def test_a_write_shows_on_the_next_request(client, newcastle):
    url = "/pairings/newcastle-upon-tyne-taiyuan/"
    first = client.get(url)
    services.pairing_update(newcastle, notes="Reviewed by the council's scrutiny committee.", user=None, reason="test")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert "scrutiny committee" in again.content.decode()


def test_a_bulk_write_outside_the_services_moves_the_version_too(client, newcastle):
    first = client.get("/campaigns/")
    Campaign.objects.create(name="Bulk Campaign", slug="bulk-campaign")
    assert client.get("/campaigns/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    second = client.get("/pairings/")
    Pairing.objects.filter(pk=newcastle.pk).update(confidence="low")  # no signal, no service
    assert client.get("/pairings/", HTTP_IF_NONE_MATCH=second["ETag"]).status_code == 200


def test_languages_and_addresses_have_their_own_tags(client, newcastle):
    tags = {client.get(url)["ETag"] for url in ["/", "/zh-hant/", "/pairings/", "/pairings/?status=severed"]}
    assert len(tags) == 4


def test_logged_in_readers_are_never_cached(client, newcastle):
    anonymous_tag = client.get("/pairings/")["ETag"]
    client.force_login(User.objects.create_user("reader", password="x", is_staff=True))
    response = client.get("/pairings/", HTTP_IF_NONE_MATCH=anonymous_tag)
    assert response.status_code == 200  # never the anonymous copy
    assert "public" not in response.get("Cache-Control", "")
    assert "ETag" not in response


def test_pages_with_forms_are_not_publicly_cached(client, newcastle):
    response = client.get("/correction/")
    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")
