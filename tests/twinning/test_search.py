"""The one search (twinning/search.py): what a reader types finds the place or pairing they mean."""

import pytest
from django.core.exceptions import ValidationError

from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning import search, services
from twinning.constants import EventType, IdentifierScheme, PlaceNameKind
from twinning.models import Listing, Pairing, PlaceName, Snapshot


@pytest.fixture
def register(db):
    """Nottingham–Ningbo (checked), Nottingham–Minsk, Bath and North East Somerset–Jingdezhen, and a
    Nottinghamshire place paired with Ningbo that Wikidata only lists."""
    nottingham = PlaceFactory(name="Nottingham", slug="nottingham")
    ningbo = PlaceFactory(name="Ningbo", slug="ningbo", local_name="宁波", country="CN", region="Zhejiang")
    minsk = PlaceFactory(name="Minsk", slug="minsk", country="BY", region="")
    banes = PlaceFactory(name="Bath and North East Somerset", slug="bath-and-north-east-somerset")
    jingdezhen = PlaceFactory(name="Jingdezhen", slug="jingdezhen", local_name="景德镇", country="CN")
    shire = PlaceFactory(name="Nottinghamshire", slug="nottinghamshire")
    services.place_name_add(place=ningbo, name="Ningpo", kind=PlaceNameKind.HISTORICAL, reason="test")
    services.place_name_add(place=nottingham, name="諾丁漢", kind=PlaceNameKind.TRANSLATION, language="zh-Hant", reason="test")
    services.place_name_add(place=banes, name="BANES", reason="test")
    pairings = {
        "nottingham-ningbo": make_pairing(place_a=nottingham, place_b=ningbo),
        "nottingham-minsk": make_pairing(place_a=nottingham, place_b=minsk),
        "banes-jingdezhen": make_pairing(place_a=banes, place_b=jingdezhen),
        "shire-ningbo": make_pairing(place_a=shire, place_b=ningbo, established=None),
    }
    record(pairings["shire-ningbo"], EventType.LISTED, "2026-05-01")
    return pairings


def found(text, qs=None):
    rows = search.pairings_matching(qs or Pairing.objects.all(), text)
    return [f"{p.place_a.name}–{p.place_b.name}" for p in rows.select_related("place_a", "place_b")]


@pytest.mark.parametrize(
    "text",
    [
        "Nottingham Ningbo",
        "Ningbo Nottingham",
        "Nottingham – Ningbo",  # the pairing page's own title
        "Nottingham-Ningbo",
        "Nottingham and Ningbo",
        "nottinghm ningpo",  # a typo and a historical name
        "NOTTINGHAM/NINGBO",
        "諾丁漢 寧波",  # Traditional for both (Ningbo is recorded in Simplified)
        "诺丁汉 宁波",  # Simplified for both (Nottingham's other name is in Traditional)
        "Ｎｏｔｔｉｎｇｈａｍ Ｎｉｎｇｂｏ",  # full-width letters from a Chinese keyboard
    ],
)
def test_what_people_type_finds_nottingham_ningbo_first(register, text):
    assert found(text)[0] == "Nottingham–Ningbo"
    assert "Nottingham–Minsk" not in found(text)


def test_an_other_name_finds_the_place_and_its_pairings(register):
    assert found("BANES") == ["Bath and North East Somerset–Jingdezhen"]
    assert found("Ningpo")[:1] == ["Nottingham–Ningbo"]
    hits = search.search("Ningpo").all_terms()
    assert hits[0].place.name == "Ningbo" and hits[0].matched_name == "Ningpo"


def test_exact_name_ranks_above_a_longer_name_starting_with_it(register):
    names = [h.place.name for h in search.search("Nottingham").all_terms()]
    assert names[:2] == ["Nottingham", "Nottinghamshire"]
    assert found("Nottingham")[0].startswith("Nottingham–")
    assert found("Nottingham")[-1] == "Nottinghamshire–Ningbo"


def test_a_checked_pairing_ranks_above_one_only_listed_by_wikidata_when_both_match_as_well(register):
    # Ningbo is exact on both; the listed-only Nottinghamshire–Ningbo comes after the checked one.
    assert found("Ningbo") == ["Nottingham–Ningbo", "Nottinghamshire–Ningbo"]


def test_a_word_that_matches_neither_place_drops_the_pairing(register):
    assert found("Nottingham Timbuktu") == []
    assert found("xyzzy") == []


def test_a_piece_of_a_name_still_matches(register):
    assert "Bath and North East Somerset–Jingdezhen" in found("dezhen")
    assert found("德镇") == ["Bath and North East Somerset–Jingdezhen"]


