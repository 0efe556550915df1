"""Import twinnings from a campaigner's spreadsheet (CSV), all or nothing.

Two passes. `validate` reads every row without touching the database and reports each problem by
row number (as a spreadsheet shows it: the header is row 1) and column. `import_twinnings` then
plans every row in memory against the register, loaded in a few queries (`twinning.imports.bulk`),
reporting every failing row; only if none fails, no near-duplicate is left unanswered and it is not a
dry run, the plan is written in one transaction through `services.import_records_create` (history
records who and why; statuses are re-derived in bulk). A dry run runs the same plan, so it previews
exactly what a real import would do.

Re-importing the same file changes nothing: places are matched by Wikidata QID, else by name (or
local name) and country; pairings by the unordered pair and relationship; events by pairing, type
and date; agreements by pairing, kind and signing date; sources by URL.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction

from core.partialdates import PartialDate
from core.slugs import advisory_lock
from core.text import has_nul, is_ascii_digits
from core.validators import validate_url_characters
from twinning import services
from twinning.constants import IMPLIED_STATUS, EventType
from twinning.countries import country_code
from twinning.imports.bulk import Planner, RowError
from twinning.imports.dates import parse_sheet_date
from twinning.imports.files import XLS_MAGIC, XLSX_MAGIC, FileError, decode_text, read_xlsx
from twinning.imports.results import (  # noqa: F401 (the import's public names)
    NEW,
    Candidate,
    Flag,
    Match,
    Problem,
    RowOutcome,
    SpreadsheetImportResult,
)
from twinning.imports.vocabulary import AGREEMENT_KIND, BODY, EVENT, RELATIONSHIP, STATUS

COLUMNS = (
    "place", "place_country", "partner", "partner_country", "relationship", "established", "event",
    "event_date", "status", "body", "summary", "source_url", "source_title", "source_publisher", "source_date",
)
OPTIONAL_COLUMNS = (
    "place_local_name", "partner_local_name", "place_region", "partner_region", "place_wikidata",
    "partner_wikidata", "votes_for", "votes_against", "abstentions", "mover", "agreement_kind",
    "agreement_signed", "agreement_term_years",
)
ALL_COLUMNS = COLUMNS + OPTIONAL_COLUMNS

# No cell of a real spreadsheet row is this long; a longer one is refused with its row and column.
MAX_CELL = 20_000
# The csv module's own cap (131,072 by default) would raise on the first longer field; read up to this
# and report the cell, refusing only absurd fields as a row error.
_CSV_FIELD_LIMIT = 10_000_000

_QID = re.compile(r"^[Qq][0-9]+$")
_url = URLValidator(schemes=["http", "https"])

class ImportFileError(Exception):
    """The file cannot be read (encoding, header), as a whole or from `row` on."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


@dataclass(frozen=True)
class PlaceSpec:
    name: str
    country: str
    local_name: str = ""
    region: str = ""
    wikidata: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


@dataclass(frozen=True)
class SourceSpec:
    url: str
    title: str
    publisher: str
    published: PartialDate | None


@dataclass(frozen=True)
class AgreementSpec:
    kind: str
    signed: PartialDate | None
    term_years: int | None


@dataclass(frozen=True)
class RowPlan:
    """One row, validated and converted, not yet applied."""

    number: int
    place: PlaceSpec
    partner: PlaceSpec
    relationship: str
    established: PartialDate | None
    event_type: str
    event_date: PartialDate | None
    status_to: str
    details: dict
    source: SourceSpec | None
    agreement: AgreementSpec | None
    notes: tuple[str, ...] = ()  # e.g. how a spreadsheet-style date was read


# --- Reading and validating (no database) -----------------------------------------------------


