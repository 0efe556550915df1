"""python manage.py import_wikidata FILE.csv --snapshot YYYY-MM-DD: load a Wikidata P190 extract."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from twinning.imports.wikidata import WikidataImportError, import_wikidata


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--snapshot “{text}” is not a date: use YYYY-MM-DD (the day the data was retrieved)") from None


class Command(BaseCommand):
    help = (
        "Import twinning statements (P190) from a Wikidata Query Service CSV (see docs/wikidata.md) as evidence "
        "of one snapshot. All or nothing; re-importing the same file changes nothing; the report is kept for the admin."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file as downloaded from the Wikidata Query Service")
        parser.add_argument("--snapshot", required=True, help="the date the data was retrieved, YYYY-MM-DD")
        parser.add_argument("--reason", default="", help="the reason recorded with the import")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file: Path, snapshot: str, reason: str, no_progress: bool, **options):
        date = _date(snapshot)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None

        def progress(rows, total, desc):
            return tqdm(rows, total=total, unit="row", desc=desc, file=self.stderr._out, disable=no_progress or None,
                        leave=False)

        try:
            report = import_wikidata(data, snapshot=date, file_name=file.name, reason=reason, progress=progress)
        except WikidataImportError as exc:
            raise CommandError(f"{file.name}: {exc}. Nothing was written.") from None
        self.stdout.write(report.text)
        self.stdout.write(self.style.SUCCESS(f"Imported {file.name} as the Wikidata snapshot of {date:%Y-%m-%d}."))
