"""`python manage.py import_dataset FILE`: restore a `dump_register` file into an EMPTY register.

Refuses when any curated table has rows. In one transaction: every row written as dumped (ids kept),
every pairing's status re-derived by the project's own bulk refresh, the id sequences reset. A bad
or truncated file is an error naming what and where, and nothing is written.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from campaigns.register import REGISTER_MODELS
from core.dump import DumpError, document_read, document_restore, history_models, tables_with_rows
from twinning.models import Pairing
from twinning.services import pairings_status_refresh_bulk

DERIVED = ["status", "status_since", "status_since_precision", "status_since_circa", "status_event_id"]


class Command(BaseCommand):
    help = "Restore a dump_register file into an empty register (one transaction), then re-derive statuses."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a file written by dump_register")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as stream:
                text = stream.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from None
        try:
            document = document_read(text, name=file)
        except DumpError as exc:
            raise CommandError(str(exc)) from None
        model_list = list(REGISTER_MODELS)
        if document.get("with_history"):
            model_list += history_models(REGISTER_MODELS)
        try:
            with transaction.atomic():
                busy = tables_with_rows(model_list)
                if busy:
                    listed = ", ".join(f"{label} ({n})" for label, n in sorted(busy.items()))
                    raise CommandError(
                        f"The register is not empty, so {file} was not imported: {listed}. "
                        "Restore into a freshly migrated database."
                    )
                written = document_restore(document, allowed_models=model_list, name=file)
                changed = self._refresh_statuses()
        except DumpError as exc:
            raise CommandError(str(exc)) from None
        total = sum(n for label, n in written.items() if "." in label)
        self.stdout.write(f"Imported {total} rows from {file}.")
        if written.get("cleared user references"):
            self.stdout.write(
                f"{written['cleared user references']} references to users who do not exist here were cleared."
            )
        if changed:
            self.stdout.write(self.style.WARNING(f"{changed} pairings' statuses differ from the dump (re-derived)."))

    @staticmethod
    def _refresh_statuses() -> int:
        """Re-derive every status with the bulk refresh; a pairing whose status comes out as dumped keeps
        its dumped `updated_at` (nothing about it changed)."""
        before = {row["pk"]: row for row in Pairing.objects.values("pk", "updated_at", *DERIVED)}
        pairings_status_refresh_bulk(pairing_ids=list(before))
        unchanged = []
        for row in Pairing.objects.values("pk", *DERIVED):
            old = before[row["pk"]]
            if all(old[name] == row[name] for name in DERIVED):
                unchanged.append(Pairing(pk=row["pk"], updated_at=old["updated_at"]))
        Pairing.objects.bulk_update(unchanged, ["updated_at"], batch_size=1000)
        return len(before) - len(unchanged)
