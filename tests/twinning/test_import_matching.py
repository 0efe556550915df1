"""Issue 10: the import says which existing place, pairing and event each row matched, flags likely
duplicates instead of creating them silently, and applies nothing until each flag is answered; it
runs in bulk (a bounded number of queries) with the same history and statuses as the services."""

import pytest

from tests.twinning.factories import PlaceFactory, make_pairing, record
from tests.twinning.test_import import HEADER, counts, csv_of
from twinning import services
from twinning.constants import EventType, Relationship, Status
from twinning.imports.spreadsheet import NEW, import_twinnings
from twinning.models import Event, EventCitation, Pairing, Place


@pytest.fixture
def newcastle_taiyuan_severed(db):
    """The real case: Newcastle upon Tyne–Taiyuan, a sister-city link severed in 2022."""
    pairing = make_pairing(
        place_a=PlaceFactory(name="Newcastle upon Tyne", country="GB", slug="newcastle-upon-tyne"),
        place_b=PlaceFactory(name="Taiyuan", local_name="太原", country="CN", slug="taiyuan"),
        relationship=Relationship.SISTER_CITY, established="1985",
    )
    record(pairing, EventType.DECISION_SEVER, "2022-11-02")
    pairing.refresh_from_db()
    assert pairing.status == Status.SEVERED
    return pairing


TWINNED = "Newcastle upon Tyne,GB,Taiyuan,CN,twinned,,,,,,,https://example.org/t,Twinned,Example,"


@pytest.mark.django_db
class TestSamePlacesUnderAnotherRelationship:
    def test_flagged_not_a_second_active_pairing(self, newcastle_taiyuan_severed):
        before = counts()
        preview = import_twinnings(csv_of(TWINNED), dry_run=True)
        assert preview.ok and not preview.ready
        [flag] = preview.unresolved
        assert (flag.row, flag.column, flag.kind) == (2, "relationship", "other_relationship")
        assert "sister city, severed" in flag.message
        assert [c.value for c in flag.candidates] == [str(newcastle_taiyuan_severed.pk)]
        assert flag.candidates[0].url.endswith(f"/twinning/pairing/{newcastle_taiyuan_severed.pk}/change/")

        report = import_twinnings(csv_of(TWINNED))
        assert not report.applied
        assert [(p.row, p.column) for p in report.problems] == [(2, "relationship")]
        assert "Not answered" in report.problems[0].message
        assert counts() == before

    def test_answered_with_the_recorded_pairing(self, newcastle_taiyuan_severed):
        report = import_twinnings(csv_of(TWINNED), resolutions={"2:relationship": str(newcastle_taiyuan_severed.pk)})
        assert report.applied, [str(p) for p in report.problems]
        assert Pairing.objects.count() == 1
        assert newcastle_taiyuan_severed.citations.filter(source__url="https://example.org/t").exists()
        newcastle_taiyuan_severed.refresh_from_db()
        assert newcastle_taiyuan_severed.status == Status.SEVERED

    def test_answered_new(self, newcastle_taiyuan_severed):
        report = import_twinnings(csv_of(TWINNED), resolutions={"2:relationship": NEW})
        assert report.applied
        assert set(Pairing.objects.values_list("relationship", flat=True)) == {"sister_city", "twin_town"}

    def test_an_answer_that_is_not_a_candidate_is_refused(self, newcastle_taiyuan_severed):
        report = import_twinnings(csv_of(TWINNED), resolutions={"2:relationship": "999999"})
        assert [(p.row, p.column) for p in report.problems] == [(2, "relationship")]
        assert Pairing.objects.count() == 1


