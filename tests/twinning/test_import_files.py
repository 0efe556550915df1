"""Issue 10, spreadsheet parity: .xlsx beside CSV, the encodings spreadsheets save, and Excel-style
dates read when they mean one thing only, else refused with the text to write instead."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from tests.twinning.test_import import COLUMNS, csv_of
from twinning.imports.spreadsheet import import_twinnings
from twinning.models import Event, Pairing, Place

SEVERED = "Leeds,GB,Dortmund,DE,twin town,,severed,{date},,,,https://example.org/a,Report A,Example,"


def workbook(*rows, formats: dict[int, str] | None = None, sheets: int = 1) -> bytes:
    """An .xlsx with the import's header and `rows` (lists of cell values, Python types as Excel stores them)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Twinnings"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(list(row) + [None] * (len(COLUMNS) - len(row)))
    for column, number_format in (formats or {}).items():
        for cells in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cells[0].number_format = number_format
    for n in range(1, sheets):
        book.create_sheet(f"Notes {n}").append(["ignored"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cells(date, established=None):
    return ["Leeds", "GB", "Dortmund", "DE", "twin town", established, "severed", date, None, None, None,
            "https://example.org/a", "Report A", "Example", None]


EVENT_DATE = COLUMNS.index("event_date")


@pytest.mark.django_db
class TestXlsx:
    def test_a_workbook_imports_like_its_csv(self):
        report = import_twinnings(workbook(cells(dt.datetime(2023, 1, 5), established=1969), formats={EVENT_DATE: "dd/mm/yyyy"}))
        assert report.applied, [str(p) for p in report.problems]
        pairing = Pairing.objects.get()
        assert [(e.event_type, e.when.iso()) for e in pairing.events.order_by("date")] == [
            ("established", "1969"), ("decision_sever", "2023-01-05")
        ]

    def test_a_date_cell_shown_as_month_and_year_is_a_month_not_an_invented_day(self):
        report = import_twinnings(workbook(cells(dt.datetime(2019, 10, 1)), formats={EVENT_DATE: "mmm-yy"}))
        assert report.applied, [str(p) for p in report.problems]
        assert Event.objects.get().when.iso() == "2019-10"

    def test_a_serial_number_cell_is_refused_with_the_date_to_write(self):
        report = import_twinnings(workbook(cells(43843)))
        assert [(p.row, p.column) for p in report.problems] == [(2, "event_date")]
        assert "Excel date serial number (43843 is 2020-01-13): write 2020-01-13" in report.problems[0].message

    def test_other_worksheets_are_named_as_ignored(self):
        report = import_twinnings(workbook(cells("2023-01-05"), sheets=2), dry_run=True)
        assert report.ready
        assert report.notes == ["read the first worksheet, “Twinnings”; the others are ignored"]

    @pytest.mark.parametrize(("content", "message"), [
        (b"PK\x03\x04" + b"\x00" * 200, "cannot be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "Excel 97-2003 workbook (.xls). Save it as .xlsx"),
    ])
    def test_unreadable_workbooks_are_refused_with_what_to_do(self, content, message):
        report = import_twinnings(content)
        assert [p.row for p in report.problems] == [None]
        assert message in report.problems[0].message
        assert not Place.objects.exists()

    def test_a_huge_cell_in_a_workbook_is_a_row_problem(self):
        row = cells("2023-01-05")
        row[COLUMNS.index("summary")] = "x" * 30_000
        report = import_twinnings(workbook(row))
        assert [(p.row, p.column) for p in report.problems] == [(2, "summary")]
        assert "too long" in report.problems[0].message


@pytest.mark.django_db
class TestEncodings:
    def test_windows_1252_is_read_and_said(self):
        data = csv_of("Köln,DE,Liverpool,GB,twin town,,,,,,,,,,").encode("cp1252")
        report = import_twinnings(data)
        assert report.applied
        assert Place.objects.filter(name="Köln").exists()
        assert "Windows-1252" in report.notes[0]

    def test_utf16_unicode_text_from_excel_is_read(self):
        data = csv_of("Köln\tDE\t科隆\tCN\ttwin town" + "\t" * 10, header="\t".join(COLUMNS)).encode("utf-16")
        report = import_twinnings(data)
        assert report.applied, [str(p) for p in report.problems]
        assert Place.objects.filter(name="科隆").exists()

    def test_utf8_with_a_byte_order_mark(self):
        report = import_twinnings(b"\xef\xbb\xbf" + csv_of("Köln,DE,Liverpool,GB,twin town,,,,,,,,,,").encode())
        assert report.applied and not report.notes

    def test_another_encoding_is_refused_not_read_as_nonsense(self):
        report = import_twinnings(csv_of("北京,CN,London,GB,twin town,,,,,,,,,,").encode("gbk"))
        assert [p.row for p in report.problems] == [None]
        assert "not UTF-8" in report.problems[0].message and "CSV UTF-8" in report.problems[0].message
        assert not Place.objects.exists()


@pytest.mark.django_db
class TestExcelDates:
    @pytest.mark.parametrize(("text", "iso"), [
        ("13/01/2020", "2020-01-13"),
        ("01/13/2020", "2020-01-13"),
        ("2020/01/13", "2020-01-13"),
        ("October 2019", "2019-10"),
        ("Oct 2019", "2019-10"),
    ])
    def test_unambiguous_spreadsheet_dates_are_read_and_noted(self, text, iso):
        report = import_twinnings(csv_of(SEVERED.format(date=text)))
        assert report.applied, [str(p) for p in report.problems]
        assert Event.objects.get().when.iso() == iso
        assert report.rows[0].notes == [f"event_date: “{text}” read as {iso}"]

    @pytest.mark.parametrize(("text", "fix"), [
        ("01/02/2020", "write 2020-02-01 or 2020-01-02"),
        ("Oct-19", "write 2019-10 or 1919-10"),
        ("13/01/20", "write the year in full"),
        ("43843", "write 2020-01-13"),
        ("31/02/2020", "is not a real date"),
    ])
    def test_ambiguous_ones_are_refused_with_the_fix(self, text, fix):
        report = import_twinnings(csv_of(SEVERED.format(date=text)))
        assert [(p.row, p.column) for p in report.problems] == [(2, "event_date")]
        assert fix in report.problems[0].message
        assert not Event.objects.exists()
