"""Rows read with `.values()` that code written for model instances can read as it reads instances
(`row.place_a.name`, `row.pk`), without building model instances: for lists whose every row is
turned into JSON or CSV at once, where creating instances (and prefetching their relations through
related managers) costs more than the queries."""

from __future__ import annotations

import functools

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import BaseIterable, ValuesIterable, ValuesListIterable


class Record:
    """One row: its values as attributes (a related row's fields, `place_a__name`, as `place_a.name`).
    Attributes can be added (what a page attaches to its rows)."""

    def __init__(self, values: dict):
        self.__dict__ = values

    def __repr__(self) -> str:
        return f"Record({self.__dict__!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Record) and self.__dict__ == other.__dict__

    __hash__ = None


def nest(values: dict) -> Record:
    """A Record of a `.values()` dict, `a__b` keys nested as `a.b`."""
    return _nester(tuple(values))(values)


@functools.cache
def _nester(keys: tuple[str, ...]):
    """A function making a Record of a dict with these keys: the keys are split once per set of keys,
    not once per row."""
    flat = [k for k in keys if "__" not in k]
    groups: dict[str, list[tuple[str, str]]] = {}
    for key in keys:
        if "__" in key:
            head, rest = key.split("__", 1)
            groups.setdefault(head, []).append((rest, key))
    if not groups:  # a flat row: the dict itself
        return Record
    inner = {head: _nester(tuple(rest for rest, _key in pairs)) for head, pairs in groups.items()}

    def make(values: dict) -> Record:
        out = {k: values[k] for k in flat}
        for head, pairs in groups.items():
            out[head] = inner[head]({rest: values[key] for rest, key in pairs})
        return Record(out)

    return make


class RecordIterable(BaseIterable):
    """Evaluates the queryset as `.values(*fields)` (`fields` set by `records`), yielding Records.
    The values are only selected when the rows are read: a count or an ids subquery taken from the
    queryset stays on the bare table, without the joins the fields need."""

    fields: tuple[str, ...] = ()

    def __iter__(self):
        fields = self.fields
        if fields and not any("__" in field for field in fields):
            # Flat rows (e.g. a page's ids): tuples zipped with the names, no nesting to work out per row.
            values = self.queryset.values_list(*fields).using(self.queryset.db)
            for row in ValuesListIterable(values, self.chunked_fetch, self.chunk_size):
                yield Record(dict(zip(fields, row)))
            return
        values = self.queryset.values(*fields)
        values = values.using(self.queryset.db)
        for row in ValuesIterable(values, self.chunked_fetch, self.chunk_size):
            yield nest(row)


def records(queryset: QuerySet, *fields: str) -> QuerySet:
    """`queryset` yielding Records of `fields` (as `.values(*fields)` would select them) instead of
    model instances; it can still be filtered, sliced, counted and paged."""
    qs = queryset.all()
    qs._iterable_class = type("RecordIterable", (RecordIterable,), {"fields": fields})
    return qs


def record_fields(queryset) -> tuple[str, ...] | None:
    """The fields a queryset of `records` yields (None for any other queryset)."""
    iterable = getattr(queryset, "_iterable_class", None)
    return iterable.fields if isinstance(iterable, type) and issubclass(iterable, RecordIterable) else None


def int_array(ids) -> str:
    """The text of a PostgreSQL array of these integers (`{1,2,3}`), for a parameter cast to `bigint[]`:
    psycopg adapts a Python list item by item in Python (~0.5 ms for 500 ids; a CSV page sends its
    ids twice). Each id goes through int(), so nothing but integers reaches the text."""
    return "{" + ",".join(map(str, map(int, ids))) + "}"


def id_array(ids) -> RawSQL:
    """The right side of `field__in=` for many ids, sent as one array parameter (`int_array`): `IN (%s,
    %s, …)` with a parameter per id costs more to build and plan than to run, at a thousand ids."""
    return RawSQL("SELECT unnest(%s::bigint[])", [int_array(ids)])
