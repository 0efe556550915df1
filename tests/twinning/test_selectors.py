import pytest

from tests.twinning.factories import PlaceFactory
from twinning.selectors import similar_places

pytestmark = pytest.mark.django_db


def test_similar_places_finds_a_typo_and_ranks_the_closest_first():
    nottingham = PlaceFactory(name="Nottingham", country="GB")
    PlaceFactory(name="Northampton", country="GB")
    PlaceFactory(name="Ningbo", country="CN")

    found = similar_places("Nottinghm")

    assert found[0] == nottingham
    assert "Ningbo" not in [p.name for p in found]


def test_similar_places_matches_chinese_names_in_either_script_and_respects_country():
    ningbo = PlaceFactory(name="Ningbo", local_name="宁波", country="CN")
    PlaceFactory(name="Ningbo Lake", local_name="", country="US")

    assert similar_places("寧波") == [ningbo]
    assert similar_places("Ningbo", country="US")[0].name == "Ningbo Lake"
    assert similar_places("Ningbo", country="CN", exclude_pk=ningbo.pk) == []
    assert similar_places("   ") == []
