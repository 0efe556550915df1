"""The pairing list's rows as JSON written by PostgreSQL (core.sqljson): for each row, the same bytes
`PairingSerializer.lean_representation` gives through the JSON renderer, events and sources included.
A 1,000-row crawl page then costs its queries, not 1,000 dicts built in Python (tests hold the two
paths byte for byte, in both languages, with and without `as_of`)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone, translation

from core import sqljson
from core.memo import built_once
from core.sqlcsv import date_format, literal
from sources.models import Source
from twinning.api.serializers import ENDED_STATUSES, _pairing_path, _site_url
from twinning.constants import Status
from twinning.models import Event, EventCitation, Pairing
from twinning.selectors import PAIRING_RECORD_FIELDS, PLACE_RECORD_FIELDS


def _labels(model, field: str) -> dict:
    """A choice field's labels in the active language (as `choice_label` reads them)."""
    return {v: str(label) for v, label in model._meta.get_field(field).flatchoices}


def _column(model, field: str, table: str) -> str:
    return f'{table}.{connection.ops.quote_name(model._meta.get_field(field).column)}'


def _default_day(precision: str) -> str:
    """`partial_date_of`'s reading of a stored precision: an empty one is a day."""
    return f"COALESCE(NULLIF({precision}, ''), 'day')"