@pytest.mark.django_db
class TestNearDuplicatePlaces:
    def test_a_similar_name_is_flagged_with_its_candidates(self, newcastle_taiyuan_severed):
        row = "Newcastle upon Tyne,GB,Taiyuan City,CN,sister city,,,,,,,,,,"
        preview = import_twinnings(csv_of(row), dry_run=True)
        [flag] = preview.unresolved
        assert (flag.column, flag.kind) == ("partner", "similar_place")
        taiyuan = Place.objects.get(name="Taiyuan")
        assert [c.value for c in flag.candidates] == [str(taiyuan.pk)]
        assert flag.candidates[0].url.endswith(f"/twinning/place/{taiyuan.pk}/change/")
        assert not import_twinnings(csv_of(row)).applied
        assert Place.objects.count() == 2

        used = import_twinnings(csv_of(row), resolutions={flag.key: str(taiyuan.pk)})
        assert used.applied and Place.objects.count() == 2
        assert [(m.kind, m.how) for m in used.rows[0].matched] == [("place", ""), ("place", "as you chose"), ("pairing", "")]

    def test_answered_new_creates_the_place_once_for_every_row(self, newcastle_taiyuan_severed):
        rows = [
            "Newcastle upon Tyne,GB,Taiyuan City,CN,twin town,,,,,,,,,,",
            "Taiyuan City,CN,Leeds,GB,twin town,,,,,,,,,,",
        ]
        flags = import_twinnings(csv_of(*rows), dry_run=True).unresolved
        assert [f.key for f in flags] == ["place:CN:taiyuan city"]  # asked once, answered for both rows
        report = import_twinnings(csv_of(*rows), resolutions={"place:CN:taiyuan city": NEW})
        assert report.applied
        assert Place.objects.filter(name="Taiyuan City").count() == 1

    def test_an_exact_match_says_which_place_with_a_link(self, newcastle_taiyuan_severed):
        report = import_twinnings(csv_of("Newcastle upon Tyne,GB,太原,CN,sister city,,,,,,,,,,"), dry_run=True)
        assert report.ready
        place, partner, pairing = report.rows[0].matched
        assert (place.kind, place.label) == ("place", "Newcastle upon Tyne (GB)")
        assert (partner.label, partner.url) == ("Taiyuan (CN)", f"/admin/twinning/place/{newcastle_taiyuan_severed.place_b_id}/change/")
        assert pairing.url == f"/admin/twinning/pairing/{newcastle_taiyuan_severed.pk}/change/"
        assert report.rows[0].action == "unchanged"


SEVER_DAY = (
    "Newcastle upon Tyne,GB,Taiyuan,CN,sister city,,severed,{date},,,,https://example.org/day,Day report,Example,"
)


@pytest.mark.django_db
class TestLikelyDuplicateEvents:
    def test_a_day_inside_a_recorded_month_is_flagged(self, newcastle_taiyuan_severed):
        # the recorded decision is dated 2022-11-02; a row "2022-11" overlaps it
        before = counts()
        preview = import_twinnings(csv_of(SEVER_DAY.format(date="2022-11")), dry_run=True)
        [flag] = preview.unresolved
        assert (flag.row, flag.column, flag.kind) == (2, "event_date", "similar_event")
        sever = Event.objects.get(event_type=EventType.DECISION_SEVER)
        assert [c.value for c in flag.candidates] == [str(sever.pk)]
        assert "2022-11-02" in flag.message and "overlaps 2022-11" in flag.message
        assert not import_twinnings(csv_of(SEVER_DAY.format(date="2022-11"))).applied
        assert counts() == before

    def test_the_same_event_is_cited_with_the_date_its_source_gives(self, newcastle_taiyuan_severed):
        sever = Event.objects.get(event_type=EventType.DECISION_SEVER)
        report = import_twinnings(csv_of(SEVER_DAY.format(date="2022-11")), resolutions={"2:event_date": str(sever.pk)})
        assert report.applied
        assert Event.objects.filter(event_type=EventType.DECISION_SEVER).count() == 1
        citation = EventCitation.objects.get(event=sever, source__url="https://example.org/day")
        assert citation.claimed.iso() == "2022-11"

    def test_a_month_beside_a_recorded_month_is_not_flagged(self, newcastle_taiyuan_severed):
        report = import_twinnings(csv_of(SEVER_DAY.format(date="2022-12")), dry_run=True)
        assert report.ready and report.rows[0].created == ["source “Day report”", "event decision to sever (2022-12)"]

    def test_duplicates_within_one_file_are_flagged_too(self, newcastle_taiyuan_severed):
        rows = [
            "Newcastle upon Tyne,GB,Taiyuan,CN,sister city,,review,2019-10,,,,https://example.org/a,A,Example,",
            "Newcastle upon Tyne,GB,Taiyuan,CN,sister city,,review,2019-10-07,,,,https://example.org/b,B,Example,",
        ]
        [flag] = import_twinnings(csv_of(*rows), dry_run=True).unresolved
        assert flag.row == 3 and [c.value for c in flag.candidates] == ["row-2"]
        report = import_twinnings(csv_of(*rows), resolutions={flag.key: "row-2"})
        assert report.applied
        review = Event.objects.get(event_type=EventType.REVIEW_OPENED)
        assert review.when.iso() == "2019-10"
        assert set(review.citations.values_list("source__url", flat=True)) == {"https://example.org/a", "https://example.org/b"}