def _column_name(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", (text or "").strip().lower())


def read_rows(data: bytes | str, notes: list[str] | None = None) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the non-blank rows (numbered as a spreadsheet shows them) of a CSV file or an
    .xlsx workbook (its first worksheet). How the file was read, when that is worth checking (another
    encoding than UTF-8, another worksheet), is added to `notes`."""
    notes = notes if notes is not None else []
    try:
        if isinstance(data, bytes) and data.startswith(XLS_MAGIC):
            raise ImportFileError("This is an Excel 97-2003 workbook (.xls). Save it as .xlsx, or as “CSV UTF-8”, and upload it again.")
        if isinstance(data, bytes) and data.startswith(XLSX_MAGIC):
            cells, numbers, note = read_xlsx(data)
            notes.extend([note] if note else [])
            if not any(any(c.strip() for c in row) for row in cells):
                raise ImportFileError("The workbook is empty: it needs a header row and at least one row of data.")
            first = next(i for i, row in enumerate(cells) if any(c.strip() for c in row))
            header = [_column_name(name) for name in cells[first]]
            return header, _data_rows(zip(numbers[first + 1 :], cells[first + 1 :], strict=True), header)
        if isinstance(data, bytes):
            text, note = decode_text(data)
            notes.extend([note] if note else [])
        else:
            text = data.removeprefix("\ufeff")
    except FileError as exc:
        raise ImportFileError(str(exc), row=exc.row) from None
    if not text.strip():
        raise ImportFileError("The file is empty: it needs a header row and at least one row of data.")
    first_line = text.splitlines()[0]
    delimiter = max(",;\t", key=first_line.count)  # spreadsheets in some locales save with ';'
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_column_name(name) for name in next(reader)]
        return header, _data_rows(enumerate(reader, start=2), header)
    except csv.Error as exc:
        raise ImportFileError(f"this row cannot be read as CSV ({exc}).", row=reader.line_num or 1) from None


def _data_rows(numbered, header: list[str]) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for number, values in numbered:
        if not any(v.strip() for v in values):
            continue
        row = {}
        for i, value in enumerate(values):
            name = header[i] if i < len(header) else ""
            if name:
                row[name] = value.strip()
            elif value.strip():
                row.setdefault("", value.strip())
        rows.append((number, row))
    return rows


def check_header(header: list[str]) -> list[Problem]:
    problems = []
    named = [name for name in header if name]
    missing = [name for name in COLUMNS if name not in named]
    if missing:
        problems.append(
            Problem(None, ", ".join(missing), f"missing column(s). The header must have: {', '.join(COLUMNS)}.")
        )
    unknown = [name for name in named if name not in ALL_COLUMNS]
    if unknown:
        problems.append(
            Problem(
                None, ", ".join(unknown),
                f"unknown column(s). Allowed: {', '.join(COLUMNS)}; optional: {', '.join(OPTIONAL_COLUMNS)}.",
            )
        )
    duplicated = sorted({name for name in named if named.count(name) > 1})
    if duplicated:
        problems.append(Problem(None, ", ".join(duplicated), "column named more than once."))
    return problems


class _RowReader:
    """Reads one row's cells, converting each and collecting problems by column."""

    def __init__(self, number: int, row: dict[str, str]):
        self.number = number
        self.row = row
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        for column, value in list(row.items()):
            if has_nul(value) or len(value) > MAX_CELL:
                if has_nul(value):
                    self.problem(column, "contains a NUL character (\\0), which no cell may hold")
                else:
                    self.problem(column, f"too long ({len(value):,} characters; no cell may exceed {MAX_CELL:,})")
                row[column] = value.replace("\x00", "")[:MAX_CELL]  # the rest of the row is still checked
        if row.get(""):
            self.problem("", f"a value (“{row['']}”) in a column without a header")

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int = 0) -> str:
        value = self.row.get(column, "")
        if required and not value:
            self.problem(column, "required")
        if max_length and len(value) > max_length:
            self.problem(column, f"too long ({len(value)} characters; at most {max_length})")
        return value

    def convert(self, column: str, convert: Callable[[str], object], *, required: bool = False):
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            return convert(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.problem(column, message)
            return None

    def date(self, column: str, *, required: bool = False) -> PartialDate | None:
        def parse(text: str) -> PartialDate:
            value, note = parse_sheet_date(text)
            if note:
                self.notes.append(f"{column}: {note}")
            return value

        return self.convert(column, parse, required=required)

    def word(self, column: str, vocabulary, *, required: bool = False) -> str:
        return self.convert(column, vocabulary.lookup, required=required) or ""

    def whole_number(self, column: str, *, minimum: int = 0) -> int | None:
        def whole(value: str) -> int:
            cleaned = value.replace(",", "").replace(" ", "")
            if not is_ascii_digits(cleaned) or len(cleaned) > 9 or int(cleaned) < minimum:
                raise ValidationError(f"“{value}” is not a whole number of at least {minimum}.")
            return int(cleaned)

        return self.convert(column, whole)

    def place(self, prefix: str) -> PlaceSpec | None:
        name = self.text(prefix, required=True, max_length=200)
        country = self.convert(f"{prefix}_country", country_code, required=True)
        wikidata = self.text(f"{prefix}_wikidata")
        if wikidata and not _QID.match(wikidata):
            self.problem(f"{prefix}_wikidata", f"“{wikidata}” is not a Wikidata QID (like Q1794).")
        if not (name and country):
            return None
        return PlaceSpec(
            name=name,
            country=country,
            local_name=self.text(f"{prefix}_local_name", max_length=200),
            region=self.text(f"{prefix}_region", max_length=200),
            wikidata=wikidata.upper(),
        )

    def source(self) -> SourceSpec | None:
        url = self.text("source_url", max_length=1000)
        if url:
            try:
                _url(url)
                validate_url_characters(url)
            except ValidationError:
                self.problem("source_url", f"“{url}” is not a web address (http:// or https://).")
        title = self.text("source_title", max_length=500)
        publisher = self.text("source_publisher", max_length=200)
        published = self.date("source_date")
        if not (url or title or publisher):
            if published:
                self.problem("source_date", "a source date without a source: give source_url")
            return None
        if not url and not (title and publisher):
            self.problem("source_url", "a source needs its URL, or at least its title and publisher")
        return SourceSpec(url=url, title=title, publisher=publisher, published=published)


def validate_row(number: int, row: dict[str, str]) -> tuple[RowPlan | None, list[Problem]]:
    r = _RowReader(number, row)
    place = r.place("place")
    partner = r.place("partner")
    if place and partner and (place.wikidata and place.wikidata == partner.wikidata or (
        place.name.lower() == partner.name.lower() and place.country == partner.country
    )):
        r.problem("partner", "a place cannot be paired with itself")
    relationship = r.word("relationship", RELATIONSHIP, required=True)
    established = r.date("established")
    event_type = r.word("event", EVENT)
    status = r.word("status", STATUS)
    event_date = r.date("event_date")
    if not event_type and status and r.text("event_date"):
        event_type = EVENT.lookup(status)  # "the pairing became <status>" on that date
    if event_type and not r.text("event_date"):
        r.problem("event_date", "required when there is an event")
    if not event_type and not r.text("event") and r.text("event_date"):
        r.problem("event", "an event_date without an event: name the event (e.g. severed, petition, motion)")
    if not event_type and status and not r.text("event_date"):
        r.problem("status", "a status needs the event and date that brought it about (event, event_date)")
    if event_type == EventType.DECISION_RESCINDED:
        # A rescind must name the decision it withdraws, which a spreadsheet row cannot do.
        r.problem("event", "a rescinded decision must name the decision it withdraws: record it in the admin "
                  "(Events → Add event → Rescinds), not in a spreadsheet")
        status = ""
    if event_type == EventType.ESTABLISHED and established and event_date and established != event_date:
        r.problem("established", f"differs from event_date of the “established” event ({event_date.iso()})")
    status_to = status if status and status != IMPLIED_STATUS.get(event_type) else ""
    details = {
        "body": r.word("body", BODY),
        "summary": r.text("summary"),
        "votes_for": r.whole_number("votes_for"),
        "votes_against": r.whole_number("votes_against"),
        "abstentions": r.whole_number("abstentions"),
        "mover": r.text("mover", max_length=200),
    }
    if not event_type:
        for column in ("body", "summary", "votes_for", "votes_against", "abstentions", "mover"):
            if r.text(column):
                r.problem(column, "only meaningful with an event; fill in event and event_date")
    source = r.source()
    if event_type and services.event_changes_status(event_type=event_type, status_to=status_to) and not (
        source and source.url
    ):
        r.problem("source_url", "this row changes the pairing's status, so it needs source_url")
    agreement = None
    kind = r.word("agreement_kind", AGREEMENT_KIND)
    signed = r.date("agreement_signed")
    term = r.whole_number("agreement_term_years", minimum=1)
    if kind:
        agreement = AgreementSpec(kind=kind, signed=signed, term_years=term)
    elif r.text("agreement_signed") or r.text("agreement_term_years"):
        r.problem("agreement_kind", f"required with an agreement date or term; use one of: {AGREEMENT_KIND.allowed()}.")
    if r.problems:
        return None, r.problems
    plan = RowPlan(
        number=number,
        place=place,
        partner=partner,
        relationship=relationship,
        established=established if event_type != EventType.ESTABLISHED else (established or event_date),
        event_type=event_type if event_type != EventType.ESTABLISHED else "",
        event_date=event_date if event_type != EventType.ESTABLISHED else None,
        status_to=status_to,
        details={k: v for k, v in details.items() if v not in (None, "")},
        source=source,
        agreement=agreement,
        notes=tuple(r.notes),
    )
    return plan, []


def validate(data: bytes | str, notes: list[str] | None = None) -> tuple[list[RowPlan], list[Problem]]:
    """Every row, checked without touching the database (how the file was read goes to `notes`)."""
    try:
        header, rows = read_rows(data, notes)
    except ImportFileError as exc:
        return [], [Problem(exc.row, "", str(exc))]
    problems = check_header(header)
    if problems:
        return [], problems
    if not rows:
        return [], [Problem(None, "", "The file has a header but no rows of data.")]
    plans = []
    for number, row in rows:
        plan, row_problems = validate_row(number, row)
        problems.extend(row_problems)
        if plan is not None:
            plans.append(plan)
    return plans, problems


# --- Applying (planned in memory, written in bulk, in one transaction) ------------------------


IMPORT_LOCK = "twinning:spreadsheet-import"


def _checked(data: bytes | str, *, dry_run: bool, max_rows: int | None) -> tuple[list[RowPlan], SpreadsheetImportResult]:
    notes: list[str] = []
    plans, problems = validate(data, notes)
    report = SpreadsheetImportResult(rows=[], problems=problems, dry_run=dry_run, notes=notes)
    if max_rows is not None and len(plans) > max_rows:
        problems.append(Problem(
            None, "",
            f"The file has {len(plans)} rows; the admin imports at most {max_rows} at a time. Split the file, "
            "or import it from the shell: python manage.py import_twinnings FILE.csv",
        ))
    return plans, report


def _plan(planner: Planner, plans: Iterable[RowPlan], report: SpreadsheetImportResult) -> None:
    """Plan each row into `report` (its outcome, and its problem when the row cannot be imported)."""
    for plan in plans:
        try:
            outcome = planner.plan_row(plan)
        except RowError as exc:
            outcome = RowOutcome(number=plan.number, problems=[Problem(plan.number, exc.column, str(exc))])
            report.problems.extend(outcome.problems)
        report.rows.append(outcome)


def _refuse_unanswered(report: SpreadsheetImportResult) -> bool:
    if report.problems or not report.unresolved:
        return bool(report.problems)
    report.problems.extend(
        Problem(flag.row, flag.column, f"{flag.message} Not answered, so nothing was written.") for flag in report.unresolved
    )
    return True


def import_twinnings(
    data: bytes | str,
    *,
    dry_run: bool = False,
    user=None,
    reason: str = "Spreadsheet import",
    progress: Callable[[Iterable, int], Iterable] | None = None,
    max_rows: int | None = None,
    resolutions: dict[str, str] | None = None,
) -> SpreadsheetImportResult:
    """Validate and apply a spreadsheet. Nothing is written on a dry run, if any row fails, or while a
    flagged near-duplicate is unanswered (`resolutions`: a flag's key → a candidate's value or "new").

    `max_rows` refuses larger files before anything is applied (the admin's limit: a web request must
    finish in seconds; the shell command has none)."""
    plans, report = _checked(data, dry_run=dry_run, max_rows=max_rows)
    if report.problems:
        return report
    with transaction.atomic():
        if not dry_run:
            advisory_lock(IMPORT_LOCK)  # one import at a time: what it looked up stays true until it commits
        planner = Planner(plans, resolutions=resolutions)
        _plan(planner, progress(plans, len(plans)) if progress else plans, report)
        if dry_run or _refuse_unanswered(report):
            return report
        try:
            with transaction.atomic():
                planner.write(user=user, reason=reason)
        except (IntegrityError, ValidationError) as exc:
            report.problems.append(Problem(
                None, "", f"the database refused the import ({exc.__class__.__name__}: {exc}); nothing was written. "
                "The register may have changed meanwhile: preview the file again.",
            ))
            return report
        report.applied = True
    return report


# --- Applying in batches (the admin's background import) ---------------------------------------

# Rows per batch: each batch is planned against the register as it then is, written and committed
# in its own transaction, so progress can be seen and an interrupted import resumed.
BATCH_ROWS = 500


def batches(plans: list[RowPlan], size: int = BATCH_ROWS) -> list[list[RowPlan]]:
    """The rows cut into batches of about `size` rows without splitting a pairing group (the rows
    about one pair of places: the same place named by QID or by name counts once), each batch in the
    file's row order. Everything a row can match or flag for its pairing (its events, the pairing
    under another relationship, "new in row N") is then in its own batch."""
    parent: dict[object, object] = {}

    def find(item):
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def place_key(spec: PlaceSpec):
        name = find(("name", spec.country, spec.name.lower()))
        if spec.wikidata:
            qid = find(("qid", spec.wikidata))
            if qid != name:
                parent[qid] = name
        return name

    for plan in plans:
        place_key(plan.place)
        place_key(plan.partner)
    groups: dict[frozenset, list[RowPlan]] = {}
    for plan in plans:
        pair = frozenset((find(("name", plan.place.country, plan.place.name.lower())),
                          find(("name", plan.partner.country, plan.partner.name.lower()))))
        groups.setdefault(pair, []).append(plan)
    out: list[list[RowPlan]] = []
    batch: list[RowPlan] = []
    for rows in groups.values():  # in the order of each group's first row
        batch.extend(rows)
        if len(batch) >= size:
            out.append(sorted(batch, key=lambda p: p.number))
            batch = []
    if batch:
        out.append(sorted(batch, key=lambda p: p.number))
    return out


def import_twinnings_in_batches(
    data: bytes | str,
    *,
    user=None,
    reason: str = "Spreadsheet import",
    resolutions: dict[str, str] | None = None,
    max_rows: int | None = None,
    batch_rows: int = BATCH_ROWS,
    on_batch: Callable[[int], None] | None = None,
) -> SpreadsheetImportResult:
    """Import a spreadsheet batch by batch (`batches`), each batch all or nothing.

    The whole file is checked first exactly as a preview (every row planned, nothing written): any
    problem or unanswered flag refuses it before anything is written, as `import_twinnings` does.
    Then each batch is planned again against the register as it then is (what earlier batches wrote
    included), written and committed, and `on_batch(rows_done)` is called. Should a batch be refused
    (the register changed meanwhile: a clash with a concurrent write, a row that now matches two
    places), it is rolled back, the batches
    before it stay, and the problem says so; running the import again finds their rows unchanged (an
    import is idempotent) and goes on from there."""
    plans, report = _checked(data, dry_run=False, max_rows=max_rows)
    if report.problems:
        return report
    with transaction.atomic():
        check = Planner(plans, resolutions=resolutions)
        _plan(check, plans, report)
        if _refuse_unanswered(report):
            return report
    # The batches take the check's near-duplicate look-ups (every flag they raised is answered) rather
    # than asking the database again for each batch.
    similar = check._similar
    report.rows = []
    done = 0
    for batch in batches(plans, batch_rows):
        part = SpreadsheetImportResult(rows=[], problems=[], dry_run=False, notes=[])
        try:
            with transaction.atomic():
                advisory_lock(IMPORT_LOCK)
                planner = Planner(batch, resolutions=resolutions, similar=similar)
                _plan(planner, batch, part)
                if not _refuse_unanswered(part):
                    planner.write(user=user, reason=reason)
        except (IntegrityError, ValidationError) as exc:
            part.problems.append(Problem(None, "", f"the database refused it ({exc.__class__.__name__}: {exc})"))
        if part.problems:
            first, last = batch[0].number, batch[-1].number
            report.problems.extend(part.problems)
            report.problems.append(Problem(
                None, "",
                f"the batch of rows {first}–{last} was refused and nothing of it was written; {done} of {len(plans)} "
                "rows had been imported before it and are kept. The register may have changed meanwhile: run the "
                "import again (rows already imported are found unchanged), or preview the file again.",
            ))
            report.rows.extend(part.rows)
            report.rows.sort(key=lambda row: row.number)
            return report
        report.rows.extend(part.rows)
        done += len(batch)
        if on_batch is not None:
            on_batch(done)
    report.rows.sort(key=lambda row: row.number)
    report.applied = True
    return report
