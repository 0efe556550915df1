"""python manage.py import_twinnings FILE.csv|FILE.xlsx [--dry-run] [--answer KEY=CHOICE ...]: the
spreadsheet import from the shell. Likely duplicates are answered with --answer, as in the admin."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from twinning.imports.spreadsheet import import_twinnings


class Command(BaseCommand):
    help = (
        "Import twinnings from a CSV or .xlsx spreadsheet (the format in the README). All or nothing: if any "
        "row has a problem, every problem is listed by row and column and nothing is written. A likely "
        "duplicate (a similar place, the same places under another relationship, an overlapping event) is "
        "listed with its candidates and must be answered with --answer KEY=CHOICE."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, UTF-16 or Windows-1252) or .xlsx workbook")
        parser.add_argument(
            "--answer", action="append", default=[], metavar="KEY=CHOICE",
            help="answer a flagged likely duplicate: its key, then a candidate's id or 'new' (repeatable)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and preview every row; write nothing")
        parser.add_argument("--reason", default="", help="the change reason recorded in the history")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file: Path, dry_run: bool, reason: str, no_progress: bool, verbosity: int, answer, **options):
        answers = {}
        for item in answer:
            key, sep, choice = item.rpartition("=")
            if not sep or not key or not choice:
                raise CommandError(f"--answer {item}: write KEY=CHOICE, e.g. --answer 2:relationship=new")
            answers[key] = choice
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror or exc}") from None

        def progress(rows, total):
            return tqdm(rows, total=total, unit="row", desc="Importing", file=self.stderr._out,
                        disable=no_progress or None, leave=False)

        report = import_twinnings(
            data, dry_run=dry_run, reason=reason or f"Imported from {file.name}", progress=progress, resolutions=answers
        )
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        if verbosity >= 2 or (dry_run and verbosity >= 1):
            for row in report.rows:
                if row.action == "error":
                    continue
                what = "; ".join(row.created + row.changed + row.notes) or "nothing to do"
                status = f" [{row.status_change}]" if row.status_change else ""
                self.stdout.write(f"row {row.number}: {row.action:<9} {row.pairing}{status}: {what}")
        for flag in report.unresolved:  # with its candidates and how to answer
            self.stderr.write(str(flag))
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(report.problems)} problem(s) in {file.name}; nothing was written. Fix the rows above and run again."
            )
        counts = report.counts()
        summary = (
            f"{len(report.rows)} rows: {counts['create']} create, {counts['change']} change, "
            f"{counts['unchanged']} unchanged."
        )
        if dry_run:
            self.stdout.write(f"Dry run, nothing written. {summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {file.name}. {summary}"))
