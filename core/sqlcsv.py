"""CSV cells written by PostgreSQL: SQL expressions giving, character for character, what
`core.api.renderers.csv_cell` and Python's `csv.writer` (QUOTE_MINIMAL, `\\r\\n` line ends) write for
the same values, and what `core.partialdates.PartialDate.display` says in a language. For exports so
large that building each row's cells in Python costs more than the query (the database then sends
finished lines).

Each builder takes SQL expressions (column references: an expression is repeated inside the
CASEs it builds) and returns an SQL expression; `Unsupported` is raised for what it cannot write
exactly (the caller then writes the cells in Python). Text is inlined as SQL literals, `%` doubled
for the driver's parameter syntax."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.translation import pgettext

from core.api.renderers import FORMULA_START

# The session settings the builders rely on, to be set for the transaction that runs their query
# (`session_sql`): floats in their shortest exact form (PostgreSQL's default) and dates as ISO text.
SESSION = {"extra_float_digits": "1", "datestyle": "ISO, YMD"}


def session_sql() -> str:
    """A query setting SESSION for the current transaction only."""
    return "SELECT " + ", ".join(f"set_config('{name}', '{value}', true)" for name, value in SESSION.items())


class Unsupported(Exception):
    """This cannot be written in SQL exactly as Python writes it."""


def literal(text: str) -> str:
    """`text` as an SQL string literal, for a query run with driver parameters (`%` doubled)."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


# The formula characters as code points: `ascii(x) IN (…)` compares integers (ascii('') is 0, NULL
# stays NULL), cheaper than comparing `left(x, 1)` with each as text.
_FORMULA_CODES = ", ".join(str(ord(c)) for c in FORMULA_START)


def _needs_quotes(expr: str) -> str:
    """Whether csv.writer quotes `expr`: four `strpos`, cheaper than one regular expression."""
    return f"strpos({expr}, ',') > 0 OR strpos({expr}, '\"') > 0 OR strpos({expr}, chr(10)) > 0 OR strpos({expr}, chr(13)) > 0"


def neutral(expr: str) -> str:
    """A text cell made formula-safe as `csv_cell` does: a leading apostrophe before =, +, -, @, tab, CR."""
    return f"(CASE WHEN ascii({expr}) IN ({_FORMULA_CODES}) THEN '''' || {expr} ELSE {expr} END)"


def quoted(expr: str) -> str:
    """A cell as csv.writer writes it: in double quotes (doubled inside) when it holds a comma, a
    double quote, CR or LF; NULL as nothing."""
    return (
        f"COALESCE(CASE WHEN {_needs_quotes(expr)} THEN '\"' || replace({expr}, '\"', '\"\"') || '\"' "
        f"ELSE {expr} END, '')"
    )


def text_cell(expr: str) -> str:
    """`quoted(neutral(expr))`, tested first on `expr` itself: most cells need neither, and then `expr`
    is evaluated six times instead of up to eighteen (PostgreSQL evaluates each naming of it)."""
    return (
        f"(CASE WHEN ascii({expr}) IN ({_FORMULA_CODES}) OR {_needs_quotes(expr)} "
        f"THEN {quoted(neutral(expr))} ELSE COALESCE({expr}, '') END)"
    )


def affixed_cell(prefix: str, expr: str, suffix: str) -> str:
    """`text_cell` of `prefix || expr || suffix` (literal affixes, e.g. a URL around a slug): when the
    prefix settles the neutralising (not empty, no formula character first) and neither affix needs
    quotes, only `expr` is tested, and the whole built once in the common case."""
    whole = f"({literal(prefix)} || {expr} || {literal(suffix)})"
    if not prefix or prefix.startswith(FORMULA_START) or any(c in prefix + suffix for c in ',"\r\n'):
        return text_cell(whole)
    return f"(CASE WHEN {_needs_quotes(expr)} THEN {quoted(whole)} ELSE COALESCE({whole}, '') END)"


def neutral_once(expr: str) -> str:
    """`neutral` naming `expr` once (a regular expression): for a costly expression, which `neutral`
    would evaluate three times."""
    return f"regexp_replace({expr}, E'^([=+@\\t\\r-])', '''\\1')"


def quoted_once(expr: str) -> str:
    """`quoted` naming `expr` once (a regular expression), for a costly expression."""
    return f"COALESCE(regexp_replace(replace({expr}, '\"', '\"\"'), E'^(.*[,\"\\r\\n].*)$', '\"\\1\"'), '')"


def number(expr: str) -> str:
    """An integer as text (NULL stays NULL)."""
    return f"({expr})::text"


def float_repr(expr: str) -> str:
    """A double precision as Python's repr writes it: PostgreSQL's shortest exact digits (the
    session's extra_float_digits must be 1, its default: SESSION), with `.0` after a whole number (below
    1e15, where both write whole numbers in full: coordinates, not astronomy)."""
    return f"(CASE WHEN {expr} = trunc({expr}) AND abs({expr}) < 1e15 THEN ({expr})::text || '.0' ELSE ({expr})::text END)"


def boolean(expr: str) -> str:
    """`true` / `false` (NULL stays NULL)."""
    return f"(CASE WHEN {expr} THEN 'true' WHEN NOT {expr} THEN 'false' END)"


