"""Reading an uploaded spreadsheet as text rows: CSV in the encodings spreadsheets save (UTF-8 with
or without BOM, UTF-16 from Excel's "Unicode text", Windows-1252 from "CSV (Comma delimited)") and
.xlsx workbooks (openpyxl). What cannot be read is refused with what to do instead."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_SHEET_ROWS = 100_000  # a workbook claiming more is refused before its rows are read
MAX_SHEET_COLUMNS = 200

SAVE_AS_UTF8 = "Save it as “CSV UTF-8 (Comma delimited)” (Excel) or “Text CSV” with UTF-8 (LibreOffice), or upload the .xlsx workbook."
# Windows-1252 text is accepted only when every non-ASCII character is one a Western European name or
# typography uses; anything else means the file is in another encoding and would be read as nonsense.
_CP1252_PUNCTUATION = set("‘’‚“”„–—…•€£¥©®°±²³·¹º»«§¶×÷¿¡ ")


class FileError(Exception):
    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and a note on how it was read (empty for UTF-8)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "read as UTF-16 text (Excel’s “Unicode text”)"
        except UnicodeDecodeError as exc:
            raise FileError(f"The file starts as UTF-16 text but is not valid UTF-16 (byte {exc.start}). {SAVE_AS_UTF8}") from None
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None and all(
        ch.isascii() or ch in _CP1252_PUNCTUATION or (unicodedata.category(ch).startswith("L") and "LATIN" in unicodedata.name(ch, ""))
        for ch in set(text)
    ):
        return text, "read as Windows-1252 text (Excel’s “CSV (Comma delimited)”): check accented names in the preview"
    raise FileError(
        f"The file is not UTF-8 text (byte {utf8_error.start}), and not Windows-1252 text of Western European names either. "
        + SAVE_AS_UTF8
    )


def _cell_text(cell) -> str:
    from twinning.imports.dates import cell_date

    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.date, dt.datetime)):
        return cell_date(value, getattr(cell, "number_format", ""))
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def read_xlsx(data: bytes) -> tuple[list[list[str]], list[int], str]:
    """The first worksheet's rows as text cells, their row numbers, and a note."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileError(f"The file looks like an .xlsx workbook but cannot be read ({exc.__class__.__name__}). "
                        "Open it in Excel or LibreOffice and save it again as .xlsx or as CSV UTF-8.") from None
    try:
        sheet = workbook.worksheets[0]
        note = "" if len(workbook.worksheets) == 1 else f"read the first worksheet, “{sheet.title}”; the others are ignored"
        rows, numbers = [], []
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_SHEET_COLUMNS), start=1):
            if number > MAX_SHEET_ROWS:
                raise FileError(f"The worksheet has more than {MAX_SHEET_ROWS:,} rows. Split it into smaller files.")
            texts = [_cell_text(cell) for cell in cells]
            while texts and texts[-1] == "":
                texts.pop()
            rows.append(texts)
            numbers.append(number)
        return rows, numbers, note
    except FileError:
        raise
    except Exception as exc:  # a damaged workbook can fail anywhere inside openpyxl's parser
        raise FileError(f"The workbook cannot be read ({exc.__class__.__name__}). "
                        "Open it in Excel or LibreOffice and save it again as .xlsx or as CSV UTF-8.") from None
    finally:
        workbook.close()