def test_did_you_mean_offers_the_names_for_a_typo_and_nothing_for_an_exact_query(register):
    assert search.did_you_mean(search.search("nottinghm ningpo"))[0] == "Nottingham Ningbo"
    assert search.did_you_mean(search.search("Nottingham Ningbo")) == []
    # Nothing matched at word level: names merely similar are offered.
    assert "Minsk" in search.did_you_mean(search.search("Minskk"))[:3] or "Minsk" in search.did_you_mean(search.search("Mimsk"))


@pytest.mark.parametrize("text", ["", "   ", "\x00", "\u200b", "–", " / "])
def test_an_empty_or_meaningless_query_leaves_the_list_alone(register, text):
    assert search.pairings_matching(Pairing.objects.all(), text).count() == 4


def test_a_query_too_long_is_refused_with_a_reason(register):
    with pytest.raises(search.SearchError, match="at most 100"):
        search.search("x" * 101)


def test_terms_are_cut_at_separators_and_keep_names_whole():
    assert search.terms_of("Newcastle upon Tyne – Taiyuan") == ["Newcastle", "upon", "Tyne", "Taiyuan"]
    assert search.terms_of("Nottingham and Ningbo") == ["Nottingham", "Ningbo"]
    assert search.terms_of("and") == ["and"]
    assert search.terms_of("a\x00b\u200b") == ["ab"]


def test_search_is_one_query(register, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = search.search("nottinghm ningpo")
    with django_assert_num_queries(1):
        rows = list(search.pairings_matching(Pairing.objects.all(), "x", result=result))
    assert [str(p) for p in rows] == ["Nottingham – Ningbo", "Nottinghamshire – Ningbo"]


def test_other_names_are_one_per_place_and_not_the_own_name(register):
    ningbo = register["nottingham-ningbo"].place_b
    services.place_name_add(place=ningbo, name="ningpo", kind=PlaceNameKind.HISTORICAL, reason="test")
    assert list(ningbo.other_names.values_list("name", flat=True)) == ["ningpo"]
    with pytest.raises(ValidationError):
        services.place_name_add(place=ningbo, name="NINGBO", reason="test")
    assert ningbo.other_names.first().history.first().history_change_reason == "test"


def test_merging_places_keeps_the_other_names_once(register):
    ningbo = register["nottingham-ningbo"].place_b
    duplicate = PlaceFactory(name="Ningbo City", country="CN")
    services.place_name_add(place=duplicate, name="Ningpo", reason="test")
    services.place_name_add(place=duplicate, name="Ning-po", reason="test")
    services.place_merge(keep=ningbo, merge=duplicate, reason="duplicate")
    assert sorted(ningbo.other_names.values_list("name", flat=True)) == ["Ning-po", "Ningpo"]


def test_wikidata_labels_become_other_names(register):
    beijing = PlaceFactory(name="Beijing", slug="beijing", country="CN")
    prague = PlaceFactory(name="Prague", slug="prague", country="CZ")
    services.place_identifier_set(place=beijing, scheme=IdentifierScheme.WIKIDATA, value="Q956", reason="test")
    services.place_identifier_set(place=prague, scheme=IdentifierScheme.WIKIDATA, value="Q1085", reason="test")
    pairing = make_pairing(place_a=prague, place_b=beijing, established=None)
    event = record(pairing, EventType.LISTED, "2016-09-12")
    snapshot = Snapshot.objects.create(
        date="2016-09-12", source=event.citations.first().source, file_name="f.csv", row_count=1, sha256="0" * 64
    )
    Listing.objects.create(
        pairing=pairing, snapshot=snapshot, event=event, item_qid="Q1085", item_label="Prag", twin_qid="Q956",
        twin_label="Peking", direction="a_to_b", row_number=1,
    )
    assert services.place_names_from_listings(reason="labels") == 2
    assert services.place_names_from_listings(reason="labels") == 0  # once
    assert PlaceName.objects.get(name="Peking").place == beijing
    assert found("Peking Prag") == ["Prague–Beijing"]


def test_a_curator_adds_an_other_name_in_the_admin_and_search_finds_by_it(client, curator, register):
    from django.urls import reverse

    from tests.twinning.admin_helpers import add_inline_row, errors_of, form_data

    banes = PlaceName.objects.get(name="BANES").place
    client.force_login(curator)
    url = reverse("admin:twinning_place_change", args=[banes.pk])
    data = add_inline_row(form_data(client.get(url)), "other_names", name="B&NES", kind="alternate", language="en")
    data["change_reason"] = "The council's own abbreviation"
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    added = PlaceName.objects.get(name="B&NES")
    assert (added.place, added.history.get().history_user, added.history.get().history_change_reason) == (
        banes, curator, "The council's own abbreviation",
    )
    assert found("B&NES") == ["Bath and North East Somerset–Jingdezhen"]


@pytest.mark.parametrize("text", ["諾丁漢寧波", "诺丁汉宁波", "寧波諾丁漢"])
def test_chinese_written_without_a_space_still_finds_the_pairing(register, text):
    assert found(text) == ["Nottingham–Ningbo"]
