"""Issue 12 item 2: hostile cells in a spreadsheet give a row/column problem and write nothing,
from the importer, `manage.py import_twinnings` and the admin upload alike."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.twinning.test_import import GOOD, counts
from twinning.imports.spreadsheet import import_twinnings

HEADER = GOOD.read_text(encoding="utf-8-sig").splitlines()[0]
COLUMNS = HEADER.split(",")
IMPORT = "/admin/twinning/pairing/import/"


def sheet(**cells) -> bytes:
    """The good file's header and one good severing row, with `cells` replaced."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        place="Leeds", place_country="GB", partner="Hangzhou", partner_country="CN", relationship="sister city",
        event="severed", event_date="2023-01-05", summary="Council voted to end the link.",
        source_url="https://example.org/leeds", source_title="Leeds ends link", source_publisher="Example News",
    )
    row.update(cells)
    quoted = ['"' + row[c].replace('"', '""') + '"' for c in COLUMNS]
    return (HEADER + "\n" + ",".join(quoted) + "\n").encode()


HOSTILE_CELLS = [
    ("summary", "Voted\x00 to end", "NUL"),
    ("place", "Le\x00eds", "NUL"),
    ("source_url", "https://example.org/\x00", "NUL"),
    ("votes_for", "²", "not a whole number"),
    ("votes_for", "١٢", "not a whole number"),
    ("votes_against", "9" * 40, "not a whole number"),
    ("agreement_term_years", "²", "not a whole number"),  # agreement_kind given below
    ("event_date", "٢٠٢٢", "is not a date"),
    ("place_wikidata", "Q١٢", "not a Wikidata QID"),
    ("summary", "x" * 200_000, "too long"),
    ("mover", "y" * 200_000, "too long"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("column, value, message", HOSTILE_CELLS, ids=[f"{c}-{m}" for c, _v, m in HOSTILE_CELLS])
def test_a_hostile_cell_is_a_problem_at_its_row_and_column_and_nothing_is_written(column, value, message):
    # the untouched sheet imports: only the hostile cell makes it fail
    before = counts()
    extra = {"agreement_kind": "charter"} if column == "agreement_term_years" else {}
    report = import_twinnings(sheet(**{column: value}, **extra))
    assert not report.ok and not report.applied
    problems = [str(p) for p in report.problems]
    assert {(p.row, p.column) for p in report.problems} == {(2, column)}, problems
    assert message in report.problems[0].message, problems
    assert counts() == before


@pytest.mark.django_db
def test_the_unchanged_sheet_imports():
    report = import_twinnings(sheet(votes_for="12", votes_against="1,204"))
    assert report.ok, [str(p) for p in report.problems]


@pytest.mark.django_db
def test_a_field_beyond_the_csv_limit_is_a_row_problem():
    report = import_twinnings(sheet(summary="z" * 11_000_000))
    assert not report.ok
    assert report.problems[0].row == 2 and "cannot be read as CSV" in report.problems[0].message


@pytest.mark.django_db
def test_the_command_lists_the_problem_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "sheet.csv"
    path.write_bytes(sheet(votes_for="²", summary="a\x00b"))
    before = counts()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_twinnings", str(path), "--no-progress")
    err = capsys.readouterr().err
    assert "row 2, column votes_for" in err and "row 2, column summary: contains a NUL" in err
    assert counts() == before


@pytest.mark.django_db
def test_the_admin_upload_shows_the_problems_not_a_500(client, curator):
    client.force_login(curator)
    for content, message in (
        (sheet(votes_for="²"), "is not a whole number"),
        (sheet(summary="a\x00b"), "contains a NUL character"),
        (sheet(summary="x" * 200_000), "too long (200,000 characters"),
    ):
        response = client.post(IMPORT, {"file": SimpleUploadedFile("s.csv", content, content_type="text/csv")})
        assert response.status_code == 200
        assert message in response.content.decode()
