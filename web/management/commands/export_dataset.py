"""Bulk export: one dated CSV per API resource plus a machine-readable description.

    python manage.py export_dataset DIR

Writes DIR/<resource>-YYYY-MM-DD.csv with exactly the columns of the API's CSV for that resource,
and DIR/datapackage.json (Frictionless Data Package style: columns, generated_at, row counts,
licence) describing the latest export; a dated copy datapackage-YYYY-MM-DD.json is kept too.
Rows are read in keyset chunks and written as they come, so memory stays flat at any size. The
whole set is written into a temporary directory next to the files; only when every file is complete
are they renamed into place (same file system, each rename atomic), datapackage.json last, so a reader
following datapackage.json sees the old set or the new one. A failed export removes its temporary
directory and leaves the published files as they were.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.request import Request

from core.api.renderers import csv_cell

DEFAULT_LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def _resources():
    """Every API list that has CSV columns, in the API's order (a test checks this list against the
    API router, so the export and the API can never disagree)."""
    from campaigns.api.views import CampaignViewSet, OrganisationViewSet, PairingWithCampaignsViewSet, PetitionViewSet
    from twinning.api.views import AgreementViewSet, EventViewSet, PlaceViewSet, SourceWithPairingViewSet

    resources = [
        ("places", PlaceViewSet),
        ("pairings", PairingWithCampaignsViewSet),
        ("events", EventViewSet),
        ("agreements", AgreementViewSet),
        ("sources", SourceWithPairingViewSet),
        ("campaigns", CampaignViewSet),
        ("organisations", OrganisationViewSet),
        ("petitions", PetitionViewSet),
    ]
    for prefix, viewset in resources:
        if getattr(viewset, "csv_columns", None):
            yield prefix, viewset


def _list_view(viewset):
    view = viewset()
    view.action = "list"
    view.kwargs = {}
    view.format_kwarg = None
    view.request = Request(RequestFactory().get("/"))
    return view


def export_resource(viewset, path: Path, *, chunk: int = 2000) -> int:
    view = _list_view(viewset)
    queryset = view.list_rows(view.get_queryset().order_by("pk"))
    columns = viewset.csv_columns
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(list(columns))
        last = None
        while True:
            batch = queryset if last is None else queryset.filter(pk__gt=last)
            batch = list(batch[:chunk])
            if not batch:
                break
            last = batch[-1].pk  # before prepare_rows, which may replace the rows (e.g. by event Records)
            view.prepare_rows(batch)
            for record in view.get_serializer(batch, many=True).data:
                writer.writerow([csv_cell(fn(record)) for fn in columns.values()])
            rows += len(batch)
    return rows


def _describe(viewset) -> list[dict]:
    return [{"name": name} for name in viewset.csv_columns]


class Command(BaseCommand):
    help = "Write dated CSV files of every resource and a datapackage.json describing them."

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", default=str(settings.EXPORT_DIR), help="Where to write (default: EXPORT_DIR).")
        parser.add_argument("--chunk", type=int, default=2000, help="Rows read per query (default 2000).")

    def handle(self, *args, directory: str, chunk: int, **options):
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
        try:
            names = self._write(staging, chunk)
            for name in names:  # datapackage.json is last: it publishes the set
                os.replace(staging / name, out / name)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(names) - 2} files and datapackage.json to {out}"))

    def _write(self, out: Path, chunk: int) -> list[str]:
        """Every file of the export into `out`; their names, in the order to publish them."""
        generated_at = timezone.now().replace(microsecond=0)
        day = generated_at.date().isoformat()
        resources = []
        for name, viewset in _resources():
            path = out / f"{name}-{day}.csv"
            count = export_resource(viewset, path, chunk=chunk)
            resources.append(
                {
                    "name": name,
                    "path": path.name,
                    "title": (viewset.__doc__ or name).strip().splitlines()[0],
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8-sig",
                    "rows": count,
                    "bytes": path.stat().st_size,
                    "schema": {"fields": _describe(viewset)},
                }
            )
            self.stdout.write(f"{path.name}: {count} rows")
        package = {
            "profile": "tabular-data-package",
            "name": "twinwatch",
            "title": "Twinwatch: twin-city and sister-city relationships and the decisions about them",
            "generated_at": generated_at.isoformat(),
            "licenses": [getattr(settings, "TWINWATCH_DATA_LICENCE", DEFAULT_LICENCE)],
            "sources": [{"title": "Twinwatch", "path": settings.SITE_URL}],
            "description": "Columns are those of the API's CSV (see /api/docs/). A partial date x has four columns: "
            "x (as written), x_date (first day of its period), x_precision (year, month, day) and x_circa. "
            "Lists within a cell are joined with '; '.",
            "resources": resources,
        }
        text = json.dumps(package, indent=2, ensure_ascii=False)
        (out / f"datapackage-{day}.json").write_text(text, encoding="utf-8")
        (out / "datapackage.json").write_text(text, encoding="utf-8")
        return [r["path"] for r in resources] + [f"datapackage-{day}.json", "datapackage.json"]
