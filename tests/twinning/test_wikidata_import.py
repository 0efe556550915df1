"""The world register (issue 8): the Wikidata P190 importer, the "listed" status, drift and coverage."""

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from tests.twinning.factories import PlaceFactory, make_pairing, record
from twinning import services, world
from twinning.constants import EventType, IdentifierScheme, Status
from twinning.imports import wikidata
from twinning.imports.wikidata import WikidataImportError, import_wikidata
from twinning.models import AmbiguousMatch, Event, EventCitation, ImportReport, Listing, Pairing, Place, PlaceIdentifier, Snapshot
from twinning.services import pairing_status_refresh

HEADER = "item,itemLabel,itemCountryCode,itemCoord,twin,twinLabel,twinCountryCode,twinCoord,start,end,endCause,endCauseLabel\n"
E = "http://www.wikidata.org/entity/"
MAY = dt.date(2026, 5, 1)


def row(item, item_label, item_cc, twin, twin_label, twin_cc, *, item_coord="Point(1.5 50.25)", twin_coord="Point(2 51)"):
    return f"{E}{item},{item_label},{item_cc},{item_coord},{E}{twin},{twin_label},{twin_cc},{twin_coord},,,,\n"


def csv_bytes(*rows) -> bytes:
    return (HEADER + "".join(rows)).encode()


def run(data: bytes, snapshot=MAY, **kw):
    return import_wikidata(data, snapshot=snapshot, file_name="test.csv", **kw)


def qid_place(qid) -> Place:
    return PlaceIdentifier.objects.select_related("place").get(scheme=IdentifierScheme.WIKIDATA, value=qid).place


@pytest.fixture
def newcastle_taiyuan(db):
    """A curated pairing severed by a sourced decision, both places carrying their QIDs."""
    newcastle = services.place_create(name="Newcastle upon Tyne", country="GB", identifiers={"wikidata": "Q1425428"})
    taiyuan = services.place_create(name="Taiyuan", country="CN", local_name="太原", identifiers={"wikidata": "Q72778"})
    pairing = make_pairing(place_a=newcastle, place_b=taiyuan, established="1985")
    record(pairing, EventType.DECISION_SEVER, "2022-11-02")
    pairing.refresh_from_db()
    return pairing


SMALL = csv_bytes(
    row("Q1425428", "Newcastle upon Tyne", "GB", "Q72778", "Taiyuan", "CN"),
    row("Q1425428", "Newcastle upon Tyne", "GB", "Q749", "Groningen", "NL"),
    row("Q749", "Groningen", "NL", "Q1425428", "Newcastle upon Tyne", "GB"),  # the other direction: same pairing
    row("Q1425428", "Newcastle upon Tyne", "GB", "Q1792", "Gdańsk", "PL", twin_coord="Point(nonsense)"),
    row("Q25270", "Pristina", "XK", "Q1425428", "Newcastle upon Tyne", "GB"),
)


