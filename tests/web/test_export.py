"""`manage.py export_dataset DIR`: dated CSVs with the API's columns and a datapackage.json."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.twinning.factories import make_pairing
from twinning.api.serializers import PAIRING_CSV_COLUMNS


def test_export_writes_dated_csvs_and_a_description(world, tmp_path, django_assert_max_num_queries):
    call_command("export_dataset", str(tmp_path), "--chunk", "2")  # tiny chunks: several batches per file
    day = timezone.now().date().isoformat()
    package = json.loads((tmp_path / "datapackage.json").read_text())
    names = [r["name"] for r in package["resources"]]
    assert names == ["places", "pairings", "events", "agreements", "sources", "campaigns", "organisations", "petitions"]
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and package["generated_at"].startswith(day)
    pairings = next(r for r in package["resources"] if r["name"] == "pairings")
    assert pairings["path"] == f"pairings-{day}.csv" and pairings["rows"] == 6
    assert [f["name"] for f in pairings["schema"]["fields"]] == list(PAIRING_CSV_COLUMNS)
    with (tmp_path / pairings["path"]).open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6 and len({r["id"] for r in rows}) == 6
    newcastle = next(r for r in rows if r["slug"] == "newcastle-upon-tyne-taiyuan")
    assert (newcastle["status"], newcastle["ended"], newcastle["latest_event_type"]) == ("severed", "2 November 2022", "decision_sever")
    events = next(r for r in package["resources"] if r["name"] == "events")
    assert events["rows"] == 14
    assert (tmp_path / f"datapackage-{day}.json").exists()
    assert not list(tmp_path.glob("*.part"))


def test_export_reads_in_chunks_with_a_constant_number_of_queries_per_chunk(db, tmp_path, django_assert_max_num_queries):
    from config.api_router import router
    from twinning.models import Pairing
    from web.management.commands.export_dataset import export_resource

    for _ in range(9):
        make_pairing()
    total = Pairing.objects.count()
    chunks = -(-total // 3)
    viewset = dict((p, v) for p, v, _b in router.registry)["pairings"]
    # in chunks of 3: 4 queries (rows, status events, events, their citations) per chunk, plus an empty last read
    with django_assert_max_num_queries(4 * chunks + 1):
        assert export_resource(viewset, tmp_path / "pairings.csv", chunk=3) == total


def test_export_covers_every_api_resource_with_csv_columns_in_the_api_order():
    from config.api_router import router
    from web.management.commands.export_dataset import _resources

    routed = [(prefix, viewset) for prefix, viewset, _basename in router.registry if getattr(viewset, "csv_columns", None)]
    assert list(_resources()) == routed


def test_a_failed_export_leaves_the_published_set_untouched_and_no_temporary_files(world, tmp_path, monkeypatch):
    """Issue 12 item 14: the set is written in a temporary directory and published only when complete."""
    from web.management.commands import export_dataset

    call_command("export_dataset", str(tmp_path), stdout=io.StringIO())
    published = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = export_dataset.export_resource
    calls = []

    def fail_on_the_third(viewset, path, **kwargs):
        calls.append(viewset)
        if len(calls) == 3:
            raise OSError("disk full")
        return real(viewset, path, **kwargs)

    monkeypatch.setattr(export_dataset, "export_resource", fail_on_the_third)
    with pytest.raises(OSError, match="disk full"):
        call_command("export_dataset", str(tmp_path), stdout=io.StringIO())
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == published
    assert not list(tmp_path.rglob("*.part")) and not list(tmp_path.glob(".export-*"))
