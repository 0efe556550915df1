import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Each test starts in English: a request to a /zh-hant/ page leaves Chinese active in the thread
    (LocaleMiddleware activates the URL's language), which would prefix the next reverse()."""
    with translation.override("en"):
        yield


@pytest.fixture
def curator(db):
    from tests.core.factories import UserFactory
    from twinning.permissions import ensure_groups

    curators, _editors = ensure_groups()
    user = UserFactory(username="curator", is_staff=True)
    user.groups.add(curators)
    return user


@pytest.fixture
def editor(db):
    from tests.core.factories import UserFactory
    from twinning.permissions import ensure_groups

    _curators, editors = ensure_groups()
    user = UserFactory(username="editor", is_staff=True)
    user.groups.add(editors)
    return user


@pytest.fixture(scope="class")
def demo_data_for_class(django_db_setup, django_db_blocker):
    """The real demo data (fixtures/demo.json, via `load_demo`) loaded once for a test class, in a
    transaction rolled back after the class. Request it (through `demo_data`) only from classes whose
    every test wants the demo data: it stays loaded until the class ends."""
    import io

    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo_data(demo_data_for_class, db):
    """The demo data, for a test in a class (each test still runs in its own savepoint)."""
    return None


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


class World:
    """A small register: UK–China pairings severed, retained and rescinded, and others."""


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """Built once per module inside a transaction rolled back at the end; each test's own changes
    are rolled back by its `db` fixture."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(db, _world):
    for name, value in vars(_world).items():
        if hasattr(value, "refresh_from_db"):
            value.refresh_from_db()
    return _world


def build_world() -> World:
    from decimal import Decimal

    from tests.twinning.factories import PlaceFactory, make_pairing, record
    from twinning.constants import EventType, Relationship

    w = World()
    w.newcastle = PlaceFactory(name="Newcastle upon Tyne", slug="newcastle-upon-tyne", country="GB", region="England",
                               latitude=Decimal("54.97328"), longitude=Decimal("-1.61396"))
    w.taiyuan = PlaceFactory(name="Taiyuan", local_name="太原", slug="taiyuan", country="CN", region="Shanxi",
                             latitude=Decimal("37.86944"), longitude=Decimal("112.56028"))
    w.bath = PlaceFactory(name="Bath and North East Somerset", slug="bath", country="GB", region="England")
    w.jiangxi = PlaceFactory(name="Jiangxi Province", local_name="江西省", slug="jiangxi", country="CN", region="Jiangxi", kind="province")
    w.nottingham = PlaceFactory(name="Nottingham", slug="nottingham", country="GB", region="England")
    w.ningbo = PlaceFactory(name="Ningbo", local_name="宁波", slug="ningbo", country="CN", region="Zhejiang")
    w.krasnodar = PlaceFactory(name="Krasnodar", slug="krasnodar", country="RU", region="Krasnodar Krai")
    w.rescindton = PlaceFactory(name="Rescindton", slug="rescindton", country="GB", region="Wales")
    w.xian = PlaceFactory(name="Xi'an", local_name="西安", slug="xian", country="CN", region="Shaanxi")
    w.paris = PlaceFactory(name="Paris", slug="paris", country="FR", region="Île-de-France")
    w.rome = PlaceFactory(name="Rome", slug="rome", country="IT", region="Lazio")

    w.newcastle_taiyuan = make_pairing(place_a=w.newcastle, place_b=w.taiyuan, established="1985")
    w.newcastle_sever = record(w.newcastle_taiyuan, EventType.DECISION_SEVER, "2022-11-02", unanimous=True,
                               body="full_council", mover="Cllr Wendy Taylor", mover_party="Liberal Democrats")
    w.bath_jiangxi = make_pairing(place_a=w.bath, place_b=w.jiangxi, relationship=Relationship.FRIENDSHIP, established="2009-10")
    record(w.bath_jiangxi, EventType.DECISION_SEVER, "2022-11", body="full_council", votes_for=40, votes_against=10)
    w.nottingham_ningbo = make_pairing(place_a=w.nottingham, place_b=w.ningbo, relationship=Relationship.TWIN_TOWN, established="2005")
    record(w.nottingham_ningbo, EventType.REVIEW_OPENED, "2022-06")
    record(w.nottingham_ningbo, EventType.DECISION_RETAIN, "2023-03", body="cabinet")
    w.nottingham_krasnodar = make_pairing(place_a=w.nottingham, place_b=w.krasnodar, relationship=Relationship.TWIN_TOWN, established="1990")
    record(w.nottingham_krasnodar, EventType.DECISION_SEVER, "2022-03", body="leader")
    # severed in 2021, and the decision rescinded in 2022: active again
    w.rescindton_xian = make_pairing(place_a=w.rescindton, place_b=w.xian, established="2004")
    w.rescindton_sever = record(w.rescindton_xian, EventType.DECISION_SEVER, "2021-05-20", body="full_council", votes_for=20, votes_against=19)
    record(w.rescindton_xian, EventType.DECISION_RESCINDED, "2022-02-14", rescinds=w.rescindton_sever, body="full_council")
    w.paris_rome = make_pairing(place_a=w.paris, place_b=w.rome, relationship=Relationship.TWIN_TOWN, established="1956-01-30")
    record(w.paris_rome, EventType.VISIT, "2019-05", sourced=False)
    for name in ("newcastle_taiyuan", "bath_jiangxi", "nottingham_ningbo", "nottingham_krasnodar", "rescindton_xian", "paris_rome"):
        getattr(w, name).refresh_from_db()
    return w