@pytest.mark.django_db
class TestImport:
    def test_reconciles_creates_and_labels_listed(self, newcastle_taiyuan):
        report = run(SMALL)
        # The curated pairing keeps its status and since date; the listing is recorded as evidence.
        newcastle_taiyuan.refresh_from_db()
        assert (newcastle_taiyuan.status, newcastle_taiyuan.status_since) == (Status.SEVERED, dt.date(2022, 11, 2))
        assert newcastle_taiyuan.listings.get().item_label == "Newcastle upon Tyne"
        # A pair listed both ways is one pairing, "listed" since the snapshot, with no invented establishment.
        groningen = Pairing.objects.get(place_b__name="Groningen")
        assert groningen.status == Status.LISTED and groningen.status_since == MAY
        assert groningen.listings.get().direction == "both"
        assert not groningen.events.filter(event_type=EventType.ESTABLISHED).exists()
        assert groningen.events.get().citations.get().source == Snapshot.objects.get().source
        # New places: kind "other", country as listed, coordinates only when readable.
        gdansk = qid_place("Q1792")
        assert (gdansk.kind, gdansk.country, gdansk.latitude) == ("other", "PL", None)
        assert qid_place("Q749").latitude is not None
        # Non-ISO codes are a rule with a report line naming row and column.
        assert not PlaceIdentifier.objects.filter(value="Q25270").exists()
        lines = {(li["row"], li["column"], li["kind"]) for li in report.lines}
        assert (6, "item", "skipped") in lines and (5, "twinCoord", "note") in lines
        assert "XK (Kosovo) is not ISO 3166-1" in report.text
        assert report.counts["pairings_created"] == 2 and report.counts["pairings_matched"] == 1
        assert report.counts["pairs_listed_both_ways"] == 1

    def test_reimport_changes_nothing(self, newcastle_taiyuan):
        run(SMALL)
        before = {m.__name__: list(m.objects.order_by("pk").values()) for m in (Place, Pairing, Event, Listing, Snapshot)}
        report = run(SMALL)
        after = {m.__name__: list(m.objects.order_by("pk").values()) for m in (Place, Pairing, Event, Listing, Snapshot)}
        assert after == before
        assert report.counts["listings_unchanged"] == 3 and report.counts.get("places_created", 0) == 0
        assert ImportReport.objects.count() == 2  # each run is recorded

    def test_name_match_stores_qid_and_ambiguity_is_never_guessed(self, db):
        plain = PlaceFactory(name="Bath", country="GB", slug="bath")
        PlaceFactory(name="Perth", country="AU", slug="perth-au-1")
        PlaceFactory(name="Perth", country="AU", slug="perth-au-2")
        report = run(csv_bytes(
            row("Q22889", "Bath", "GB", "Q3183", "Perth", "AU"),
            row("Q22889", "Bath", "GB", "Q2773", "Brunswick", "DE"),
        ))
        assert qid_place("Q22889") == plain
        match = AmbiguousMatch.objects.get(qid="Q3183")
        assert sorted(match.candidates.values_list("slug", flat=True)) == ["perth-au-1", "perth-au-2"]
        assert not Pairing.objects.filter(place_b__name="Perth").exists()
        assert any(li["kind"] == "ambiguous" and li["row"] == 2 for li in report.lines)

    def test_each_phase_is_planned_with_the_rows_the_phase_before_wrote(self, db, monkeypatch):
        """The citations' triggers join the events the import just wrote. Planned with statistics from when
        the events table was empty (as autovacuum leaves it after a rolled-back import), the world file's
        first citations insert did not finish within CI's 90 minutes. The import analyses each table it fills before
        the next phase reads it."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE twinning_event, twinning_listing")  # what the planner knows now: none
        seen = {}

        def planner_rows(table):
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
                return cursor.fetchone()[0]

        bulk_create, flag_missing = EventCitation.objects.bulk_create, wikidata._Run.flag_missing

        def citations_spy(objs, **kw):
            seen.setdefault("events before the citations", planner_rows("twinning_event"))
            return bulk_create(objs, **kw)

        def flag_missing_spy(self):
            seen["listings before flag_missing"] = planner_rows("twinning_listing")
            return flag_missing(self)

        monkeypatch.setattr(EventCitation.objects, "bulk_create", citations_spy)
        monkeypatch.setattr(wikidata._Run, "flag_missing", flag_missing_spy)
        pairs = [row(f"Q{1000 + i}", f"Town {i}", "GB", f"Q{5000 + i}", f"Ville {i}", "FR") for i in range(40)]
        report = run(csv_bytes(*pairs))
        assert report.counts["pairings_created"] == 40
        assert seen == {"events before the citations": 40, "listings before flag_missing": 40}
        assert set(Pairing.objects.values_list("sources_cited", flat=True)) == {1}

    def test_local_name_counts(self, db):
        ningbo = PlaceFactory(name="Ningbo", local_name="宁波", country="CN", slug="ningbo")
        run(csv_bytes(row("Q41262", "Nottingham", "GB", "Q42780", "宁波", "CN")))
        assert qid_place("Q42780") == ningbo

    @pytest.mark.parametrize(
        "data, message",
        [
            (b"item,twin\nx,y\n", "row 1 (header): missing column(s) itemLabel"),
            (HEADER.encode(), "no rows"),
            (b"\xff\xfe" + HEADER.encode(), "not UTF-8"),
        ],
    )
    def test_bad_file_is_a_clear_error_and_writes_nothing(self, db, data, message):
        with pytest.raises(WikidataImportError, match=re.escape(message)):
            run(data)
        assert not Snapshot.objects.exists() and not ImportReport.objects.exists()

    def test_bad_cells_name_row_and_column(self, db):
        report = run(csv_bytes(
            "not-an-iri,X,GB,,http://www.wikidata.org/entity/Q1,Y,GB,,,,,\n",
            f"{E}Q5,A,GB,,{E}Q6,B,GB,,yesterday,,,\n",
            row("Q7", "Seven", "GB", "Q8", "Eight", "FR"),
        ))
        assert ("row 2, column item", "row 3, column start") == tuple(
            f"row {li['row']}, column {li['column']}" for li in report.lines if li["kind"] == "skipped"
        )
        assert Pairing.objects.count() == 1

    def test_command_prints_report_and_rejects_bad_snapshot(self, db, tmp_path: Path):
        path = tmp_path / "p190.csv"
        path.write_bytes(csv_bytes(row("Q7", "Seven", "GB", "Q8", "Eight", "FR")))
        out, err = io.StringIO(), io.StringIO()
        call_command("import_wikidata", str(path), "--snapshot", "2026-05-01", stdout=out, stderr=err)
        assert "pairings created" in out.getvalue() and "Imported p190.csv" in out.getvalue()
        with pytest.raises(CommandError, match="--snapshot “1 May” is not a date"):
            call_command("import_wikidata", str(path), "--snapshot", "1 May", stdout=out, stderr=err)


@pytest.mark.django_db
class TestListedStatus:
    def test_listing_never_overrides_curated_and_as_of_before_knows_nothing(self, newcastle_taiyuan):
        run(SMALL)
        groningen = Pairing.objects.get(place_b__name="Groningen")
        # A curated decision after the snapshot outranks the listing; the listing cannot revive it.
        record(groningen, EventType.DECISION_SEVER, "2026-06-01")
        groningen.refresh_from_db()
        assert groningen.status == Status.SEVERED
        from twinning.selectors import pairings_with_status

        assert pairings_with_status(as_of=dt.date(2026, 4, 30)).get(pk=groningen.pk).current_status == Status.UNKNOWN
        assert pairings_with_status(as_of=MAY).get(pk=groningen.pk).current_status == Status.LISTED

    def test_bulk_status_equals_pairing_status_refresh(self, newcastle_taiyuan):
        run(SMALL)
        sample = list(Pairing.objects.order_by("pk"))
        stored = {p.pk: (p.status, p.status_since, p.status_since_precision) for p in sample}
        afters = dict(Event.objects.values_list("pk", "status_after"))
        for pairing in sample:
            pairing_status_refresh(pairing=pairing)
        assert {p.pk: (p.status, p.status_since, p.status_since_precision) for p in Pairing.objects.all()} == stored
        assert dict(Event.objects.values_list("pk", "status_after")) == afters

    def test_absence_from_a_later_snapshot_flags_never_severs(self, db):
        run(csv_bytes(row("Q7", "Seven", "GB", "Q8", "Eight", "FR"), row("Q7", "Seven", "GB", "Q9", "Nine", "DE")),
            snapshot=dt.date(2016, 9, 12))
        run(csv_bytes(row("Q7", "Seven", "GB", "Q8", "Eight", "FR")))
        gone = Pairing.objects.get(place_b__name="Nine")
        assert gone.status == Status.LISTED
        assert gone.listings.get().missing_since == MAY
        kinds = {(r.kind, str(r.pairing)) for r in world.drift_rows()}
        assert kinds == {("gone_from_snapshot", "Seven – Nine")}


def ended_row(item, item_label, item_cc, twin, twin_label, twin_cc, end, cause="", cause_label=""):
    cause = f"{E}{cause}" if cause else ""
    return f"{E}{item},{item_label},{item_cc},Point(1 50),{E}{twin},{twin_label},{twin_cc},Point(2 51),,{end},{cause},{cause_label}\n"


@pytest.mark.django_db
class TestEndTimes:
    ENDED = csv_bytes(
        ended_row("Q1425428", "Newcastle upon Tyne", "GB", "Q72778", "Taiyuan", "CN", "2024-01-01T00:00:00Z"),  # after the decision
        ended_row("Q100", "Wakefield", "GB", "Q200", "Xiangyang", "CN", "2023-03-01T00:00:00Z", "Q300", "council decision"),
        ended_row("Q101", "Kassel", "DE", "Q201", "Florence", "IT", "2019-06-14T00:00:00Z"),
        row("Q102", "Mainz", "DE", "Q202", "Dijon", "FR"),
    )

    def test_end_time_is_a_sourced_event_at_its_precision_and_never_overrides_curated(self, newcastle_taiyuan):
        report = run(self.ENDED)
        ended = {e.pairing.place_b.name: e for e in Event.objects.filter(event_type=EventType.LISTED_ENDED).select_related("pairing__place_b")}
        assert set(ended) == {"Taiyuan", "Xiangyang", "Florence"}
        assert (ended["Taiyuan"].date, ended["Taiyuan"].date_precision) == (dt.date(2024, 1, 1), "year")
        assert (ended["Xiangyang"].date, ended["Xiangyang"].date_precision) == (dt.date(2023, 3, 1), "month")
        assert (ended["Florence"].date, ended["Florence"].date_precision) == (dt.date(2019, 6, 14), "day")
        assert ended["Xiangyang"].citations.get().source == Snapshot.objects.get().source
        assert "end cause as given: “council decision” (Q300)" in ended["Xiangyang"].summary
        # Known only from Wikidata: lapsed (not severed: the register does not know why), from the end date,
        # and counted as listed, not as checked by curators.
        xiangyang = ended["Xiangyang"].pairing
        xiangyang.refresh_from_db()
        assert (xiangyang.status, xiangyang.status_since, xiangyang.status_since_precision) == ("lapsed", dt.date(2023, 3, 1), "month")
        assert world.coverage(Pairing.objects.filter(pk=xiangyang.pk))["listed"] == 1
        # A curated decision in force outranks a Wikidata end time.
        newcastle_taiyuan.refresh_from_db()
        assert (newcastle_taiyuan.status, newcastle_taiyuan.status_since) == (Status.SEVERED, dt.date(2022, 11, 2))
        assert Pairing.objects.get(place_b__name="Dijon").status == Status.LISTED
        assert report.counts["end_events_created"] == 3
        # Idempotent: the same file again changes nothing.
        again = run(self.ENDED)
        assert Event.objects.filter(event_type=EventType.LISTED_ENDED).count() == 3
        assert (again.counts.get("end_events_created"), again.counts.get("end_events_updated"), again.counts["statuses_changed"]) == (0, 0, 0)

    def test_end_time_over_curated_history_after_it_still_ranks_by_date(self, db):
        # An end time before a curated event: the curated event, later, decides.
        run(csv_bytes(ended_row("Q101", "Kassel", "DE", "Q201", "Florence", "IT", "2019-06-14T00:00:00Z")))
        pairing = Pairing.objects.get()
        record(pairing, EventType.REINSTATED, "2024-02-02")
        pairing.refresh_from_db()
        assert pairing.status == Status.ACTIVE and world.coverage(Pairing.objects.all())["checked"] == 1

    @pytest.mark.parametrize("end", ["2021-02-30T00:00:00Z", "-0044-03-15T00:00:00Z"])
    def test_unreal_end_date_is_a_line_naming_row_and_column(self, db, end):
        report = run(csv_bytes(ended_row("Q101", "Kassel", "DE", "Q201", "Florence", "IT", end)))
        assert [(li["row"], li["column"], li["kind"]) for li in report.lines] == [(2, "end", "skipped")]
        assert not Event.objects.exists()


@pytest.mark.django_db
class TestAdminUpload:
    URL = "/admin/twinning/snapshot/import/"
    THREE = csv_bytes(
        row("Q749", "Groningen", "NL", "Q1425428", "Newcastle upon Tyne", "GB"),
        row("Q1425428", "Newcastle upon Tyne", "GB", "Q749", "Groningen", "NL"),
        row("Q1425428", "Newcastle upon Tyne", "GB", "Q1792", "Gdańsk", "PL"),
    )

    def post_file(self, client, data, snapshot="2026-05-01"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(self.URL, {"file": SimpleUploadedFile("small.csv", data, content_type="text/csv"), "snapshot": snapshot})

    def test_preview_then_confirm_imports_and_keeps_the_report(self, client, curator):
        client.force_login(curator)
        assert "Import a Wikidata file" in client.get("/admin/twinning/snapshot/").content.decode()
        preview = self.post_file(client, self.THREE)
        html = preview.content.decode()
        assert "nothing has been written yet" in html
        assert re.search(r"3\s+rows read", html) and re.search(r"2\s+pairings created", html)
        assert not Pairing.objects.exists() and not ImportReport.objects.exists() and not Snapshot.objects.exists()
        done = client.post(self.URL, {"confirm": preview.context["confirm_digest"]}, follow=True)
        assert Pairing.objects.filter(status=Status.LISTED).count() == 2
        report = ImportReport.objects.get()
        assert report.user == curator and report.counts["rows"] == 3 and "in the admin" in report.reason
        assert "2 pairings created, 2 listings created" in done.content.decode()
        assert done.redirect_chain[-1][0] == f"/admin/twinning/importreport/{report.pk}/change/"

    @pytest.mark.parametrize(("data", "snapshot", "message"), [
        (b"item,twin\nQ1,Q2\n", "2026-05-01", "row 1 (header): missing column(s) itemLabel"),
        (b"\xff\xfe", "2026-05-01", "the file is not UTF-8"),
        (HEADER.encode() + b"x\n" * 5001, "2026-05-01", "the admin imports up to 5000"),
        (b"", "2026-05-01", "The submitted file is empty."),
    ])
    def test_bad_file_is_a_form_error(self, client, curator, data, snapshot, message):
        client.force_login(curator)
        response = self.post_file(client, data, snapshot)
        assert response.status_code == 200
        assert message in response.context["form"].errors["file"][0] and message.split("(")[0] in response.content.decode().replace("&#x27;", "'")
        assert not Snapshot.objects.exists()

    def test_future_snapshot_is_a_form_error(self, client, curator):
        client.force_login(curator)
        response = self.post_file(client, self.THREE, "2999-01-01")
        assert "the snapshot date 2999-01-01 is in the future" in response.content.decode()

    def test_needs_permission(self, client, db):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
        client.force_login(user)
        assert client.get(self.URL).status_code == 403


@pytest.mark.django_db
class TestPages:
    def test_drift_page_csv_api_and_quickstatements(self, client, newcastle_taiyuan):
        run(SMALL)
        source_url = newcastle_taiyuan.events.get(event_type=EventType.DECISION_SEVER).citations.get().source.url
        line = f'Q1425428|P190|Q72778|P582|+2022-11-02T00:00:00Z/11|S854|"{source_url}"'
        page = client.get(reverse("drift")).content.decode()
        assert "Newcastle upon Tyne – Taiyuan" in page and line in page.replace("&quot;", '"')
        assert "Groningen" not in page
        assert client.get(reverse("drift-quickstatements")).content.decode() == line + "\n"
        rows = list(csv.DictReader(io.StringIO(client.get(reverse("drift-csv")).content.decode())))
        assert [(r["pairing"], r["quickstatements"]) for r in rows] == [("Newcastle upon Tyne – Taiyuan", line)]
        api = client.get(reverse("v1:drift")).json()
        assert api["count"] == 1 and api["results"][0]["decision"]["sources"][0]["url"] == source_url

    def test_place_and_pairing_pages_say_what_is_known(self, client, newcastle_taiyuan, django_assert_max_num_queries):
        rows = [row("Q1425428", "Newcastle upon Tyne", "GB", f"Q{1000 + n}", f"Town {n}", "DE") for n in range(25)]
        run(csv_bytes(*rows))
        with django_assert_max_num_queries(25):
            page = client.get(reverse("place-detail", args=["newcastle-upon-tyne"])).content.decode()
        assert "26 pairings: 1 checked by curators, 25 listed by Wikidata" in page
        groningen = Pairing.objects.filter(status=Status.LISTED).first()
        detail = client.get(groningen.get_absolute_url()).content.decode()
        assert "listed by Wikidata (snapshot 1 May 2026), not yet checked" in detail
        empty = PlaceFactory(name="Medway", slug="medway")
        page = client.get(empty.get_absolute_url()).content.decode()
        assert "We have no record of twinnings for Medway yet" in page and "Suggest one" in page

    def test_api_labels_listed_pairings(self, client, newcastle_taiyuan):
        run(csv_bytes(row("Q1425428", "Newcastle upon Tyne", "GB", "Q956", "Beijing", "CN")))
        results = client.get("/api/v1/pairings/?countries=GB,CN").json()["results"]
        labels = {r["place_b"]["name"]: (r["status"], r["status_label"]) for r in results}
        assert labels["Beijing"] == ("listed", "listed by Wikidata (snapshot 1 May 2026), not yet checked")
        assert labels["Taiyuan"] == ("severed", "Severed")

    def test_stats_and_api_count_checked_apart_from_listed(self, client, newcastle_taiyuan, django_assert_max_num_queries):
        rows = [row("Q1425428", "Newcastle upon Tyne", "GB", f"Q{1000 + n}", f"Town {n}", "DE") for n in range(22)]
        run(csv_bytes(*rows))
        make_pairing(place_a=PlaceFactory(name="Lyon", slug="lyon", country="FR"), place_b=PlaceFactory(name="Trier", slug="trier", country="DE"), established=None)  # no status yet
        with django_assert_max_num_queries(8):
            page = client.get("/stats/")
        text = " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())
        assert "1 pairings checked by curators (a sourced event brought their status), 22 known only from Wikidata listings, 1 with no known status." in text
        table = {r["status"]: (r["verified"], r["listed"]) for r in page.context["evidence_rows"]}
        assert table == {Status.SEVERED: (1, 0), Status.LISTED: (0, 22)}
        with django_assert_max_num_queries(8):
            api = client.get("/api/v1/stats/").json()
        assert api["pairings_by_evidence"] == {"verified": 1, "listed": 22, "unknown": 1}
        assert api["verified_pairings_by_status"]["severed"] == 1 and api["verified_pairings_by_status"]["listed"] == 0
        assert api["listed_pairings_by_status"]["listed"] == 22 and api["pairings_by_status"]["listed"] == 22
        de = next(c for c in api["countries"] if c["country"] == "DE")
        assert (de["pairings"], de["verified"], de["listed"]) == (23, 0, 22)  # Trier: unknown

    def test_map_hides_listed_until_asked_and_says_so(self, client, newcastle_taiyuan, django_assert_max_num_queries):
        rows = [row("Q1425428", "Newcastle upon Tyne", "GB", f"Q{1000 + n}", f"Town {n}", "DE") for n in range(22)]
        run(csv_bytes(*rows))
        Place.objects.filter(latitude__isnull=True).update(latitude=10, longitude=10)  # every pairing is a line
        with django_assert_max_num_queries(10):
            page = client.get(reverse("map")).content.decode()
        text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
        assert "1 pairing shown: 1 checked by curators; 22 listed by Wikidata hidden" in text
        assert page.count('class="pairing-line"') == 1 and 'name="listed"' in page and "Also show 22 pairings listed by Wikidata" in text
        with django_assert_max_num_queries(10):
            shown = client.get(reverse("map") + "?listed=1").content.decode()
        text = " ".join(re.sub(r"<[^>]+>", " ", shown).split())
        assert "23 pairings shown: 1 checked by curators, 22 listed by Wikidata and not yet checked (thinner, faded)" in text
        assert shown.count('class="pairing-line"') == 23 and shown.count("listed-only") == 22
        # Asking for the status "listed" by name shows them too.
        assert client.get(reverse("map") + "?status=listed").content.decode().count('class="pairing-line"') == 22

    def test_map_without_listings_has_no_toggle(self, client, newcastle_taiyuan):
        page = client.get(reverse("map")).content.decode()
        assert 'name="listed"' not in page and "hidden" not in page.split('id="map-count"')[1].split("</p>")[0]



WORLD_FILE = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "world" / "wikidata-p190-2026.csv"


@pytest.mark.world
@pytest.mark.django_db
def test_world_file_done_when(client, admin_client):
    """Issue 8 "done when", on the real 2026 file after the demo data."""
    if not WORLD_FILE.exists():
        pytest.skip(f"the world file is not here ({WORLD_FILE}); it lives in ../shared/data/world/ and is never committed")
    call_command("load_demo", stdout=io.StringIO())
    curated = {p.pk: (p.status, p.status_since) for p in Pairing.objects.all()}
    report = run(WORLD_FILE.read_bytes())
    assert report.counts["pairings_created"] > 10_000
    assert {p.pk: (p.status, p.status_since) for p in Pairing.objects.filter(pk__in=curated)} == curated
    page = client.get("/places/newcastle-upon-tyne/").content.decode()
    assert "Groningen" in page and "Gdańsk" in page and "listed by Wikidata" in page
    taiyuan = Pairing.objects.get(place_a__slug="newcastle-upon-tyne", place_b__slug="taiyuan")
    assert (taiyuan.status, taiyuan.status_since) == (Status.SEVERED, dt.date(2022, 11, 2))
    detail = client.get(taiyuan.get_absolute_url()).content.decode()
    assert "2 November 2022" in detail and "ffhr.cz" in detail
    drift = {str(r.pairing): r.quickstatements for r in world.drift_rows()}
    assert drift["Newcastle upon Tyne – Taiyuan"][0].startswith("Q1425428|P190|Q72778|P582|+2022-11-02T00:00:00Z/11|S854|")
    assert drift["Wakefield – Xiangyang"][0].startswith("Q216638|P190|Q71284|P582|+2020-09-00T00:00:00Z/10")
    results = client.get("/api/v1/pairings/?countries=GB,CN&page_size=100").json()["results"]
    assert any(r["status"] == "listed" and r["status_label"].startswith("listed by Wikidata") for r in results)
    admin_page = admin_client.get(reverse("admin:twinning_importreport_change", args=[report.pk])).content.decode()
    assert "places matched by Wikidata QID" in admin_page
    assert admin_client.get(reverse("admin:twinning_ambiguousmatch_changelist")).status_code == 200