class PairingJSON:
    """`sql(base)`: for the rows of `base` (a query selecting PAIRING_RECORD_FIELDS in that order, e.g.
    `pairings_with_status(...).values_list(*PAIRING_RECORD_FIELDS)`), the pairing id and the row's JSON
    text, with its status event and latest event (their citations and sources). Built in the active
    language when made; raises core.sqljson.Unsupported when it cannot write the rows exactly (a time zone
    other than UTC, a date format it does not write): the caller then builds them in Python."""

    _SLUG = "slug-placeholder-0"
    # The queries built, by language, time zone, pairing URL and base query: the same few texts on every
    # request (`as_of` is a parameter), which core.prepared has PostgreSQL plan once per connection.
    _built: dict = {}
    _writable: set = set()  # the keys (language, time zone, URL) whose events SQL can write
    _BUILT_MAX = 64

    def __init__(self, *, as_of=None):
        self.language = translation.get_language()
        self.time_zone = timezone.get_current_timezone_name()
        self.as_of = as_of
        self.url_prefix, self.url_suffix = (_site_url() + _pairing_path(self._SLUG, self.language)).split(self._SLUG)
        self._key = (self.language, self.time_zone, self.url_prefix, self.url_suffix)
        if self._key not in self._writable:
            self._event_json("e")  # raises Unsupported early, before any query
            self._writable.add(self._key)

    @property
    def params(self) -> list:
        """The values of the placeholders `sql` adds after those of its base: `as_of`."""
        return [self.as_of]

    def _date(self, date: str, precision: str, circa: str) -> str:
        return sqljson.partial_date(date, precision, circa, self.language)

    def _event_json(self, e: str) -> str:
        def col(field):
            return _column(Event, field, e)

        def c(field):
            return _column(EventCitation, field, "c")

        def s(field):
            return _column(Source, field, "s")

        source = sqljson.obj([
            ("id", sqljson.integer(s("id"))),
            ("title", sqljson.string(s("title"))),
            ("publisher", sqljson.string(s("publisher"))),
            ("url", sqljson.string(s("url"))),
            ("archive_url", sqljson.string(s("archive_url"))),
            ("published", self._date(s("published"), _default_day(s("published_precision")), s("published_circa"))),
            ("source_type", sqljson.string(s("source_type"))),
        ])
        citation = sqljson.obj([
            ("source", source),
            ("locator", sqljson.string(c("locator"))),
            ("quote", sqljson.string(c("quote"))),
            ("claimed_date", self._date(c("claimed_date"), _default_day(c("claimed_date_precision")), c("claimed_date_circa"))),
        ])
        citations = connection.ops.quote_name(EventCitation._meta.db_table)
        sources = connection.ops.quote_name(Source._meta.db_table)
        # In citation id order, as the Python path reads them.
        cited = (
            f"(SELECT '[' || COALESCE(string_agg({citation}, ',' ORDER BY {c('id')}), '') || ']' "
            f"FROM {citations} c JOIN {sources} s ON {s('id')} = {c('source')} WHERE {c('event')} = {col('id')})"
        )
        votes = " OR ".join(f"{col(f)} IS NOT NULL" for f in ("votes_for", "votes_against", "abstentions"))
        return sqljson.obj([
            ("id", sqljson.integer(col("id"))),
            ("event_type", sqljson.string(col("event_type"))),
            ("event_type_label", sqljson.choice(col("event_type"), _labels(Event, "event_type"))),
            ("date", self._date(col("date"), _default_day(col("date_precision")), col("date_circa"))),
            ("order", sqljson.integer(col("order"))),
            ("status_to", sqljson.string(col("status_to"))),
            ("status_after", sqljson.string(col("status_after"))),
            ("rescinds", sqljson.integer(col("rescinds"))),
            ("actor", sqljson.string(col("actor"))),
            ("actor_label", sqljson.choice(col("actor"), _labels(Event, "actor"))),
            ("body", sqljson.string(col("body"))),
            ("body_label", sqljson.choice(col("body"), _labels(Event, "body"))),
            *((f, sqljson.string(col(f))) for f in ("summary", "mover", "mover_party", "seconder", "seconder_party")),
            *((f, sqljson.integer(col(f))) for f in ("votes_for", "votes_against", "abstentions")),
            ("unanimous", sqljson.boolean(col("unanimous"))),
            ("casting_vote", sqljson.boolean(col("casting_vote"))),
            ("has_vote", f"(CASE WHEN {col('unanimous')} OR {votes} THEN 'true' ELSE 'false' END)"),
            ("agreement", sqljson.integer(col("agreement"))),
            ("confidence", sqljson.string(col("confidence"))),
            ("confidence_note", sqljson.string(col("confidence_note"))),
            ("sources", cited),
            ("updated_at", sqljson.timestamp(col("updated_at"), self.time_zone)),
        ])

    def _row_json(self, b: dict) -> str:
        """The row's JSON; `b`: PAIRING_RECORD_FIELDS -> column; `se`/`le`: the joined events' JSON."""
        status = b["current_status"]
        since = self._date(b["current_since"], _default_day(b["current_since_precision"]), b["current_since_circa"])
        ended = ", ".join(literal(str(s)) for s in sorted(ENDED_STATUSES))
        listed = (
            f"to_json('listed by Wikidata (snapshot ' || COALESCE({date_format(b['current_since'], 'j F Y', self.language)}, '?') "
            "|| '), not yet checked')::text"
        )

        def place(side):
            members = []
            for f in PLACE_RECORD_FIELDS:
                value = b[f"place_{side}__{f}"]
                if f == "id":
                    members.append((f, sqljson.integer(value)))
                elif f in ("latitude", "longitude"):
                    members.append((f, sqljson.decimal(value)))
                else:
                    members.append((f, sqljson.string(value)))
            return sqljson.obj(members)

        return sqljson.obj([
            ("id", sqljson.integer(b["id"])),
            ("slug", sqljson.string(b["slug"])),
            ("url", sqljson.string(f"({literal(self.url_prefix)} || {b['slug']} || {literal(self.url_suffix)})")),
            ("relationship", sqljson.string(b["relationship"])),
            ("relationship_label", sqljson.choice(b["relationship"], _labels(Pairing, "relationship"))),
            ("status", sqljson.string(status)),
            ("status_label", f"(CASE WHEN {status} = {literal(str(Status.LISTED))} THEN {listed} "
                             f"ELSE {sqljson.choice(status, _labels(Pairing, 'status'))} END)"),
            ("status_since", since),
            ("as_of", "COALESCE(to_json(%s::date)::text, 'null')"),  # self.params
            ("established", f"(CASE WHEN {b['established_on']} IS NULL THEN 'null' ELSE "
                            f"{self._date(b['established_on'], b['established_precision'], b['established_circa'])} END)"),
            ("ended", f"(CASE WHEN {status} IN ({ended}) THEN {since} ELSE 'null' END)"),
            ("place_a", place("a")),
            ("place_b", place("b")),
            ("status_event", "COALESCE(se.j, 'null')"),
            ("latest_event", "COALESCE(le.j, 'null')"),
            ("source_count", sqljson.integer(f"({b['source_count']})::bigint")),
            ("confidence", sqljson.string(b["confidence"])),
            ("updated_at", sqljson.timestamp(b["updated_at"], self.time_zone)),
        ])

    def sql(self, base: str) -> str:
        """The query of (id, JSON text) for the rows `base` selects (in no particular order), with
        placeholders for `base`'s parameters and then for `params`."""
        return built_once(self._built, (*self._key, base), lambda: self._sql(base), limit=self._BUILT_MAX)

    def _sql(self, base: str) -> str:
        names = {f: f"b.c{i}" for i, f in enumerate(PAIRING_RECORD_FIELDS)}
        columns = ", ".join(f"c{i}" for i in range(len(PAIRING_RECORD_FIELDS)))
        events = connection.ops.quote_name(Event._meta.db_table)
        with translation.override(self.language):
            row = self._row_json(names)
        return f"""
            WITH b AS MATERIALIZED (SELECT * FROM ({base}) x ({columns})),
            ev AS MATERIALIZED (
                SELECT e.id, {self._event_json("e")} AS j FROM {events} e
                WHERE e.id IN (SELECT {names['latest_event_id']} FROM b UNION SELECT {names['current_status_event_id']} FROM b)
            )
            SELECT {names['id']}, {row}
            FROM b
            LEFT JOIN ev se ON se.id = {names['current_status_event_id']}
            LEFT JOIN ev le ON le.id = {names['latest_event_id']}
        """
