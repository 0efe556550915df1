"""The register's version moves on every write to a register table, however it is written, and every
register table carries the trigger that moves it."""

from django.apps import apps
from django.db import connection

from core.register_version import register_version, watched_tables
from tests.twinning.factories import PlaceFactory
from twinning.models import Place

UNWATCHED = {"twinning_importjob"}  # an import's working state, not the register


def test_every_register_table_moves_the_version(db):
    tables = set()
    for label in ("sources", "twinning", "campaigns"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            tables.add(model._meta.db_table)
    missing = tables - UNWATCHED - watched_tables()
    assert not missing, f"add these tables to a migration calling core.register_version.watch_sql: {sorted(missing)}"


def test_any_write_moves_it(db):
    before = register_version()
    place = PlaceFactory()
    after_create = register_version()
    assert after_create > before
    Place.objects.filter(pk=place.pk).update(name="Renamed")
    after_update = register_version()
    assert after_update > after_create
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM twinning_place WHERE id = %s", [place.pk])
    assert register_version() > after_update


def test_reading_does_not_move_it(db):
    PlaceFactory()
    before = register_version()
    list(Place.objects.all())
    assert register_version() == before
