"""`python manage.py dump_register FILE [--with-history]`: the whole curated register as one JSON file.

Every row of every curated model (`campaigns.register.REGISTER_MODELS`), ids kept, many-to-many links
and citations included; `--with-history` adds the django-simple-history tables. Restore it into an
empty register with `import_dataset FILE`. `-` writes to standard output.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from campaigns.register import REGISTER_MODELS
from core.dump import dump_document, dump_write, history_models


class Command(BaseCommand):
    help = "Write the whole curated register (ids kept) to one JSON file, for import_dataset."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the dump ('-' for standard output)")
        parser.add_argument("--with-history", action="store_true", help="include the change history tables")

    def handle(self, *args, file, with_history, **options):
        model_list = list(REGISTER_MODELS)
        if with_history:
            model_list += history_models(REGISTER_MODELS)
        # One consistent view of every table (unless already inside someone else's transaction).
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            document = dump_document(
                model_list, meta={"generated_at": timezone.now().isoformat(), "with_history": with_history}
            )
        try:
            if file == "-":
                dump_write(document, sys.stdout)
            else:
                with open(file, "w", encoding="utf-8") as stream:
                    dump_write(document, stream)
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}") from None
        if file != "-":
            total = sum(document["counts"].values())
            self.stdout.write(f"Wrote {total} rows of {len(model_list)} tables to {file}.")