def utc_timestamp(expr: str) -> str:
    """A timestamptz as `datetime.isoformat()` in UTC with `Z` (microseconds only when not zero): one
    `to_char` (the costly part) always writing them, and `.000000` then taken out (it can only be there)."""
    return f"replace(to_char({expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '.000000Z', 'Z')"


def iso_date(expr: str) -> str:
    """A date as `date.isoformat()`: its text in the ISO DateStyle (SESSION), several times cheaper than
    `to_char`; four-digit years, as there."""
    return f"({expr})::text"


# Django's date format characters (django.utils.dateformat), and the ones written here.
_FORMAT_CHARS = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_ESCAPED = re.compile(r"\\(.)")


# PostgreSQL's own (English) month names, which `to_char`'s FMMonth writes whatever the locale.
_ENGLISH_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
]
_TO_CHAR = {"Y": "YYYY", "n": "FMMM", "j": "FMDD", "m": "MM", "d": "DD"}


def _format_sql(expr: str, django_format: str, months: list[str]) -> str:
    """`django.utils.formats.date_format(date, django_format)` for the characters a partial date uses,
    as few `to_char` calls as possible (one for "j F Y" in English, "Y年n月j日" in Chinese): the pieces
    and the text between them go into one pattern, month names only when they are PostgreSQL's own."""
    parts, pattern = [], []

    def flush():
        if pattern:
            parts.append(f"to_char({expr}, {literal(''.join(pattern))})")
            pattern.clear()

    for i, piece in enumerate(_FORMAT_CHARS.split(django_format)):
        if i % 2:
            if piece in _TO_CHAR:
                pattern.append(_TO_CHAR[piece])
            elif piece == "F" and list(months) == _ENGLISH_MONTHS:
                pattern.append("FMMonth")
            elif piece == "F":
                flush()
                names = ", ".join(literal(m) for m in months)
                parts.append(f"(ARRAY[{names}])[date_part('month', {expr})::int]")
            else:
                raise Unsupported(f"date format character {piece!r}")
        elif piece:
            # Text between the pieces, double-quoted in the pattern (a quote or backslash escaped).
            text = _ESCAPED.sub(r"\1", piece)
            pattern.append('"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
    flush()
    return "(" + " || ".join(parts or ["''"]) + ")"


def _display_parts(language: str) -> tuple[dict, str, list[str]]:
    with translation.override(language):
        formats = {
            "year": pgettext("partial date, year precision", "Y"),
            "month": pgettext("partial date, month precision", "F Y"),
            "day": pgettext("partial date, day precision", "j F Y"),
        }
        circa_text = pgettext("circa date", "c. %(date)s")
        months = [str(MONTHS[m]) for m in range(1, 13)]
    return formats, circa_text, months


def partial_date_display_safety(language: str) -> tuple[bool, bool]:
    """Whether `partial_date_display` in `language` can (1) start with a character `neutral` changes and
    (2) hold one `quoted` quotes: read from the formats' text and month names, so that cells of dates
    are only checked when they can need it (English and Chinese dates never do)."""
    formats, circa_text, months = _display_parts(language)
    firsts, texts = set(), [circa_text.replace("%(date)s", ""), *months]
    for django_format in formats.values():
        pieces = _FORMAT_CHARS.split(django_format)
        texts += [p for i, p in enumerate(pieces) if i % 2 == 0]
        first = next((p for p in pieces if p), "")
        if first in ("Y", "n", "j", "m", "d"):
            firsts.add("0")
        elif first == "F":
            firsts.update(m[:1] for m in months)
        else:
            firsts.add(_ESCAPED.sub(r"\1", first)[:1])
    if circa_text.split("%(date)s")[0]:  # a circa date starts with its prefix
        firsts.add(circa_text[:1])
    may_neutral = any(f in FORMULA_START for f in firsts)
    may_quote = any(c in text for text in texts for c in ',"\r\n')
    return may_neutral, may_quote


def partial_date_display(date: str, precision: str, circa: str, language: str) -> str:
    """`PartialDate(date, precision, circa).display(language)` (a precision other than year and
    month reads as day, as it does there). NULL when the date is NULL."""
    formats, circa_text, months = _display_parts(language)
    if circa_text.count("%(date)s") != 1 or "%" in circa_text.replace("%(date)s", ""):
        raise Unsupported("circa text")
    before, after = circa_text.split("%(date)s")
    text = (
        f"(CASE {precision} WHEN 'year' THEN {_format_sql(date, formats['year'], months)} "
        f"WHEN 'month' THEN {_format_sql(date, formats['month'], months)} "
        f"ELSE {_format_sql(date, formats['day'], months)} END)"
    )
    return f"(CASE WHEN {date} IS NULL THEN NULL WHEN {circa} THEN {literal(before)} || {text} || {literal(after)} ELSE {text} END)"


def csv_line(cells: list[str]) -> str:
    """One CSV line (`\\r\\n` ended) of cells already written with `quoted` (never NULL)."""
    return f"concat_ws(',', {', '.join(cells)}) || chr(13) || chr(10)"


def date_format(expr: str, django_format: str, language: str) -> str:
    """`django.utils.formats.date_format(date, django_format)` in `language`, for the format characters
    partial dates use (Y, n, j, m, d, F); NULL when the date is NULL."""
    _formats, _circa, months = _display_parts(language)
    return _format_sql(expr, django_format, months)