@pytest.mark.django_db
class TestBulk:
    @staticmethod
    def name(i: int, salt: str) -> str:
        """A made-up name unlike the others ("Town 001"/"Town 002" would be flagged as two spellings)."""
        import hashlib

        return "".join(chr(97 + int(c, 16)) for c in hashlib.sha256(f"{salt}{i}".encode()).hexdigest()[:10]).capitalize()

    def rows(self, n: int) -> str:
        return csv_of(*(
            f"{self.name(i, 'gb')},GB,{self.name(i, 'cn')},CN,sister city,{1980 + i % 30},severed,2022-0{1 + i % 9},,,,"
            f"https://example.org/{i},Report {i},Example,"
            for i in range(n)
        ))

    def test_queries_do_not_grow_with_the_rows(self, django_assert_max_num_queries, curator):
        # 40 rows, each a new place pair, a pairing, two events, a source: a per-row path needs hundreds
        with django_assert_max_num_queries(130):
            report = import_twinnings(self.rows(40), user=curator, reason="bulk test")
        assert report.applied, [str(p) for p in report.problems[:3]]
        assert Pairing.objects.filter(status=Status.SEVERED).count() == 40

    def test_every_new_record_has_its_history_with_user_and_reason(self, curator):
        import_twinnings(self.rows(3), user=curator, reason="bulk test")
        for model in (Place, Pairing, Event, EventCitation):
            history = model.history.all()
            assert history.count() == model.objects.count() > 0
            assert {(h.history_type, h.history_user, h.history_change_reason) for h in history} == {("+", curator, "bulk test")}
        for place in Place.objects.all():  # the history record holds the row as created
            assert (place.history.get().name, place.history.get().slug) == (place.name, place.slug)

    def test_stored_status_is_what_the_single_refresh_stores(self):
        import_twinnings(self.rows(5))
        stored = {p.pk: (p.status, p.status_since, p.status_event_id) for p in Pairing.objects.all()}
        for pairing in Pairing.objects.all():
            services.pairing_status_refresh(pairing=pairing)
        assert {p.pk: (p.status, p.status_since, p.status_event_id) for p in Pairing.objects.all()} == stored

    def test_slugs_stay_unique_beside_existing_ones(self):
        PlaceFactory(name="Springfield", country="US", slug="springfield")
        header = HEADER + ",place_region"
        report = import_twinnings(csv_of(
            "Springfield,GB,Leeds,GB,twin town,,,,,,,,,,,Kent",
            "Springfield,CN,Leeds,GB,twin town,,,,,,,,,,,",
            header=header,
        ), resolutions={"place:GB:springfield": NEW})
        assert report.applied, [str(p) for p in report.problems]
        assert sorted(Place.objects.filter(name="Springfield").values_list("slug", flat=True)) == [
            "springfield", "springfield-2", "springfield-3"
        ]


