"""`dump_register` + `import_dataset` (issue 12 item 7): a full-fidelity round trip of the register,
a restore refused into a non-empty register, and a damaged file refused with nothing written."""

import datetime as dt
import io
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from campaigns.models import Campaign, Organisation, Petition
from campaigns.register import REGISTER_MODELS
from core.dump import history_models
from tests.twinning.factories import record
from tests.twinning.test_wikidata_import import HEADER, E
from twinning.constants import EventType
from twinning.imports.wikidata import import_wikidata
from twinning.models import (
    Agreement,
    AmbiguousMatch,
    Event,
    Listing,
    Pairing,
    Place,
    PlaceIdentifier,
    SlugRedirect,
    Snapshot,
)


def world_rows() -> bytes:
    """A small Wikidata file listing two demo pairings (their places given QIDs here, if they had none), so
    snapshots, listings, listed events and an import report are in the dump too."""
    rows = []
    for n, pairing in enumerate(Pairing.objects.select_related("place_a", "place_b").order_by("pk")[:2]):
        qids = []
        for m, place in enumerate((pairing.place_a, pairing.place_b)):
            ident, _ = PlaceIdentifier.objects.get_or_create(
                place=place, scheme="wikidata", defaults={"value": f"Q9{n}{m}0001"}
            )
            qids.append(ident.value)
        a, b = pairing.place_a, pairing.place_b
        rows.append(f"{E}{qids[0]},{a.name},{a.country},Point(1 2),{E}{qids[1]},{b.name},{b.country},Point(3 4),2001-01-01T00:00:00Z,,,\n")
    return (HEADER + "".join(rows)).encode()


def event_key(event: Event | None):
    if event is None:
        return None
    return (event.pairing.slug, event.event_type, event.date, event.order)


def citations(qs) -> list:
    return sorted((c.source.url, c.source.title, c.locator, c.quote) for c in qs.select_related("source"))


def register_facts() -> dict:
    """What a reader relies on, keyed by natural keys (slugs, sources' URLs and titles), not ids."""
    facts = {
        "pairings": {
            p.slug: (p.status, p.status_since, p.status_since_precision, p.status_since_circa, event_key(p.status_event),
                     p.confidence, citations(p.citations))
            for p in Pairing.objects.select_related("status_event__pairing")
        },
        "events": sorted(
            (
                e.pairing.slug, e.event_type, e.date, e.date_precision, e.date_circa, e.order, e.status_to,
                event_key(e.rescinds), e.status_after, event_key(e.status_since_event), e.actor, e.body, e.summary,
                e.mover, e.mover_party, e.seconder, e.votes_for, e.votes_against, e.abstentions, e.unanimous,
                e.casting_vote, e.agreement.title if e.agreement else None,
                sorted((c.source.url, c.source.title, c.claimed_date) for c in e.citations.select_related("source")),
            )
            for e in Event.objects.select_related("pairing", "rescinds__pairing", "status_since_event__pairing", "agreement")
        ),
        "agreements": sorted(
            (a.pairing.slug, a.kind, a.title, a.signed, a.signed_precision, a.renewal_due, a.term_years,
             a.signatories, citations(a.citations))
            for a in Agreement.objects.select_related("pairing")
        ),
        "organisations": {
            o.slug: (o.name, o.kind, o.base_place.slug if o.base_place else None,
                     sorted(o.member_groups.values_list("slug", flat=True)), citations(o.citations))
            for o in Organisation.objects.select_related("base_place")
        },
        "campaigns": {
            c.slug: (
                c.name, c.launched, sorted(c.organisers.values_list("slug", flat=True)), citations(c.citations),
                sorted(
                    (t.pairing.slug if t.pairing else "", t.place.slug if t.place else "",
                     *[getattr(t, f.attname) for f in t._meta.concrete_fields if not f.is_relation and f.name != "id"])
                    for t in c.targets.select_related("pairing", "place")
                ),
            )
            for c in Campaign.objects.all()
        },
        "petitions": sorted(
            (
                p.title, p.campaign.slug if p.campaign else None, p.pairing.slug if p.pairing else None,
                p.target_council, p.opened, p.closed, p.outcome, event_key(p.response_event), citations(p.citations),
                sorted((s.date, s.count, s.at_least, s.source.url if s.source else None) for s in p.signature_counts.all()),
            )
            for p in Petition.objects.select_related("campaign", "pairing", "response_event__pairing")
        ),
        "world": (
            sorted((s.date, s.source.url, s.row_count, s.sha256) for s in Snapshot.objects.select_related("source")),
            sorted((li.pairing.slug, li.snapshot.date, event_key(li.event), li.direction, li.end)
                   for li in Listing.objects.select_related("pairing", "snapshot", "event__pairing")),
            sorted((m.qid, sorted(m.candidates.values_list("slug", flat=True))) for m in AmbiguousMatch.objects.all()),
        ),
        "redirects": sorted(SlugRedirect.objects.values_list("kind", "old_slug", "new_slug")),
    }
    # And every stored value of every row (ids, timestamps, derived fields), and every many-to-many link.
    facts["rows"] = {m._meta.label: list(m._default_manager.order_by("pk").values()) for m in REGISTER_MODELS}
    for through in {f.remote_field.through for m in REGISTER_MODELS for f in m._meta.many_to_many}:
        columns = [f.attname for f in through._meta.concrete_fields if f.is_relation]
        facts["rows"][through._meta.label] = sorted(through._default_manager.values_list(*columns))
    return facts


