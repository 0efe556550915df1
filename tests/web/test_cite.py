"""Cite this page: permalink, access date, APA and Chicago text, BibTeX and CSL-JSON, without JS."""

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from tests.twinning.factories import PlaceFactory, make_pairing
from tests.web.test_pages import text_of
from web.citation import pairing_citation

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairing(settings):
    settings.SITE_URL = "https://twinwatch.example"
    with time_machine.travel(dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC), tick=False):
        return make_pairing(
            place_a=PlaceFactory(name="Newcastle upon Tyne", slug="newcastle-upon-tyne"),
            place_b=PlaceFactory(name="Taiyuan", slug="taiyuan", country="CN"),
        )


URL = "https://twinwatch.example/pairings/newcastle-upon-tyne-taiyuan/"


@time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), tick=False)
def test_pairing_page_shows_permalink_access_date_apa_and_chicago(client, pairing, django_assert_max_num_queries):
    assert pairing.get_absolute_url() == "/pairings/newcastle-upon-tyne-taiyuan/"
    with django_assert_max_num_queries(10):
        response = client.get(pairing.get_absolute_url())
    text = text_of(response)
    assert f"Permalink {URL}" in text
    assert "Accessed 2026-11-24" in text
    assert (
        f"Twinwatch. (2026, March 5). Newcastle upon Tyne – Taiyuan: Sister city. Retrieved November 24, 2026, from {URL}"
        in text
    )
    assert (
        f"Twinwatch. “Newcastle upon Tyne – Taiyuan: Sister city.” Last modified March 5, 2026. "
        f"Accessed November 24, 2026. {URL}." in text
    )
    html = response.content.decode()
    assert "@misc{twinwatch-newcastle-upon-tyne-taiyuan," in html
    assert f'href="{reverse("pairing-cite-bibtex", args=[pairing.slug])}" download' in html


@time_machine.travel(dt.datetime(2026, 11, 24, 9, tzinfo=dt.UTC), tick=False)
def test_bibtex_and_csl_json_download(client, pairing):
    response = client.get(reverse("pairing-cite-bibtex", args=[pairing.slug]))
    assert response["Content-Disposition"] == 'attachment; filename="twinwatch-newcastle-upon-tyne-taiyuan.bib"'
    bib = response.content.decode()
    assert "title = {Newcastle upon Tyne -- Taiyuan: Sister city}" in bib
    assert f"url = {{{URL}}}" in bib and "urldate = {2026-11-24}" in bib and "year = {2026}" in bib

    response = client.get(reverse("pairing-cite-csl", args=[pairing.slug]))
    assert response["Content-Type"].startswith("application/vnd.citationstyles.csl+json")
    (item,) = json.loads(response.content)
    assert item["type"] == "webpage" and item["URL"] == URL
    assert item["title"] == "Newcastle upon Tyne – Taiyuan: Sister city"
    assert item["issued"] == {"date-parts": [[2026, 3, 5]]}
    assert item["accessed"] == {"date-parts": [[2026, 11, 24]]}


def test_citation_stays_english_on_the_chinese_page_and_bibtex_escapes(pairing):
    from django.utils import translation

    pairing.place_a.name = "R&D_Town {50%}"
    with translation.override("zh-hant"):
        citation = pairing_citation(pairing)
    assert citation.title.endswith(": Sister city")
    assert r"R\&D\_Town \{50\%\}" in citation.bibtex


def test_unknown_pairing_citation_is_404(client):
    assert client.get("/pairings/nowhere/cite.bib").status_code == 404