@pytest.mark.django_db
def test_the_bulk_near_duplicate_check_finds_what_similar_places_finds():
    from twinning.selectors import similar_places, similar_places_many

    PlaceFactory(name="Taiyuan", local_name="太原", country="CN", slug="taiyuan")
    PlaceFactory(name="Taizhou", country="CN", slug="taizhou")
    PlaceFactory(name="Ningbo", local_name="宁波", country="CN", slug="ningbo")
    PlaceFactory(name="Newcastle upon Tyne", country="GB", slug="newcastle")
    beijing = PlaceFactory(name="Beijing", local_name="北京", country="CN", slug="beijing")
    services.place_name_add(place=beijing, name="Peking", reason="test")
    queries = [("Taiyuan City", "CN"), ("寧波", "CN"), ("Newcastle", "GB"), ("Newcastle", "CN"), ("Zzz", "CN"),
               ("Pekin", "CN"), ("Pekin", "GB")]
    many = similar_places_many(queries)
    for text, country in queries:
        expected = similar_places(text, country=country)
        assert [(p.pk, round(p.similarity, 4)) for p in many[(text, country)]] == [
            (p.pk, round(p.similarity, 4)) for p in expected
        ]
    assert [p.name for p in many[("寧波", "CN")]] == ["Ningbo"]  # either Chinese script
    assert [p.name for p in many[("Pekin", "CN")]] == ["Beijing"]  # through its other name Peking
    assert many[("Zzz", "CN")] == [] and many[("Pekin", "GB")] == []


@pytest.mark.django_db
def test_the_command_lists_flags_and_takes_answers(tmp_path, capsys, newcastle_taiyuan_severed):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "sheet.csv"
    path.write_text(csv_of(TWINNED))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_twinnings", str(path), "--no-progress")
    err = capsys.readouterr().err
    assert f"Answer 2:relationship=new or one of: {newcastle_taiyuan_severed.pk} = " in err
    assert Pairing.objects.count() == 1

    call_command("import_twinnings", str(path), "--no-progress", "--answer", "2:relationship=new")
    assert Pairing.objects.count() == 2


@pytest.mark.django_db
class TestOtherNames:
    """Issue 10: "Peking" in a spreadsheet is Beijing, recorded with Peking among its other names."""

    @pytest.fixture
    def beijing(self, db):
        from twinning.constants import PlaceNameKind

        place = PlaceFactory(name="Beijing", local_name="北京", country="CN", slug="beijing", region="")
        services.place_name_add(place=place, name="Peking", kind=PlaceNameKind.HISTORICAL, reason="test")
        return place

    ROW = "London,GB,Peking,CN,sister city,2006,,,,,,https://example.org/p,Partners,Example,"

    def test_an_exact_other_name_in_the_same_country_matches_the_place(self, beijing):
        preview = import_twinnings(csv_of(self.ROW), dry_run=True)
        assert preview.ready, [str(p) for p in preview.problems]
        [row] = preview.rows
        assert ("place", "Beijing (CN)", "through its other name Peking") in [(m.kind, m.label, m.how) for m in row.matched]
        assert row.created == ["place London (GB)", "source “Partners”", "pairing London – Beijing (sister city)",
                               "event established (2006)"]

        assert import_twinnings(csv_of(self.ROW)).applied
        assert Place.objects.filter(country="CN").get() == beijing  # no second Beijing called Peking
        assert Pairing.objects.get().place_b == beijing or Pairing.objects.get().place_a == beijing

    def test_the_match_shows_on_the_admin_preview(self, beijing, client, curator):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        client.force_login(curator)
        response = client.post(reverse("admin:twinning_pairing_import"), {
            "file": SimpleUploadedFile("s.csv", csv_of(self.ROW).encode(), content_type="text/csv")})
        page = response.content.decode()
        assert f'<a href="/admin/twinning/place/{beijing.pk}/change/">Beijing (CN)</a> <em>(through its other name Peking)</em>' in page

    def test_another_country_does_not_match(self, beijing):
        row = "London,GB,Peking,US,sister city,,,,,,,,,,"
        preview = import_twinnings(csv_of(row), dry_run=True)
        assert "place Peking (US)" in preview.rows[0].created

    def test_an_other_name_of_two_places_is_refused_by_row_and_column(self, beijing):
        other = PlaceFactory(name="Beijing Shi", country="CN", slug="beijing-shi", region="")
        services.place_name_add(place=other, name="peking", reason="test")
        report = import_twinnings(csv_of(self.ROW))
        assert [(p.row, p.column) for p in report.problems] == [(2, "partner")]
        assert "another name of more than one place (Beijing, Beijing Shi)" in report.problems[0].message
        assert not Pairing.objects.exists()

    def test_a_misspelt_other_name_is_flagged_as_near_duplicate(self, beijing):
        preview = import_twinnings(csv_of(self.ROW.replace("Peking", "Pekin")), dry_run=True)
        [flag] = preview.unresolved
        assert (flag.row, flag.column, flag.kind) == (2, "partner", "similar_place")
        assert [c.value for c in flag.candidates] == [str(beijing.pk)]


