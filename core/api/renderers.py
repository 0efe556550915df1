"""JSON (DRF's output, written by orjson), CSV (fixed columns, formula-safe) and GeoJSON renderers, and
the `format` parameter."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from decimal import Decimal

import orjson
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
)
from rest_framework import renderers
from rest_framework.utils import encoders

# --- Renderers ------------------------------------------------------------------------------------

# OWASP "CSV Injection": a spreadsheet runs a cell starting with one of these as a formula (a
# leading "-" too: "-2+3+cmd|' /C calc'!A0"). Such text cells get a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """One CSV cell, formula-safe. Numbers stay numbers (a negative longitude is written -3.5, as
    the number it is): only text can carry a formula, and every text cell is checked, whatever it
    looks like."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(csv_cell(v) for v in value)
    text = str(value)
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def csv_rows(columns: dict[str, Callable], records) -> io.StringIO:
    """Flat CSV of serialized records with fixed `columns` (header -> function of the record)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(columns))
    for record in records:
        writer.writerow([csv_cell(fn(record)) for fn in columns.values()])
    return out


def stream_csv(columns: dict[str, Callable], records, *, flush_every: int = 500) -> Iterator[bytes]:
    """`csv_rows` as a stream of UTF-8 chunks (byte-order mark first), for a StreamingHttpResponse:
    memory stays that of `flush_every` rows however many `records` yields."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(columns))
    yield ("\ufeff" + out.getvalue()).encode()
    functions = list(columns.values())
    pending = 0
    out.seek(0)
    out.truncate()
    for record in records:
        writer.writerow([csv_cell(fn(record)) for fn in functions])
        pending += 1
        if pending >= flush_every:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
            pending = 0
    if pending:
        yield out.getvalue().encode()


def stream_csv_cells(header, rows, *, flush_every: int = 500) -> Iterator[bytes]:
    """`stream_csv` for rows already made cells (each what `csv_cell` gives, or a number or None, which
    csv.writer writes as `csv_cell` does)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(header))
    yield ("\ufeff" + out.getvalue()).encode()
    out.seek(0)
    out.truncate()
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= flush_every:
            writer.writerows(batch)
            batch.clear()
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    if batch:
        writer.writerows(batch)
        yield out.getvalue().encode()


def stream_csv_lines(header, chunks) -> Iterator[bytes]:
    """`stream_csv_cells`' header (byte-order mark first), then `chunks`: CSV lines already written
    (e.g. by the database: core.sqlcsv), as UTF-8 bytes."""
    yield from stream_csv_cells(header, ())
    yield from chunks


def stream_geojson(feature: Callable, records, *, flush_every: int = 500) -> Iterator[bytes]:
    """A FeatureCollection of `feature(record)` for each record, as a stream of UTF-8 chunks."""
    yield b'{"type": "FeatureCollection", "features": ['
    parts, first = [], True
    for record in records:
        text = json.dumps(feature(record), ensure_ascii=False, default=str)
        parts.append(text if first else ", " + text)
        first = False
        if len(parts) >= flush_every:
            yield "".join(parts).encode()
            parts = []
    parts.append("]}")
    yield "".join(parts).encode()


class WrittenCSV:
    """A list's rows as CSV lines already written (e.g. by the database: core.sqlcsv), each ending in
    CRLF, for CSVRenderer to send after the header: in the place of a page's records."""

    def __init__(self, lines: str):
        self.lines = lines


class CSVRenderer(renderers.BaseRenderer):
    """Lists as CSV with the view's fixed `csv_columns`; UTF-8 with a byte-order mark so that
    spreadsheets read non-Latin names correctly. Errors are rendered as `parameter,message` rows."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        if response is not None and response.status_code >= 400 or not hasattr(view, "csv_columns"):
            return ("\ufeff" + csv_rows({"parameter": lambda r: r[0], "message": lambda r: r[1]}, _error_rows(data)).getvalue()).encode()
        if isinstance(data, dict) and "results" in data:
            records = data["results"]
        elif isinstance(data, list):
            records = data
        else:
            records = [data]
        if isinstance(records, WrittenCSV):
            return ("\ufeff" + csv_rows(view.csv_columns, ()).getvalue() + records.lines).encode()
        return ("\ufeff" + csv_rows(view.csv_columns, records).getvalue()).encode()


def _error_rows(data):
    if isinstance(data, dict):
        for key, value in data.items():
            for message in value if isinstance(value, list) else [value]:
                yield key, message
    elif data is not None:
        yield "detail", data


class GeoJSONRenderer(renderers.BaseRenderer):
    """A FeatureCollection; the view's `geojson_feature(record)` builds each feature."""

    media_type = "application/geo+json"
    format = "geojson"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        if response is not None and response.status_code >= 400:
            return json.dumps(data, ensure_ascii=False).encode()
        if isinstance(data, dict) and "results" in data:
            body = {"type": "FeatureCollection", "features": [view.geojson_feature(r) for r in data["results"]]}
            for key in ("count", "next", "previous"):
                if key in data:
                    body[key] = data[key]
        else:
            body = view.geojson_feature(data)
        return json.dumps(body, ensure_ascii=False, default=str).encode()


LINE_SEPARATOR, PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


class JSONRenderer(renderers.JSONRenderer):
    """DRF's JSONRenderer written by orjson (from PyPI): encoding a 1,000-row crawl page with the
    standard library took longer than building its rows. The same bytes (a float under 1e-4 is
    written 0.00001 rather than 1e-05: the same number). Indented output (`; indent=`, the browsable
    API) and anything orjson refuses go through DRF's own path; what orjson does not write as DRF does
    (datetimes, decimals, lazy text…) goes through DRF's encoder. JSON already written (a
    `RawJSON`, e.g. rows the database wrote: core.sqljson) is embedded as it is."""

    _options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or self.ensure_ascii or not self.compact:
            return super().render(_expanded(data), accepted_media_type, renderer_context)
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(_expanded(data), accepted_media_type, renderer_context)
        try:
            text = orjson.dumps(data, default=_default, option=self._options)
        except (orjson.JSONEncodeError, ValueError):
            return super().render(_expanded(data), accepted_media_type, renderer_context)
        # As DRF: U+2028 and U+2029 escaped, so the output is also valid JavaScript.
        return text.replace(LINE_SEPARATOR, b"\\u2028").replace(PARAGRAPH_SEPARATOR, b"\\u2029")


class RawJSON:
    """JSON text already written (e.g. a row the database wrote: core.sqljson), which JSONRenderer
    embeds as it is."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


_drf_default = encoders.JSONEncoder().default


def _default(value):
    if isinstance(value, RawJSON):
        return orjson.Fragment(value.text)
    return _drf_default(value)


def _expanded(data):
    """`data` with its RawJSON read back into values, for DRF's own encoder (indented output)."""
    if isinstance(data, RawJSON):
        return orjson.loads(data.text)
    if isinstance(data, dict):
        return {k: _expanded(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_expanded(v) for v in data]
    return data


LIST_RENDERERS = [JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["json", "csv"],
    description="Response format; `csv` (same as `Accept: text/csv`) gives fixed, flat, documented columns.",
)


