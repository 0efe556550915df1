"""The spreadsheet import (issue 2 §5): validation by row and column, all-or-nothing, idempotent."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sources.models import Source
from tests.twinning.factories import PlaceFactory, make_pairing
from twinning.constants import Body, EventType, Relationship, Status
from twinning.imports.spreadsheet import ALL_COLUMNS, COLUMNS, import_twinnings
from twinning.models import Agreement, Event, EventCitation, Pairing, Place, PlaceIdentifier

DATA = Path(__file__).resolve().parent.parent / "data"
GOOD = DATA / "import-good.csv"
TEMPLATE = Path(__file__).resolve().parents[2] / "fixtures" / "import-template.csv"
HEADER = ",".join(COLUMNS)


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def counts():
    return {
        model.__name__: model.objects.count() for model in (Place, Pairing, Event, EventCitation, Source, Agreement)
    }


@pytest.mark.django_db
class TestGoodFile:
    def test_creates_places_pairings_events_sources_with_derived_status(self):
        report = import_twinnings(GOOD.read_bytes())
        assert report.ok, [str(p) for p in report.problems]
        assert report.applied

        newcastle = Place.objects.get(name="Newcastle upon Tyne")
        taiyuan = Place.objects.get(name="Taiyuan")
        assert (newcastle.country, newcastle.region) == ("GB", "England")
        assert (taiyuan.country, taiyuan.local_name, taiyuan.region) == ("CN", "太原", "Shanxi")
        # "Sister-City" / "China" / "Full Council" in row 3 matched the pairing recorded by row 2.
        assert Pairing.objects.filter(relationship=Relationship.SISTER_CITY).count() == 2

        pairing = Pairing.objects.get(place_a=newcastle, place_b=taiyuan)
        assert pairing.status == Status.SEVERED
        assert pairing.status_since == dt.date(2022, 11, 2)
        timeline = list(pairing.events.order_by("date"))
        assert [(e.event_type, e.when.iso()) for e in timeline] == [
            (EventType.ESTABLISHED, "1985"),
            (EventType.DECISION_SEVER, "2022-11-02"),
        ]
        sever = timeline[1]
        assert sever.body == Body.FULL_COUNCIL
        assert sever.mover == "Cllr Wendy Taylor (Liberal Democrats)"
        assert [c.source.publisher for c in sever.citations.all()] == ["ffhr.cz"]
        assert Source.objects.filter(url__contains="ffhr.cz").count() == 1

        nanning = Pairing.objects.get(place_b__name="Nanning")
        assert nanning.status == Status.SEVERED
        assert nanning.status_since_date.display() == "September 2020"
        signed = nanning.events.get(event_type=EventType.AGREEMENT_SIGNED)
        assert signed.agreement.kind == "friendship"
        assert signed.agreement.signed == dt.date(2019, 5, 9)

        xiangyang = Pairing.objects.get(place_b__name="Xiangyang")
        assert xiangyang.place_a.name == "Wakefield"  # "United Kingdom" matched Wakefield, GB
        assert xiangyang.status == Status.SEVERED
        assert Place.objects.filter(name="Wakefield").count() == 1

    def test_history_records_the_user_and_reason(self, curator):
        import_twinnings(GOOD.read_bytes(), user=curator, reason="Imported from the campaign sheet")
        record = Event.objects.get(event_type=EventType.DECISION_SEVER, pairing__place_b__name="Taiyuan").history.first()
        assert record.history_user == curator
        assert record.history_change_reason == "Imported from the campaign sheet"

    def test_reimport_changes_nothing(self):
        assert import_twinnings(GOOD.read_bytes()).applied
        before = counts()
        updated = dict(Pairing.objects.values_list("pk", "updated_at"))
        history = Event.history.count()

        report = import_twinnings(GOOD.read_bytes())
        assert report.ok
        assert {row.action for row in report.rows} == {"unchanged"}
        assert counts() == before
        assert dict(Pairing.objects.values_list("pk", "updated_at")) == updated
        assert Event.history.count() == history

    def test_dry_run_writes_nothing_and_previews_each_row(self):
        report = import_twinnings(GOOD.read_bytes(), dry_run=True)
        assert report.ok and not report.applied
        assert counts() == {name: 0 for name in counts()}
        first, second = report.rows[0], report.rows[1]
        assert first.number == 2 and first.action == "create"
        assert "place Newcastle upon Tyne (GB)" in first.created
        assert first.status_change == "new → active"
        assert second.action == "create"
        assert "event decision to sever (2022-11-02)" in second.created
        assert second.status_change == "active → severed"

    def test_the_downloadable_template_imports_cleanly(self):
        header = TEMPLATE.read_text(encoding="utf-8").splitlines()[0].split(",")
        assert tuple(header) == ALL_COLUMNS
        report = import_twinnings(TEMPLATE.read_bytes(), dry_run=True)
        assert report.ok, [str(p) for p in report.problems]
        assert report.rows[0].status_after == Status.SEVERED


@pytest.mark.django_db
class TestBadRows:
    def test_errors_by_row_and_column_and_nothing_written(self):
        data = csv_of(
            "Newcastle upon Tyne,GB,Taiyuan,CN,sister city,1985,,,,,,https://example.org/a,Report A,Example,",
            "Leeds,Narnia,Dortmund,DE,pen pals,198x,,,,,,,,,",
            "Wakefield,GB,Nanning,CN,friendship,,severed,2020-09,,,,,,,",
            "Sheffield,GB,Anshan,CN,twin town,1983,bombed,2022-13,,parliament,,not a url,,,",
        )
        report = import_twinnings(data)
        assert not report.ok and not report.applied
        where = {(p.row, p.column) for p in report.problems}
        assert {(3, "place_country"), (3, "relationship"), (3, "established")} <= where
        assert (4, "source_url") in where  # a status-changing row without a source
        assert {(5, "event"), (5, "event_date"), (5, "body"), (5, "source_url")} <= where
        assert (2, "place") not in {(p.row, p.column) for p in report.problems}
        relationship = next(p for p in report.problems if (p.row, p.column) == (3, "relationship"))
        assert "pen pals" in relationship.message and "sister_city" in relationship.message
        event = next(p for p in report.problems if (p.row, p.column) == (5, "event"))
        assert "decision_sever" in event.message and "severed" in event.message
        # an unknown event word is one problem, not also "an event_date without an event"
        assert [p.message for p in report.problems if (p.row, p.column) == (5, "event")] == [event.message]
        assert str(relationship).startswith("row 3, column relationship:")
        assert counts() == {name: 0 for name in counts()}

    def test_a_row_failing_when_applied_rolls_back_the_rows_before_it(self):
        PlaceFactory(name="Perth", country="GB", slug="perth-a")
        PlaceFactory(name="perth", country="GB", slug="perth-b")
        data = csv_of(
            "Newcastle upon Tyne,GB,Taiyuan,CN,sister city,1985,,,,,,https://example.org/a,Report A,Example,",
            "Perth,GB,Taiyuan,CN,sister city,,,,,,,,,,",
        )
        report = import_twinnings(data)
        assert [(p.row, p.column) for p in report.problems] == [(3, "place")]
        assert "place_wikidata" in report.problems[0].message
        assert not Pairing.objects.exists()
        assert not Place.objects.filter(name="Taiyuan").exists()

    def test_missing_and_unknown_columns_are_named(self):
        report = import_twinnings("place,place_country,partner,colour\nA,GB,B,red\n")
        assert len(report.problems) == 2
        missing, unknown = report.problems
        assert missing.row is None and "relationship" in missing.column and "event_date" in missing.column
        assert unknown.column == "colour"

    def test_not_utf8(self):
        # Windows-1252 is read (tests/twinning/test_import_files.py); text in another encoding is refused
        report = import_twinnings(csv_of("Köln,DE,Liverpool,GB,twin town,1952,,,,,,,,,").encode("cp1251", errors="replace").replace(b"K", b"\x98"))
        assert [p.row for p in report.problems] == [None]
        assert "UTF-8" in report.problems[0].message

    def test_established_without_a_source_is_refused_when_it_would_be_recorded(self):
        report = import_twinnings(csv_of("Leeds,GB,Dortmund,DE,twin town,1969,,,,,,,,,"))
        assert [(p.row, p.column) for p in report.problems] == [(2, "source_url")]
        assert not Pairing.objects.exists()


@pytest.mark.django_db
class TestVocabulary:
    @pytest.mark.parametrize(
        ("relationship", "expected"),
        [("Twin City", "twin_town"), ("sister-city", "sister_city"), ("FRIENDSHIP", "friendship"), ("MoU", "partnership")],
    )
    def test_relationship_synonyms(self, relationship, expected):
        report = import_twinnings(csv_of(f"Leeds,GB,Dortmund,DE,{relationship},,,,,,,,,,"))
        assert report.ok
        assert Pairing.objects.get().relationship == expected

    @pytest.mark.parametrize(
        ("word", "event_type", "status"),
        [
            ("withdrawn", EventType.DECISION_SEVER, Status.SEVERED),
            ("Terminated", EventType.DECISION_SEVER, Status.SEVERED),
            ("relinquished", EventType.DECISION_SEVER, Status.SEVERED),
            ("retained", EventType.DECISION_RETAIN, Status.RETAINED),
            ("dormant", EventType.FOUND_DORMANT, Status.DORMANT),
            ("lapsed", EventType.LAPSED, Status.LAPSED),
            ("suspended", EventType.SUSPENDED, Status.SUSPENDED),
            ("petition", EventType.PETITION_SUBMITTED, Status.ACTIVE),
            ("Motion", EventType.MOTION_TABLED, Status.ACTIVE),
        ],
    )
    def test_event_words_and_status_words(self, word, event_type, status):
        data = csv_of(
            "Leeds,GB,Dortmund,Germany,twin town,1969,,,,,,https://example.org/a,Report A,Example,",
            f"Leeds,GB,Dortmund,DE,twin town,,{word},2022-06,,,,https://example.org/b,Report B,Example,",
        )
        report = import_twinnings(data)
        assert report.ok, [str(p) for p in report.problems]
        pairing = Pairing.objects.get()
        assert pairing.events.filter(event_type=event_type, date=dt.date(2022, 6, 1), date_precision="month").exists()
        assert pairing.status == status

    def test_a_rescinded_row_is_refused_because_it_cannot_name_the_decision(self):
        data = csv_of(
            "Leeds,GB,Dortmund,DE,twin town,1969,,,,,,https://example.org/a,Report A,Example,",
            "Leeds,GB,Dortmund,DE,twin town,,severed,2022-11-02,,council,,https://example.org/c,Report C,Example,",
            "Leeds,GB,Dortmund,DE,twin town,,rescinded,c. 2023,,,,https://example.org/d,Report D,Example,",
        )
        report = import_twinnings(data)
        assert not report.ok
        assert [(p.row, p.column) for p in report.problems] == [(4, "event")]
        assert "must name the decision it withdraws" in report.problems[0].message
        assert not Event.objects.exists()  # all or nothing

    def test_status_column_overrides_and_status_only_rows(self):
        data = csv_of(
            "Leeds,GB,Dortmund,DE,twin town,1969,,,,,,https://example.org/a,Report A,Example,",
            "Leeds,GB,Dortmund,DE,twin town,,statement,2021,dormant,,,https://example.org/b,Report B,Example,",
            "Leeds,GB,Dortmund,DE,twin town,,,2023-03,ended,,,https://example.org/c,Report C,Example,",
        )
        report = import_twinnings(data)
        assert report.ok, [str(p) for p in report.problems]
        statement = Event.objects.get(event_type=EventType.STATEMENT)
        assert statement.status_to == Status.DORMANT
        assert Event.objects.filter(event_type=EventType.DECISION_SEVER, status_to="").exists()
        assert Pairing.objects.get().status == Status.SEVERED

    def test_places_matched_by_local_name_and_by_wikidata(self):
        taiyuan = PlaceFactory(name="Taiyuan", local_name="太原", country="CN", slug="taiyuan")
        header = HEADER + ",place_wikidata"
        data = csv_of(
            "Newcastle,GB,太原,CN,sister city,,,,,,,,,,,Q1794",
            "Newcastle upon Tyne,GB,Taiyuan,CN,sister city,,,,,,,,,,,Q1794",
            header=header,
        )
        report = import_twinnings(data)
        assert report.ok, [str(p) for p in report.problems]
        assert Place.objects.filter(country="CN").get() == taiyuan
        assert PlaceIdentifier.objects.get(value="Q1794").place.name == "Newcastle"  # the QID matched row 3
        assert Pairing.objects.count() == 1

    def test_conflicting_established_dates_keep_both_sources(self):
        make_pairing(
            place_a=PlaceFactory(name="Nottingham", slug="nottingham"),
            place_b=PlaceFactory(name="Ningbo", country="CN", slug="ningbo"),
            relationship=Relationship.TWIN_TOWN,
            established="2005",
        )
        report = import_twinnings(
            csv_of("Nottingham,GB,Ningbo,CN,twinned,2004,,,,,,https://example.org/2004,Report 2004,Example,")
        )
        assert report.ok
        established = Event.objects.get(event_type=EventType.ESTABLISHED)
        assert established.when.iso() == "2005"
        claimed = established.citations.get(source__url="https://example.org/2004").claimed
        assert claimed.iso() == "2004"
        assert report.rows[0].notes == [
            "established 2004 differs from the recorded 2005: the recorded date is kept, "
            "and this source is cited with the date it gives"
        ]


@pytest.mark.django_db
class TestCommand:
    def test_imports_and_reports(self, capsys):
        call_command("import_twinnings", str(GOOD), "--no-progress")
        assert "Imported import-good.csv. 5 rows" in capsys.readouterr().out
        assert Pairing.objects.count() == 3

    def test_dry_run_lists_rows_and_writes_nothing(self, capsys):
        call_command("import_twinnings", str(GOOD), "--dry-run", "--no-progress")
        out = capsys.readouterr().out
        assert "row 3: create" in out and "active → severed" in out
        assert "Dry run, nothing written" in out
        assert not Pairing.objects.exists()

    def test_bad_file_exits_non_zero_with_a_row_by_row_list(self, tmp_path, capsys):
        bad = tmp_path / "bad.csv"
        bad.write_text(csv_of("Leeds,Narnia,Dortmund,DE,twin town,,,,,,,,,,", "Leeds,GB,,DE,twin town,,,,,,,,,,"))
        with pytest.raises(CommandError, match="2 problem"):
            call_command("import_twinnings", str(bad), "--no-progress")
        err = capsys.readouterr().err
        assert "row 2, column place_country" in err and "row 3, column partner: required" in err
        assert not Place.objects.exists()

    def test_exit_code_from_the_shell(self, tmp_path):
        import subprocess
        import sys

        bad = tmp_path / "bad.csv"
        bad.write_text("nonsense\n1\n")
        root = Path(__file__).resolve().parents[2]
        result = subprocess.run(
            [sys.executable, "manage.py", "import_twinnings", str(bad), "--dry-run"],
            cwd=root, capture_output=True, text=True,
        )
        assert result.returncode == 1
        assert "missing column" in result.stderr


@pytest.mark.django_db
class TestOptionalColumnsAndFormats:
    def test_votes_mover_and_agreement_columns(self):
        header = HEADER + ",votes_for,votes_against,abstentions,mover,agreement_kind,agreement_signed,agreement_term_years"
        data = csv_of(
            "Nottingham,GB,Ningbo,CN,twin town,2005,,,,,,https://example.org/a,Report A,Example,,,,,,MoU,2005-03,5",
            "Nottingham,GB,Ningbo,CN,twin town,,retained,2023-03,,cabinet,,https://example.org/b,Report B,Example,,"
            "\"1,200\",3,0,Cllr A,,,",
            header=header,
        )
        report = import_twinnings(data)
        assert report.ok, [str(p) for p in report.problems]
        agreement = Agreement.objects.get()
        assert (agreement.kind, agreement.signed_date.iso(), agreement.term_years) == ("mou", "2005-03", 5)
        retained = Event.objects.get(event_type=EventType.DECISION_RETAIN)
        assert (retained.votes_for, retained.votes_against, retained.abstentions) == (1200, 3, 0)
        assert (retained.mover, retained.body) == ("Cllr A", Body.CABINET)
        assert Pairing.objects.get().status == Status.RETAINED

    def test_bad_numbers_and_agreement_without_kind(self):
        header = HEADER + ",votes_for,agreement_term_years"
        report = import_twinnings(csv_of(
            "Leeds,GB,Dortmund,DE,twin town,,motion,2022,,,,,,,,many,0", header=header,
        ))
        where = {(p.row, p.column) for p in report.problems}
        assert where == {(2, "votes_for"), (2, "agreement_term_years"), (2, "agreement_kind")}

    def test_semicolon_separated_file_from_a_european_spreadsheet(self):
        data = csv_of("Leeds;GB;Dortmund;DE;twin town;;;;;;;;;;", header=HEADER.replace(",", ";"))
        report = import_twinnings(data.encode("utf-8"))
        assert report.ok and Pairing.objects.count() == 1

    def test_a_wikidata_qid_that_contradicts_the_recorded_one(self):
        place = PlaceFactory(name="Leeds", slug="leeds")
        PlaceIdentifier.objects.create(place=place, scheme="wikidata", value="Q39121")
        report = import_twinnings(csv_of("Leeds,GB,Dortmund,DE,twin town,,,,,,,,,,,Q1", header=HEADER + ",place_wikidata"))
        assert [(p.row, p.column) for p in report.problems] == [(2, "place_wikidata")]
        assert "Q39121" in report.problems[0].message
        assert not Pairing.objects.exists()

    def test_status_with_a_rescinded_decision_is_refused(self):
        report = import_twinnings(csv_of("Leeds,GB,Dortmund,DE,twin town,,rescinded,2023,active,,,https://example.org/a,A,Ex,"))
        assert [(p.row, p.column) for p in report.problems] == [(2, "event")]
