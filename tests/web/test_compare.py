"""Compare pairings side by side: status, since, who decided, vote, first source, agreements."""

import pytest
from django.urls import reverse

from core.partialdates import PartialDate
from tests.sources.factories import SourceFactory
from tests.twinning.factories import PlaceFactory, make_pairing, record
from tests.web.test_pages import text_of
from twinning import services
from twinning.constants import Body, EventType

pytestmark = pytest.mark.django_db


def compare_url(*slugs, **extra):
    from urllib.parse import urlencode

    return reverse("compare") + "?" + urlencode([("p", s) for s in slugs] + list(extra.items()))


def test_two_pairings_side_by_side(client, newcastle):
    other = make_pairing(
        place_a=PlaceFactory(name="Nottingham", slug="nottingham", governing_body="Nottingham City Council"),
        place_b=PlaceFactory(name="Ningbo", slug="ningbo", country="CN"),
        established="2005", source=SourceFactory(title="Ningbo link report", published="2005-06-01"),
    )
    record(other, EventType.DECISION_RETAIN, "2023-03", body=Body.CABINET, actor="side_a", votes_for=6, votes_against=2)
    services.agreement_record(pairing=other, kind="charter", signed=PartialDate.parse("2005"), reason="test")
    response = client.get(compare_url(newcastle.slug, other.slug))
    assert response.status_code == 200
    text = text_of(response)
    assert "Newcastle upon Tyne – Taiyuan" in text and "Nottingham – Ningbo" in text
    assert "Severed" in text and "Retained" in text
    assert "2 November 2022" in text and "March 2023" in text and "1 March 2023" not in text
    assert "Unanimous" in text and "6 for, 2 against" in text
    assert "Nottingham City Council — Cabinet or executive" in text
    assert "Ningbo link report" in text and "1 June 2005" in text
    assert "Twinning charter, signed 2005" in text
    # Newcastle has no agreement: said, not left blank.
    assert "none recorded" in text


def test_query_count_does_not_grow_with_pairings(client, django_assert_max_num_queries):
    slugs = []
    for _n in range(4):
        pairing = make_pairing()
        for year in range(2010, 2016):
            record(pairing, EventType.DECISION_RETAIN, str(year))
        slugs.append(pairing.slug)
    with django_assert_max_num_queries(10):
        assert client.get(compare_url(*slugs)).status_code == 200


def test_more_than_four_unknown_and_duplicate_slugs(client, newcastle):
    pairings = [make_pairing().slug for _ in range(4)]
    text = text_of(client.get(compare_url(*pairings, "extra")))
    assert "showing the first 4" in text
    text = text_of(client.get(compare_url(newcastle.slug, newcastle.slug, "nowhere")))
    assert "Not in the register: nowhere" in text
    assert text.count("Remove") == 1
    assert client.get(compare_url("nowhere")).status_code == 404


def test_search_adds_a_pairing_without_javascript(client, newcastle):
    html = client.get(compare_url(q="Taiyuan")).content.decode()
    assert f'href="/compare/?p={newcastle.slug}"' in html
    assert client.get(compare_url(q="Atlantis")).status_code == 200


def test_pairing_page_links_to_compare(client, newcastle):
    assert f'href="/compare/?p={newcastle.slug}"' in client.get(newcastle.get_absolute_url()).content.decode()