@pytest.mark.django_db
class TestTwoSpellingsOfOneNewPlace:
    """Issue 10: "Praha" and "Prague", both new in one file and in the same country, are flagged."""

    ROWS = (
        "Praha,CZ,Taipei,TW,sister city,2019,,,,,,https://example.org/a,A,Example,",
        "Prague,CZ,Shanghai,CN,sister city,2016,,,,,,https://example.org/b,B,Example,",
    )

    def test_the_later_spelling_is_flagged_with_the_earlier_new_place(self, db):
        preview = import_twinnings(csv_of(*self.ROWS), dry_run=True)
        [flag] = preview.unresolved
        assert (flag.row, flag.column, flag.kind, flag.key) == (3, "place", "similar_place", "place:CZ:prague")
        assert "a similar place named earlier in this file" in flag.message
        assert [(c.value, c.label) for c in flag.candidates] == [("same:praha", "Praha (CZ) (new in row 2)")]
        assert not import_twinnings(csv_of(*self.ROWS)).applied
        assert not Place.objects.exists()

    def test_answered_as_the_same_place(self, db):
        report = import_twinnings(csv_of(*self.ROWS), resolutions={"place:CZ:prague": "same:praha"})
        assert report.applied, [str(p) for p in report.problems]
        assert list(Place.objects.filter(country="CZ").values_list("name", flat=True)) == ["Praha"]
        assert Pairing.objects.filter(place_a__name="Praha").count() + Pairing.objects.filter(place_b__name="Praha").count() == 2

    def test_answered_new(self, db):
        assert import_twinnings(csv_of(*self.ROWS), resolutions={"place:CZ:prague": NEW}).applied
        assert set(Place.objects.filter(country="CZ").values_list("name", flat=True)) == {"Praha", "Prague"}

    def test_other_countries_and_unlike_names_are_not_flagged(self, db):
        rows = (self.ROWS[0], self.ROWS[1].replace("Prague,CZ", "Prague,US"), "Brno,CZ,Taipei,TW,sister city,2019,,,,,,https://example.org/c,C,Example,")
        assert import_twinnings(csv_of(*rows), dry_run=True).ready

    def test_the_answer_holds_across_batches_of_a_background_import(self, curator):
        from twinning.imports.spreadsheet import import_twinnings_in_batches

        report = import_twinnings_in_batches(
            csv_of(*self.ROWS).encode(), user=curator, resolutions={"place:CZ:prague": "same:praha"}, batch_rows=1,
        )
        assert report.applied, [str(p) for p in report.problems]
        assert list(Place.objects.filter(country="CZ").values_list("name", flat=True)) == ["Praha"]
        assert Pairing.objects.count() == 2