def wipe_register():
    """Empty every curated table (foreign keys are checked at commit, so the order does not matter)."""
    tables = [m._meta.db_table for m in REGISTER_MODELS]
    tables += [f.remote_field.through._meta.db_table for m in REGISTER_MODELS for f in m._meta.many_to_many]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}"')
            # As in a freshly migrated database: ids would start again at 1.
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 1, false)", [table])


@pytest.fixture
def register(db):
    call_command("load_demo", stdout=io.StringIO())
    report = import_wikidata(world_rows(), snapshot=dt.date(2026, 5, 1), file_name="world.csv")
    assert report is not None, report
    pairing = Pairing.objects.order_by("pk").first()
    # A decision and its rescission, with a vote (the demo has none rescinded).
    decision = record(pairing, EventType.DECISION_SEVER, "2026-01-15", votes_for=30, votes_against=12, mover="A. Member")
    record(pairing, EventType.DECISION_RESCINDED, "2026-03-02", rescinds=decision)
    SlugRedirect.objects.create(kind="pairing", old_slug="an-old-slug", new_slug=pairing.slug)
    match = AmbiguousMatch.objects.create(qid="Q990001", label="Springfield", snapshot=Snapshot.objects.get(), rows=2)
    match.candidates.set([pairing.place_a, pairing.place_b])
    return register_facts()


def dump(path, *args) -> str:
    out = io.StringIO()
    call_command("dump_register", str(path), *args, stdout=out)
    return out.getvalue()


def restore(path) -> str:
    out = io.StringIO()
    call_command("import_dataset", str(path), stdout=out)
    return out.getvalue()


def test_every_register_model_is_dumped():
    """A new model in sources, twinning or campaigns must be added to the dump (or to this list)."""
    from twinning.models import ChangeReview, ImportJob

    # Spreadsheet uploads waiting for their confirmation are working state, not the register (what an
    # import wrote is in the register and its history); so are editors' verdicts on history records
    # (the dump's history is optional, and a verdict means nothing without the record it judged).
    not_curated = set(history_models(REGISTER_MODELS)) | {ImportJob, ChangeReview}
    concrete = {
        m for app in ("sources", "twinning", "campaigns") for m in apps.get_app_config(app).get_models()
        if not m._meta.abstract and m not in not_curated
    }
    assert concrete == set(REGISTER_MODELS)


