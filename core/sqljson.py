"""JSON written by PostgreSQL: SQL expressions giving, byte for byte, what `core.api.renderers.JSONRenderer`
(orjson, compact) writes for the same values. For API pages so large (a 1,000-row crawl page) that building
each row's dict in Python costs more than the query: the database then sends each row's finished JSON,
which the renderer embeds as it is (`orjson.Fragment`).

Each builder takes SQL expressions (column references; an expression may be repeated inside the CASEs a
builder writes) and returns an SQL expression of type text that is never NULL (`null` is written). Text is
inlined as SQL literals (`core.sqlcsv.literal`, `%` doubled for the driver's parameter syntax).
`core.sqlcsv.Unsupported` is raised for what cannot be written exactly (the caller then builds the rows in
Python). U+2028 and U+2029 are left as they are: the renderer escapes them in the whole answer, as DRF does."""

from __future__ import annotations

import orjson

from core import sqlcsv
from core.sqlcsv import Unsupported

__all__ = ["Unsupported", "boolean", "choice", "constant", "decimal", "integer", "obj", "partial_date", "string", "timestamp"]


def constant(value) -> str:
    """A Python value (text, number, bool, None), as orjson writes it, as an SQL literal."""
    return sqlcsv.literal(orjson.dumps(value).decode())


def string(expr: str) -> str:
    """A text value as a JSON string (PostgreSQL escapes `"`, `\\` and control characters as orjson
    does: `\\n`, `\\u001f`), NULL as `null`."""
    return f"COALESCE(to_json({expr})::text, 'null')"


def integer(expr: str) -> str:
    return f"COALESCE(({expr})::text, 'null')"


def boolean(expr: str) -> str:
    return f"(CASE WHEN {expr} THEN 'true' WHEN NOT {expr} THEN 'false' ELSE 'null' END)"


def decimal(expr: str) -> str:
    """A `numeric` column with a few decimal places as the float Python makes of it, written by orjson:
    its digits without trailing zeros, `.0` after a whole number (`38.0`, `-7.39385`, `0.00001`).
    Exact while the number has at most 15 significant digits (a float's shortest form is then the
    decimal itself): coordinates, not money."""
    trimmed = f"trim_scale({expr})"
    return f"(CASE WHEN {expr} IS NULL THEN 'null' WHEN scale({trimmed}) = 0 THEN {trimmed}::text || '.0' ELSE {trimmed}::text END)"


def timestamp(expr: str, time_zone_name: str) -> str:
    """A timestamptz as DRF's DateTimeField writes it in the current time zone (`Z` for UTC)."""
    if time_zone_name != "UTC":
        raise Unsupported("time zone")
    return f"COALESCE('\"' || {sqlcsv.utc_timestamp(expr)} || '\"', 'null')"


def choice(expr: str, labels: dict) -> str:
    """The label of a choice value (`labels`: value -> label); a value without a label as itself."""
    if not labels:
        return string(expr)
    whens = " ".join(f"WHEN {sqlcsv.literal(str(v))} THEN {constant(label)}" for v, label in labels.items())
    return f"(CASE {expr} {whens} ELSE {string(expr)} END)"


def partial_date(date: str, precision: str, circa: str, language: str) -> str:
    """`PartialDate.as_dict(language)`: {"date", "precision", "circa", "display"}; `null` when the date is
    NULL. `precision` is an SQL expression already defaulted as the reader defaults it. The ISO date by
    `to_char`, whatever the session's DateStyle."""
    display = sqlcsv.partial_date_display(date, precision, circa, language)
    return (
        f"(CASE WHEN {date} IS NULL THEN 'null' ELSE "
        f"'{{\"date\":\"' || to_char({date}, 'YYYY-MM-DD') || '\",\"precision\":' || to_json({precision})::text || "
        f"',\"circa\":' || (CASE WHEN {circa} THEN 'true' ELSE 'false' END) || ',\"display\":' || to_json({display})::text || '}}' END)"
    )


def obj(members: list[tuple[str, str]]) -> str:
    """A JSON object of (key, SQL expression of its JSON text) pairs, in that order."""
    if not members:
        return "'{}'"
    parts = []
    for i, (key, expr) in enumerate(members):
        prefix = ("{" if i == 0 else ",") + orjson.dumps(key).decode() + ":"
        parts += [sqlcsv.literal(prefix), expr]
    return "(" + " || ".join(parts) + " || '}')"
