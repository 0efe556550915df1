"""The real demo data (fixtures/demo.json) loads through the services and says what the seed facts say
(fixtures/demo-facts.json; the tests marked `world` also check those against ../shared when it is there)."""

import datetime as dt
import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q

from campaigns.models import Campaign, CampaignTarget, Organisation, Petition
from core.partialdates import PartialDate
from sources.models import Source
from twinning.constants import Confidence, EventType, Status
from twinning.models import Event, Pairing, Place
from twinning.permissions import CURATORS, EDITORS
from twinning.selectors import pairings_with_status

REPO = Path(__file__).resolve().parents[2]
FACTS = json.loads((REPO / "fixtures" / "demo-facts.json").read_text())
SHARED = REPO.parent / "shared"  # the seed articles and research notes, next to a working checkout only
SEED_FACTS = SHARED / "data" / "seed-facts.md"


def needs_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent: this test checks the repository's demo facts against the real-world files in ../shared")
    return path


def load(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def pairing(a: str, b: str) -> Pairing:
    return Pairing.objects.select_related("place_a", "place_b").get(
        Q(place_a__name=a, place_b__name=b) | Q(place_a__name=b, place_b__name=a)
    )


def decision(p: Pairing, event_type=EventType.DECISION_SEVER) -> Event:
    return p.events.get(event_type=event_type)


def status_on(p: Pairing, day: str) -> str:
    return pairings_with_status(as_of=dt.date.fromisoformat(day)).get(pk=p.pk).current_status


def snapshot() -> dict[str, int]:
    """Row counts of every table in the register and in its history (and the users)."""
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in {"twinning", "sources", "campaigns", "auth"}:
            counts[model._meta.label] = model.objects.count()
    return counts


@pytest.mark.django_db
class TestNewcastleTaiyuan:
    def test_severed_on_2_november_2022_by_unanimous_full_council(self, demo_data):
        p = pairing("Newcastle upon Tyne", "Taiyuan")
        assert p.relationship == "sister_city"
        assert p.status == Status.SEVERED
        assert (p.status_since, p.status_since_precision) == (dt.date(2022, 11, 2), "day")
        assert p.status_since_date.display() == "2 November 2022"
        sever = decision(p)
        assert sever.body == "full_council"
        assert sever.unanimous is True
        assert (sever.mover, sever.mover_party) == ("Wendy Taylor", "Liberal Democrats")
        assert sever.actor == "side_a" and p.place_a.name == "Newcastle upon Tyne"
        assert "Uyghur" in sever.summary and "MPs" in sever.summary
        assert sever.agreement.kind == "sister_city"

    def test_decision_cites_the_seed_article_and_the_reports(self, demo_data):
        sever = decision(pairing("Newcastle upon Tyne", "Taiyuan"))
        cited = {c.source.title: c.source for c in sever.citations.select_related("source")}
        epoch = cited["English City of Newcastle Severs Ties With Chinese Twin City"]
        assert (epoch.publisher, epoch.author) == ("The Epoch Times", "Lily Zhou")
        urls = {s.url for s in cited.values()}
        assert "https://dailytrust.com/?p=1139414" in urls
        assert any(u.startswith("https://www.ffhr.cz/post/newcastle-to-sever-ties") for u in urls)
        assert sever.citations.get(source=epoch).quote

    def test_active_before_the_vote_from_a_sourced_establishment(self, demo_data):
        p = pairing("Newcastle upon Tyne", "Taiyuan")
        established = p.events.get(event_type=EventType.ESTABLISHED)
        assert (established.date, established.date_precision) == (dt.date(1985, 1, 1), "year")
        assert established.confidence == Confidence.MEDIUM
        assert established.citations.exists()
        assert status_on(p, "2022-01-01") == Status.ACTIVE
        assert status_on(p, "2022-11-01") == Status.ACTIVE
        assert status_on(p, "2022-11-02") == Status.SEVERED

    def test_places_carry_local_names_regions_bodies_and_coordinates(self, demo_data):
        p = pairing("Newcastle upon Tyne", "Taiyuan")
        assert (p.place_b.local_name, p.place_b.region, p.place_b.country) == ("太原", "Shanxi", "CN")
        assert p.place_a.governing_body == "Newcastle City Council"
        assert round(float(p.place_a.latitude), 1) == 55.0 and round(float(p.place_a.longitude), 1) == -1.6
        assert dict(p.place_a.identifiers.values_list("scheme", "value")) == {
            "geonames": "2641673", "iso3166_2": "GB-NET", "wikidata": "Q1425428"
        }
        # a district placed at its main town's coordinates gets no GeoNames id of that town
        bath = Place.objects.get(name="Bath and North East Somerset")
        assert bath.latitude is not None and "Coordinates are those of Bath" in bath.notes
        # ... but it carries the QID Wikidata lists its twinnings under (Bath, Q22889; issue 8), so the
        # world import finds its Chinese twins instead of creating a second Bath
        assert dict(bath.identifiers.values_list("scheme", "value")) == {"iso3166_2": "GB-BAS", "wikidata": "Q22889"}


@pytest.mark.django_db
class TestOtherPairings:
    def test_nottingham_ningbo_retained_with_both_conflicting_dates_visible(self, demo_data):
        p = pairing("Nottingham", "Ningbo")
        assert p.status == Status.RETAINED
        assert p.status_since_date.display() == "March 2023"
        retain = decision(p, EventType.DECISION_RETAIN)
        assert retain.confidence == Confidence.MEDIUM
        assert "April 2023" in retain.confidence_note and "March" in retain.confidence_note
        claims = {c.source.publisher: c.claimed.display() for c in retain.citations.select_related("source")}
        assert claims == {"The Epoch Times": "March 2023", "BBC": "April 2023"}

    def test_nottingham_ningbo_established_2005_with_the_2004_claim_kept(self, demo_data):
        established = pairing("Nottingham", "Ningbo").events.get(event_type=EventType.ESTABLISHED)
        assert established.when.display() == "2005"
        assert [c.claimed.display() for c in established.citations.all()] == ["2004"]
        assert "2004" in established.confidence_note

    def test_nottingham_timeline_petition_review_then_retention(self, demo_data):
        p = pairing("Nottingham", "Ningbo")
        assert status_on(p, "2022-05-31") == Status.ACTIVE
        assert status_on(p, "2022-07-01") == Status.UNDER_REVIEW
        assert status_on(p, "2023-01-31") == Status.UNDER_REVIEW
        petition_event = p.events.get(event_type=EventType.PETITION_SUBMITTED)
        assert petition_event.when.display() == "12 June 2022"

    @pytest.mark.parametrize("partner", ["Jiangxi Province", "Jingdezhen"])
    def test_both_bath_pairings_severed_november_2022(self, demo_data, partner):
        p = pairing("Bath and North East Somerset", partner)
        assert p.relationship == "friendship"
        assert p.status == Status.SEVERED
        assert (p.status_since, p.status_since_precision) == (dt.date(2022, 11, 1), "month")
        sever = decision(p)
        assert (sever.mover, sever.seconder, sever.body) == ("Andy Furse", "Robin Moss", "full_council")
        assert p.agreements.get().signed_date.display() == "October 2009"
        assert status_on(p, "2022-10-31") == Status.ACTIVE

    def test_jiangxi_is_a_province(self, demo_data):
        jiangxi = Place.objects.get(name="Jiangxi Province")
        assert (jiangxi.kind, jiangxi.local_name) == ("province", "江西省")
        assert jiangxi.identifiers.get(scheme="iso3166_2").value == "CN-JX"
        assert jiangxi.latitude is None  # GeoNames (as shipped) knows cities, not provinces
        jingdezhen = Place.objects.get(name="Jingdezhen")
        assert jingdezhen.region == "Jiangxi"

    @pytest.mark.parametrize("partner", ["Nanning", "Xiangyang"])
    def test_wakefields_two_pairings_severed_september_2020(self, demo_data, partner):
        p = pairing("Wakefield", partner)
        assert p.status == Status.SEVERED
        assert p.status_since_date.display() == "September 2020"
        assert p.status_since_precision == "month"
        sever = decision(p)
        assert sever.body == "leader"
        motion = p.events.get(event_type=EventType.MOTION_TABLED)
        assert (motion.mover, motion.mover_party) == ("Tom Gordon", "Liberal Democrats")
        # consultation, motion and decision share the month, in that order
        september = list(p.events.filter(date=dt.date(2020, 9, 1)).order_by("order"))
        assert [e.event_type for e in september] == ["consultation_opened", "motion_tabled", "decision_sever"]

    def test_wakefield_nanning_agreement_signed_by_peter_box(self, demo_data):
        agreement = pairing("Wakefield", "Nanning").agreements.get()
        assert agreement.signed_date.display() == "9 May 2019"
        assert "Peter Box" in agreement.signatories

    def test_sheffields_two_pairings_are_active(self, demo_data):
        anshan, chengdu = pairing("Sheffield", "Anshan"), pairing("Sheffield", "Chengdu")
        assert anshan.status == chengdu.status == Status.ACTIVE
        assert anshan.status_since_date.display() == "1983"
        assert "1980s" in anshan.events.get(event_type=EventType.ESTABLISHED).confidence_note
        assert chengdu.status_since_date.display() == "23 March 2010"
        assert set(chengdu.agreements.values_list("kind", flat=True)) == {"other", "sector"}

    @pytest.mark.parametrize("partner,country", [("Krasnodar", "RU"), ("Minsk", "BY")])
    def test_nottinghams_russian_and_belarusian_pairings_severed_with_low_confidence(self, demo_data, partner, country):
        p = pairing("Nottingham", partner)
        assert p.place_b.country == country
        assert p.status == Status.SEVERED
        assert p.status_since_date.display() == "March 2022"
        assert p.confidence == Confidence.LOW
        assert "general knowledge" in p.confidence_note
        assert decision(p).confidence == Confidence.LOW

    def test_every_status_changing_event_has_a_source(self, demo_data):
        assert Event.objects.count() > 20
        unsourced = Event.objects.exclude(status_after="").filter(citations__isnull=True)
        assert not unsourced.exists()

    def test_no_day_is_invented(self, demo_data):
        # Day precision only where a source gives the day.
        days = {
            (str(e.pairing), e.event_type, e.date.isoformat())
            for e in Event.objects.filter(date_precision="day").select_related("pairing__place_a", "pairing__place_b")
        }
        assert days == {
            ("Newcastle upon Tyne – Taiyuan", "statement", "2022-06-12"),
            ("Newcastle upon Tyne – Taiyuan", "decision_sever", "2022-11-02"),
            ("Nottingham – Ningbo", "petition_submitted", "2022-06-12"),
            ("Wakefield – Nanning", "established", "2019-05-09"),
            ("Wakefield – Nanning", "statement", "2020-09-20"),
            ("Sheffield – Chengdu", "established", "2010-03-23"),
        }

    def test_countries_gb_cn_severed_lists_the_five_pairings(self, demo_data):
        severed = {
            str(p)
            for p in Pairing.objects.filter(status=Status.SEVERED)
            .filter(Q(place_a__country="GB", place_b__country="CN") | Q(place_a__country="CN", place_b__country="GB"))
            .select_related("place_a", "place_b")
        }
        assert severed == {
            "Newcastle upon Tyne – Taiyuan",
            "Bath and North East Somerset – Jiangxi Province",
            "Bath and North East Somerset – Jingdezhen",
            "Wakefield – Nanning",
            "Wakefield – Xiangyang",
        }


@pytest.mark.django_db
class TestCampaignsAndPetitions:
    def test_global_detwin_campaign_targets_and_outcomes(self, demo_data):
        campaign = Campaign.objects.get(name="Global De-twin with China")
        assert campaign.launched_date.display() == "July 2022"
        targets = {
            (str(t.pairing) if t.pairing else f"{t.place.name} ({t.place.country})"): t.outcome
            for t in CampaignTarget.objects.filter(campaign=campaign).select_related(
                "place", "pairing__place_a", "pairing__place_b"
            )
        }
        assert targets["Newcastle upon Tyne – Taiyuan"] == "severed"
        assert targets["Nottingham – Ningbo"] == "retained"
        assert targets["Sheffield – Anshan"] == targets["Sheffield – Chengdu"] == "pending"
        uk_places = {"Birmingham", "Coventry", "Edinburgh", "Glasgow", "Leeds", "Liverpool", "London", "Manchester",
                     "Medway", "Perth"}
        assert {k.removesuffix(" (GB)") for k in targets if k.endswith("(GB)")} == uk_places
        assert {"Tokyo (JP)", "Adelaide (AU)", "Perth (AU)", "Christchurch (NZ)"} <= set(targets)
        assert len(targets) == 4 + len(uk_places) + 4
        # Sheffield and Nottingham are targeted through their known pairings, not as whole places.
        assert "Sheffield (GB)" not in targets and "Nottingham (GB)" not in targets

    def test_two_perths_are_distinct_places(self, demo_data):
        perths = dict(Place.objects.filter(name="Perth").values_list("country", "slug"))
        assert perths == {"GB": "perth-scotland", "AU": "perth-australia"}

    def test_coalition_and_member_groups(self, demo_data):
        coalition = Organisation.objects.get(name="Global De-twin with China")
        assert coalition.kind == "coalition"
        assert set(coalition.member_groups.values_list("name", flat=True)) == {
            "Newcastle Stands With Hong Kong",
            "Nottingham Stands with Hong Kong",
        }
        campaign = Campaign.objects.get(name="Global De-twin with China")
        assert list(campaign.organisers.all()) == [coalition]
        assert Organisation.objects.get(name="Newcastle Stands With Hong Kong").base_place.name == "Newcastle upon Tyne"

    def test_nottingham_petition(self, demo_data):
        petition = Petition.objects.get(target_council="Nottingham City Council")
        assert petition.organiser.name == "Nottingham Stands with Hong Kong"
        assert petition.closed_date.display() == "12 June 2022"
        assert petition.opened_date.display() == "2022"
        count = petition.signature_counts.get()
        assert (count.count, count.at_least, count.when.display()) == (1500, True, "12 June 2022")
        assert petition.response_event.event_type == EventType.DECISION_RETAIN
        assert petition.response_event.pairing == petition.pairing == pairing("Nottingham", "Ningbo")
        assert petition.outcome == "rejected"


@pytest.mark.django_db
class TestSourcesAndHistory:
    def test_history_records_the_reason(self, demo_data):
        p = pairing("Newcastle upon Tyne", "Taiyuan")
        assert p.history.earliest().history_change_reason == "Demo data (fixtures/demo.json)"
        assert decision(p).history.get().history_change_reason == "Demo data (fixtures/demo.json)"

    def test_the_sources_are_those_of_the_facts(self, demo_data):
        urls = set(Source.objects.exclude(url="").values_list("url", flat=True))
        assert urls == {f["url"] for f in FACTS["sources"] if "url" in f}
        for fact in FACTS["sources"]:
            source = Source.objects.get(url=fact["url"]) if "url" in fact else Source.objects.get(url="", title=fact["title"])
            assert source.publisher == fact["publisher"]
            assert source.title == fact.get("title", source.title) and source.author == fact.get("author", source.author)
        assert Source.objects.filter(url="", publisher="The Epoch Times").count() == 2


@pytest.mark.django_db
class TestLoading:
    """These start from an empty database (no `demo_data`)."""

    def test_loading_twice_changes_nothing(self):
        first = load()
        assert "places: 29 created" in first
        before = snapshot()
        updated = dict(Pairing.objects.values_list("pk", "updated_at"))
        second = load()
        assert snapshot() == before
        assert dict(Pairing.objects.values_list("pk", "updated_at")) == updated
        assert "0 created" in second and "places: 0 created, 29 already present" in second

    def test_existing_records_are_matched_not_duplicated_or_overwritten(self, db):
        from twinning import services

        Place.objects.create(name="Sheffield", slug="sheffield", country="GB", region="South Yorkshire")
        load()
        sheffield = Place.objects.get(name="Sheffield")
        assert sheffield.region == "South Yorkshire"  # a curator's value survives
        assert Place.objects.filter(name="Sheffield").count() == 1
        services.event_delete(decision(pairing("Wakefield", "Nanning")), reason="test")
        load()  # a missing event is recorded again
        assert pairing("Wakefield", "Nanning").status == Status.SEVERED

    def test_bad_file_is_a_clear_error(self, db, tmp_path):
        bad = tmp_path / "demo.json"
        bad.write_text('{"pairings": [{"key": "x", "a": "nowhere", "b": "elsewhere", "relationship": "twin_town"}]}')
        with pytest.raises(CommandError, match="pairings #1 \\(x\\): unknown place “nowhere”"):
            load(file=str(bad))
        assert not Pairing.objects.exists()

    def test_partial_file_is_rolled_back(self, db, tmp_path):
        bad = tmp_path / "demo.json"
        bad.write_text(
            '{"places": [{"key": "a", "name": "Sheffield", "country": "GB"},'
            ' {"key": "b", "name": "Nowhere", "country": "GB", "iso3166_2": "CN-JX"}, {"key": "c"}]}'
        )
        with pytest.raises(CommandError, match="places #2 \\(b\\): “CN-JX” is not an ISO 3166-2 subdivision of GB"):
            load(file=str(bad))
        assert not Place.objects.exists()  # the first place was not kept
        bad.write_text('{"places": [{"key": "c"}]}')
        with pytest.raises(CommandError, match="places #1 \\(c\\): missing field 'name'"):
            load(file=str(bad))


@pytest.mark.django_db
class TestDemoUsers:
    def test_refused_unless_debug(self, settings):
        settings.DEBUG = False
        with pytest.raises(CommandError, match="DEBUG is off"):
            load(demo_users=True)
        assert not get_user_model().objects.filter(username__in=["curator", "editor"]).exists()
        assert not Pairing.objects.exists()

    def test_created_in_their_groups_when_debug(self, settings):
        settings.DEBUG = True
        out = load(demo_users=True)
        assert "created curator, editor" in out
        User = get_user_model()
        curator, editor = User.objects.get(username="curator"), User.objects.get(username="editor")
        assert curator.check_password("curator") and editor.check_password("editor")
        assert curator.is_staff and editor.is_staff and not curator.is_superuser
        assert list(curator.groups.values_list("name", flat=True)) == [CURATORS]
        assert list(editor.groups.values_list("name", flat=True)) == [EDITORS]
        before = snapshot()
        assert "already present" in load(demo_users=True)
        assert snapshot() == before


@pytest.mark.django_db
class TestThroughTheApi:
    """The API issue's "done when", against the demo data."""

    def test_gb_cn_severed_and_as_of(self, demo_data, client):
        response = client.get("/api/v1/pairings/", {"countries": "GB,CN", "status": "severed"})
        assert response.status_code == 200
        rows = {f"{p['place_a']['name']} – {p['place_b']['name']}": p for p in response.json()["results"]}
        assert set(rows) == {
            "Newcastle upon Tyne – Taiyuan",
            "Bath and North East Somerset – Jiangxi Province",
            "Bath and North East Somerset – Jingdezhen",
            "Wakefield – Nanning",
            "Wakefield – Xiangyang",
        }
        assert rows["Newcastle upon Tyne – Taiyuan"]["status_since"]["display"] == "2 November 2022"
        assert all(row["source_count"] >= 1 for row in rows.values())
        response = client.get("/api/v1/pairings/", {"countries": "GB,CN", "as_of": "2022-01-01", "q": "Taiyuan"})
        assert [p["status"] for p in response.json()["results"]] == ["active"]


def source_named(name: str) -> Source:
    """A source by its URL, or by its title where no URL is recorded (as demo-facts.json names them)."""
    return Source.objects.get(url=name) if name.startswith("https://") else Source.objects.get(url="", title=name)


def cited_for(p: Pairing) -> set[Source]:
    """The sources cited for the pairing itself or for any of its events."""
    return set(Source.objects.filter(Q(pairingcitation__pairing=p) | Q(eventcitation__event__pairing=p)).distinct())


@pytest.mark.django_db
class TestAgainstTheFacts:
    """Each pairing in fixtures/demo-facts.json is in the demo as the facts say: dated decision, body,
    vote, status since when, and its sources."""

    @pytest.mark.parametrize("fact", FACTS["pairings"], ids=lambda f: f"{f['a']}–{f['b']}")
    def test_pairing_says_what_the_facts_say(self, demo_data, fact):
        p = pairing(fact["a"], fact["b"])
        assert p.relationship == fact["relationship"]
        assert p.status == fact["status"]
        assert p.status_since_date == PartialDate.parse(fact["since"])
        if "established" in fact:
            assert p.events.get(event_type=EventType.ESTABLISHED).when == PartialDate.parse(fact["established"])
        if "confidence" in fact:
            assert p.confidence == fact["confidence"]
        if "decision" in fact:
            expected = dict(fact["decision"])
            event = decision(p, expected.pop("type"))
            assert event.when == PartialDate.parse(expected.pop("date"))
            assert {name: getattr(event, name) for name in expected} == expected
            assert event.citations.exists()
        assert {source_named(name) for name in fact["sources"]} <= cited_for(p)


def normalised(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("‘", "'").replace("’", "'")
    return re.sub(r"\s+", " ", text)


@pytest.mark.world
class TestFactsAgainstTheSharedFiles:
    """fixtures/demo-facts.json still agrees with the research notes and seed articles in ../shared."""

    def test_the_same_source_urls(self):
        notes = needs_shared(SEED_FACTS).read_text()
        listed = set(re.findall(r"https://\S+?(?=\s|$)", notes))
        assert listed == {f["url"] for f in FACTS["sources"] if "url" in f}

    def test_titles_people_and_dates_are_in_the_notes(self):
        notes = normalised(needs_shared(SEED_FACTS).read_text())
        for fact in FACTS["sources"]:
            for name in ("title", "author"):
                if name in fact:
                    assert normalised(fact[name]) in notes
        for fact in FACTS["pairings"]:
            assert fact["a"] in notes and fact["b"] in notes
            decision_ = fact.get("decision", {})
            for name in ("mover", "seconder"):
                if name in decision_:
                    assert decision_[name] in notes
            for when in (fact.get("established"), fact["since"], decision_.get("date")):
                if when:
                    assert PartialDate.parse(when).display().split()[-1] in notes  # at least the year

    @pytest.mark.django_db
    def test_the_demo_quotes_are_in_the_seed_articles(self, demo_data_for_class, db):
        needs_shared(SHARED / "seeds")
        articles = normalised(" ".join(f.read_text() for f in sorted((SHARED / "seeds").glob("*.txt"))))
        sever = decision(pairing("Newcastle upon Tyne", "Taiyuan"))
        quote = sever.citations.get(source__title="English City of Newcastle Severs Ties With Chinese Twin City").quote
        assert quote and normalised(quote) in articles