def test_round_trip_restores_everything(register, tmp_path):
    before = register
    # Not a vacuous comparison: the demo has all of these.
    for key in ("pairings", "events", "agreements", "organisations", "campaigns", "petitions", "redirects"):
        assert before[key], key
    assert any(p[-1] for p in before["petitions"]), "some petition has signature counts"
    assert any(c[2] for c in before["campaigns"].values()), "some campaign has organisers"
    assert any(e[7] for e in before["events"]), "some event rescinds another"
    assert len({s for s, *_ in before["pairings"].values()}) >= 3, "several different statuses"
    assert before["world"][0] and before["world"][1]

    path = tmp_path / "register.json"
    assert "Wrote" in dump(path)
    wipe_register()
    assert Pairing.objects.count() == 0 and Event.objects.count() == 0

    out = restore(path)
    assert "Imported" in out and "differ" not in out
    after = register_facts()
    for key in before:
        if key != "rows":
            assert after[key] == before[key], key
    for label, rows in before["rows"].items():
        assert rows, f"{label} is empty in the test data"
        assert len(after["rows"][label]) == len(rows), label
        for old, new in zip(rows, after["rows"][label], strict=True):
            assert new == old, label

    # The sequences continue after the restored ids: a new row gets a fresh id.
    place = Place.objects.create(name="Nowhere", country="GB", slug="nowhere")
    assert place.pk > max(r["id"] for r in before["rows"]["twinning.Place"])


def test_a_dump_with_history_restores_the_history_too(register, tmp_path):
    from twinning.models import HistoricalPairing

    expected = sorted(HistoricalPairing.objects.values_list("history_id", "slug", "history_change_reason"))
    assert expected
    path = tmp_path / "with-history.json"
    dump(path, "--with-history")
    wipe_register()
    for model in history_models(REGISTER_MODELS):
        model.objects.all().delete()
    restore(path)
    assert sorted(HistoricalPairing.objects.values_list("history_id", "slug", "history_change_reason")) == expected


def test_a_non_empty_register_is_refused_and_unchanged(register, tmp_path):
    path = tmp_path / "register.json"
    dump(path)
    with pytest.raises(CommandError, match=r"not empty.*twinning\.pairing \(\d+\)"):
        restore(path)
    assert register_facts() == register


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda text: text[: len(text) // 2], r"not a complete JSON document .*line \d+"),
        (lambda text: "[]", r"not a register dump"),
        (lambda text: drop_rows(text, "twinning.event", 1), r"twinning\.event has \d+ rows but the dump says \d+"),
        (lambda text: edit_field(text, "twinning.event", "date", "2022-02-31"), r"object #\d+ \(twinning\.event pk=\d+\).*date"),
        (lambda text: edit_field(text, "twinning.event", "pairing", 999999), r"do not fit together"),
    ],
    ids=["truncated", "not-a-dump", "rows-missing", "bad-date", "dangling-key"],
)
def test_a_damaged_file_is_refused_and_nothing_is_written(register, tmp_path, damage, message):
    path = tmp_path / "register.json"
    dump(path)
    text = path.read_text()
    wipe_register()
    path.write_text(damage(text))
    with pytest.raises(CommandError, match=message):
        restore(path)
    assert Pairing.objects.count() == Event.objects.count() == Place.objects.count() == 0


def drop_rows(text: str, label: str, n: int) -> str:
    document = json.loads(text)
    rows = [i for i, o in enumerate(document["objects"]) if o["model"] == label]
    for i in reversed(rows[-n:]):
        del document["objects"][i]
    return json.dumps(document)


def edit_field(text: str, label: str, field: str, value) -> str:
    document = json.loads(text)
    next(o for o in document["objects"] if o["model"] == label)["fields"][field] = value
    return json.dumps(document)
