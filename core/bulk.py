"""Updating many rows in one statement: `UPDATE … FROM unnest(arrays)`, for derived caches written in
bulk. Django's `bulk_update` builds a CASE WHEN per row and field, which costs more in Python than
the update itself costs the database."""

from __future__ import annotations

from django.db import connection


def update_rows(model, objs, fields: list[str], *, batch_size: int = 5000) -> None:
    """Store `fields` of each of `objs` (saved instances of `model`) as they are in memory. No
    signals, no history: for caches derived from other rows, like `bulk_update`."""
    objs = list(objs)
    if not objs:
        return
    pk = model._meta.pk
    columns = [model._meta.get_field(name) for name in fields]
    assignments = ", ".join(f'"{f.column}" = v."{f.column}"' for f in columns)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in [pk, *columns])
    names = ", ".join(f'"{f.column}"' for f in [pk, *columns])
    sql = (
        f'UPDATE "{model._meta.db_table}" AS t SET {assignments} '
        f'FROM unnest({arrays}) AS v({names}) WHERE t."{pk.column}" = v."{pk.column}"'
    )
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            chunk = objs[start : start + batch_size]
            params = [
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in chunk] for f in [pk, *columns]
            ]
            cursor.execute(sql, params)
