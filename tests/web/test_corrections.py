"""Suggest a correction: the public form stores a suggestion for curators, and refuses spam."""

import re

import pytest
from django.core import signing
from django.urls import reverse

from core.antispam import SALT
from tests.twinning.factories import PlaceFactory
from web.models import Correction, CorrectionKind, CorrectionStatus

pytestmark = pytest.mark.django_db

TEXT = "The council voted on 3 November, not 2 November: see the minutes."


@pytest.fixture
def no_min_time(settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 0


def post_form(client, url, **fields):
    page = client.get(url)
    assert page.status_code == 200
    data = {"shown": page.context["form"].initial["shown"], "website": "", "text": TEXT, **fields}
    return client.post(url, data)


def test_pairing_page_links_to_its_correction_form(client, newcastle):
    html = client.get(newcastle.get_absolute_url()).content.decode()
    assert f'href="{reverse("correction-pairing", args=[newcastle.slug])}"' in html


def test_a_correction_from_a_pairing_page_is_stored_for_curators(client, newcastle, no_min_time, django_assert_max_num_queries):
    url = reverse("correction-pairing", args=[newcastle.slug])
    with django_assert_max_num_queries(10):
        page = client.get(url)
    assert "Newcastle upon Tyne – Taiyuan" in page.content.decode()
    response = post_form(client, url, source_url="https://example.org/minutes", email="reader@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("correction-thanks")
    correction = Correction.objects.get()
    assert correction.pairing == newcastle
    assert correction.kind == CorrectionKind.CORRECTION
    assert correction.status == CorrectionStatus.NEW
    assert correction.text == TEXT and correction.email == "reader@example.org"
    assert correction.page == newcastle.get_absolute_url()
    assert correction.history.get().history_change_reason == "Suggested on the public site"


def test_the_general_form_takes_a_pairing_not_in_the_register(client, no_min_time):
    place = PlaceFactory(name="Wakefield", slug="wakefield")
    url = reverse("correction") + "?place=wakefield&kind=new_pairing"
    assert re.search(r'value="new_pairing"[^>]*checked', client.get(url).content.decode())
    response = post_form(client, url, kind="new_pairing")
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert correction.kind == CorrectionKind.NEW_PAIRING and correction.place == place and correction.pairing is None


def test_unknown_pairing_is_404(client):
    assert client.get(reverse("correction") + "?pairing=nowhere").status_code == 404


def test_empty_or_oversized_text_is_a_form_error_saying_where(client, no_min_time):
    response = post_form(client, reverse("correction"), text="")
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = post_form(client, reverse("correction"), text="x" * 5001, email="not-an-email")
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 5000 characters" in html and "Enter a valid email address." in html
    assert not Correction.objects.exists()


def test_honeypot_filled_is_refused(client, no_min_time):
    response = post_form(client, reverse("correction"), website="http://spam.example")
    assert response.status_code == 400
    assert not Correction.objects.exists()


def test_sent_too_fast_is_refused_then_accepted_with_the_fresh_form(client, settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 3600  # no person types this fast
    response = post_form(client, reverse("correction"))
    assert response.status_code == 400
    assert "sent very fast" in response.content.decode()
    assert not Correction.objects.exists()


def test_forged_or_missing_time_stamp_is_refused(client, no_min_time):
    forged = signing.TimestampSigner(salt="other").sign("form")
    for stamp in (forged, "", "garbage"):
        response = client.post(reverse("correction"), {"shown": stamp, "text": TEXT})
        assert response.status_code == 400
    assert not Correction.objects.exists()
    good = signing.TimestampSigner(salt=SALT).sign("form")
    assert client.post(reverse("correction"), {"shown": good, "text": TEXT}).status_code == 302


def test_rate_limited_per_client_address(client, settings, no_min_time):
    settings.CORRECTIONS_PER_HOUR = 2
    url = reverse("correction")
    for _ in range(2):
        assert post_form(client, url).status_code == 302
    response = post_form(client, url)
    assert response.status_code == 429
    assert "Too many suggestions" in response.content.decode()
    assert Correction.objects.count() == 2
    # Another address is not limited.
    stamp = client.get(url).context["form"].initial["shown"]
    assert client.post(url, {"shown": stamp, "text": TEXT}, REMOTE_ADDR="10.9.9.9").status_code == 302


def test_csrf_is_enforced():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("correction"), {"text": TEXT})
    assert response.status_code == 403
    assert not Correction.objects.exists()
