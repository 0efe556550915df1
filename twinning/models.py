"""The core domain: places, pairings, their agreements and their timeline of events.

A pairing's status is never typed in: `Pairing.status`/`status_since`/`status_event` (with `evidence`,
`established_date` and `last_event`) and `Event.status_after`/`status_since_event` are a cache written
only by `twinning.services.pairing_status_refresh`, from `twinning.status.derive`. `Pairing.sources_cited`
is kept by database triggers (migration 0013).
"""

from django.conf import settings
from django.contrib.postgres.fields import DateRangeField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.partialdates import PartialDate, Precision, partial_date_of, period_end_sql, precision_constraint
from sources.models import CitationBase
from twinning.constants import (
    Actor,
    AgreementKind,
    Body,
    Confidence,
    EventType,
    IdentifierScheme,
    PlaceKind,
    PlaceNameKind,
    Relationship,
    Status,
    TextAvailability,
)
from twinning.countries import country_choices, country_name, validate_country_code
from twinning.status import EVIDENCE_UNKNOWN, EVIDENCE_VALUES


class Place(models.Model):
    """Any governed place: a city, town, county, district, province or state."""

    name = models.CharField(_("name"), max_length=200)
    local_name = models.CharField(_("local name"), max_length=200, blank=True, help_text=_("e.g. 太原"))
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    country = models.CharField(
        _("country"), max_length=2, choices=country_choices, validators=[validate_country_code]
    )
    region = models.CharField(_("region"), max_length=200, blank=True, help_text=_("e.g. Shanxi, England"))
    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices, default=PlaceKind.CITY)
    governing_body = models.CharField(
        _("governing body"), max_length=200, blank=True, help_text=_("e.g. Newcastle City Council")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    notes_zh_hant = models.TextField(
        _("notes (Traditional Chinese)"), blank=True,
        help_text=_("Shown on Traditional Chinese pages; left empty, the English is shown there, marked as English."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "country"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="place_coordinates_valid_and_paired",
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="place_name_not_empty"),
        ]
        indexes = [
            models.Index(fields=["country", "name"]),
            models.Index(fields=["name", "country", "id"], name="place_name_order"),  # the API list's order
            models.Index(fields=["region"]),
            models.Index(fields=["updated_at", "id"]),
            # Trigram indexes: typo-tolerant search and near-duplicate warnings (pg_trgm).
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="place_name_trgm"),
            GinIndex(fields=["local_name"], opclasses=["gin_trgm_ops"], name="place_local_name_trgm"),
        ]

    def __str__(self):
        return f"{self.name} ({self.local_name})" if self.local_name else self.name

    @property
    def country_name(self) -> str:
        return country_name(self.country)

    def get_absolute_url(self):
        return reverse("place-detail", kwargs={"slug": self.slug})


class PlaceIdentifier(models.Model):
    """An identifier of a place in another scheme (Wikidata, ISO 3166-2, GSS, GeoNames)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(_("scheme"), max_length=16, choices=IdentifierScheme.choices)
    value = models.CharField(_("value"), max_length=64)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("place identifier")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "value"], name="identifier_unique_per_scheme"),
            models.UniqueConstraint(fields=["place", "scheme"], name="identifier_one_per_place_and_scheme"),
        ]

    def __str__(self):
        return f"{self.scheme}:{self.value}"


class PlaceName(models.Model):
    """Another name a place is known by: an abbreviation, a historical name or romanisation, a name in
    another language or a label Wikidata lists. Only for finding places (search, suggestions); the
    place's own `name` and `local_name` are what pages show."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PlaceNameKind.choices, default=PlaceNameKind.ALTERNATE)
    language = models.CharField(
        _("language"), max_length=16, blank=True, help_text=_("A language tag when it matters, e.g. en, zh-Hant, de.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("other name")
        verbose_name_plural = _("other names")
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="place_name_unique_per_place"),
            models.CheckConstraint(condition=~models.Q(name=""), name="place_other_name_not_empty"),
        ]
        indexes = [GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="place_other_name_trgm")]

    def __str__(self):
        return self.name


# Pairing fields derived from its events and kept out of its history.
STORED_FROM_EVENTS = [
    "evidence", "established_date", "established_date_precision", "established_date_circa", "last_event", "sources_cited",
]


def in_country(code: str) -> models.Q:
    """Rows with a place in country `code` on either side, from their copies of the countries: pairings,
    or events (their pairing's countries, migration 0019)."""
    return models.Q(country_a=code) | models.Q(country_b=code)


class PairingQuerySet(models.QuerySet):
    # A country's pairings in a status on a date are read from the date's events (`narrowed`) when they are
    # at most this many: gathering and sorting that many costs what walking the name order for a page does.
    NARROWED_ROWS = 5_000

    def for_counting(self) -> models.QuerySet:
        """A query with as many rows as this one, cheaper to count (`core.api.pagination.capped_count`
        counts this). A country's pairings in a status on a date, with nothing else asked
        (`selectors.filter_country` and `filter_current_status` leave the aliases `country_code` and
        `as_of_status_after`), are counted from the events alone (`_date_events`): ~3 ms at 300,000
        pairings, against 55-60 ms for every pairing of the country joined to every event of the status.
        With anything else asked the query is counted as it is, from the pairings' own conditions (or
        from the date's events, once `narrowed`): the date's events' copy of the country (migration 0019)
        made PostgreSQL start from every event of the country in that status, which for a common status
        is most of them (GB's active pairings on 2020-01-01 that are friendships: 110 ms, against 14 ms
        from the pairings)."""
        found = self._country_status_on_date()
        if found is None or found[3]:
            return self
        code, on, statuses, _rest = found
        return self._date_events(code, on, statuses, "status_after")

    def narrowed(self, limit: int | None = None) -> models.QuerySet:
        """The same rows in the same order, read from the date's events when that is cheaper: a
        country's pairings in a status on a date with something else asked too (a relationship, a date
        range, a search), when the date's events of that country and status are at most `limit`
        (NARROWED_ROWS). Then the rows are those events' pairings (`pk IN …`, read from the events'
        (country, status) indexes alone, migration 0026) that meet the other conditions, and the
        country's and status's own conditions go: the events are exactly those rows. At 300,000 pairings,
        GB's friendships severed on 2020-01-01: a page's ids 11 -> 7 ms, the count 16 -> 6 ms. Asks the
        database how many such events there are (up to `limit` + 1, from the indexes alone); with more,
        or with nothing else asked (walking the name order finds a page sooner), this queryset as it is.
        `rows_at_most` then says how many rows there can be."""
        from django.db.models import Value

        limit = self.NARROWED_ROWS if limit is None else limit
        found = self._country_status_on_date()
        if found is None or not found[3]:
            return self
        code, on, statuses, rest = found
        pairings = self._date_events(code, on, statuses, "pairing_id")
        bound = pairings[: limit + 1].count()
        if bound > limit:
            return self
        narrowed = self._chain()
        narrowed.query.where.children = list(rest)
        return narrowed.filter(pk__in=pairings).alias(rows_at_most=Value(bound))

    def rows_at_most(self) -> int | None:
        """How many rows this query can have at most, when `narrowed` found out (else None)."""
        bound = self.query.annotations.get("rows_at_most")
        return None if bound is None else bound.value

    def _country_status_on_date(self) -> tuple[str, object, list, list] | None:
        """(country, date, statuses, the other conditions) when this query asks for a country's pairings
        (`selectors.filter_country`) in a status on a date (`filter_current_status` on
        `pairings_with_status(as_of=…)`) under AND: found in its own `where` and its dated join; else None."""
        from django.db.models.expressions import Col
        from django.db.models.lookups import In

        annotations = self.query.annotations
        if "as_of_status_after" not in annotations or "country_code" not in annotations:
            return None
        where, relation = self.query.where, self.query._filtered_relations.get("as_of_event")
        if where.negated or where.connector != "AND" or self.query.distinct or relation is None:
            return None
        condition = relation.condition
        if condition.connector != "AND" or condition.negated or len(condition.children) != 1:
            return None
        lookup, on = condition.children[0]
        if lookup != "as_of_event__status_during__contains":
            return None
        code = annotations["country_code"].value
        # The pairing's own condition (`filter_country`'s, found by equality) and the status on the date's.
        country = type(self)(model=self.model).filter(in_country(code)).query.where.children[0]
        statuses = [
            child for child in where.children
            if isinstance(child, In) and isinstance(child.lhs, Col) and child.lhs.alias == "as_of_event"
            and child.lhs.target.name == "status_after"
        ]
        if country not in where.children or len(statuses) != 1:
            return None
        rest = [child for child in where.children if child != country and child is not statuses[0]]
        return code, on, list(statuses[0].rhs), rest

    def _date_events(self, code: str, on, statuses: list, field: str) -> models.QuerySet:
        """`field` of the events in one of `statuses` on date `on` with a place in country `code`, one row
        each — a pairing has one event whose period holds a date, so they are as many as its pairings.
        Side A's, then side B's not already in A, each an index-only read of its (country, status) index,
        which carries the period and the pairing (migrations 0024, 0026); a bitmap OR of the two read
        ~4,000 rows' pages (10 ms at 300,000 pairings) for 2,000 pairings."""
        events = Event.objects.order_by().filter(status_during__contains=on, status_after__in=statuses)
        side_a = events.filter(country_a=code).values(field)
        side_b = events.filter(country_b=code).exclude(country_a=code).values(field)
        return side_a.union(side_b, all=True)


class Pairing(models.Model):
    """A relationship between two places. At most one per unordered pair and relationship type."""

    objects = PairingQuerySet.as_manager()

    place_a = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="pairings_as_a")
    place_b = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="pairings_as_b")
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)
    slug = models.SlugField(_("slug"), max_length=240, unique=True)
    # Derived from events by twinning.services.pairing_status_refresh; never edited by hand.
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.UNKNOWN, editable=False
    )
    status_since = models.DateField(_("status since"), null=True, blank=True, editable=False)
    status_since_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY, editable=False
    )
    status_since_circa = models.BooleanField(default=False, editable=False)
    # The event from which the status holds (its date is `status_since`); null while the status is unknown.
    status_event = models.ForeignKey(
        "Event", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    # What the status rests on (twinning.status.evidence): "verified", "listed" (Wikidata only) or "unknown".
    evidence = models.CharField(
        max_length=8, choices=[(v, v) for v in EVIDENCE_VALUES], default=EVIDENCE_UNKNOWN, db_default=EVIDENCE_UNKNOWN,
        editable=False,
    )
    # Also derived by pairing_status_refresh (twinning.status.stored_fields), in timeline order: the date of
    # the first `established` event and the latest event.
    established_date = models.DateField(null=True, blank=True, editable=False)
    established_date_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY, db_default=Precision.DAY, editable=False
    )
    established_date_circa = models.BooleanField(default=False, db_default=False, editable=False)
    last_event = models.ForeignKey(
        "Event", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    # Distinct sources cited by the pairing's events, kept by database triggers (migration 0013) on every
    # write path (services, admin, bulk_create, COPY); a write of a stale value is ignored by the database.
    sources_cited = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    notes_zh_hant = models.TextField(
        _("notes (Traditional Chinese)"), blank=True,
        help_text=_("Shown on Traditional Chinese pages; left empty, the English is shown there, marked as English."),
    )
    confidence = models.CharField(
        _("confidence"), max_length=8, choices=Confidence.choices, default=Confidence.HIGH,
        help_text=_("How sure the sources make us that this relationship exists between these two places."),
    )
    confidence_note = models.CharField(_("confidence note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # Copies of the two places' names, kept by database triggers (migration 0012) on every write path,
    # bulk and COPY included, so that lists sort by name from an index instead of sorting the whole join.
    sort_a = models.CharField(max_length=200, default="", editable=False)
    sort_b = models.CharField(max_length=200, default="", editable=False)
    # Copies of the two places' countries, kept by the same triggers (migration 0015), so that lists filter
    # and statistics group by country without joining the places.
    country_a = models.CharField(max_length=2, default="", editable=False)
    country_b = models.CharField(max_length=2, default="", editable=False)

    # Not curator changes: copies of the places' names and countries, and what is derived from the events.
    history = HistoricalRecords(excluded_fields=["sort_a", "sort_b", "country_a", "country_b", *STORED_FROM_EVENTS])

    class Meta:
        ordering = ["sort_a", "sort_b", "id"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.CheckConstraint(condition=~models.Q(place_a=models.F("place_b")), name="pairing_not_self"),
            models.UniqueConstraint(
                Least("place_a", "place_b"),
                Greatest("place_a", "place_b"),
                "relationship",
                name="pairing_unique_unordered_pair_per_relationship",
            ),
            precision_constraint("status_since", "pairing_status_since_precision_normalised"),
            precision_constraint("established_date", "pairing_established_date_precision_normalised"),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["relationship"]),
            models.Index(fields=["status_since"]),
            models.Index(fields=["updated_at", "id"]),
            # The list's default order, carrying the columns its commonest filters test (countries, status,
            # relationship): a filtered first page walks the index alone, without reading each skipped row
            # (`countries=GB,CN` at 300,000 pairings walked 10,000 rows in 8-13 ms; from the index alone, ~2 ms).
            models.Index(
                fields=["sort_a", "sort_b", "id"], include=["country_a", "country_b", "status", "relationship"],
                name="pairing_name_order_filters",
            ),
            models.Index(models.F("status_since").desc(nulls_last=True), "id", name="pairing_latest_status_first"),
            models.Index(fields=["evidence", "status"], name="pairing_evidence_status"),
            # The list's "newest first" / "oldest first" (web.views.registry.SORTS) read the stored established date.
            models.Index(models.F("established_date").desc(nulls_last=True), "id", name="pairing_newest_established"),
            models.Index(fields=["established_date", "id"], name="pairing_oldest_established"),
            # `country=X` (either side) as a BitmapOr of the two; `countries=X,Y` from the first.
            models.Index(fields=["country_a", "country_b"], name="pairing_countries"),
            models.Index(fields=["country_b"], name="pairing_country_b"),
        ]

    def __str__(self):
        return f"{self.place_a.name} – {self.place_b.name}"

    @property
    def status_since_date(self) -> PartialDate | None:
        return partial_date_of(self, "status_since")

    def get_absolute_url(self):
        return reverse("pairing-detail", kwargs={"slug": self.slug})


class Agreement(models.Model):
    """A document of a pairing: a charter, an agreement, an MoU, a renewal."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(_("kind"), max_length=16, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    signed = models.DateField(_("signed"), null=True, blank=True)
    signed_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    signed_circa = models.BooleanField(default=False)
    signatories = models.TextField(_("signatories"), blank=True)
    term_years = models.PositiveSmallIntegerField(
        _("term in years"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    renewal_due = models.DateField(_("renewal due or expiry"), null=True, blank=True)
    renewal_due_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    renewal_due_circa = models.BooleanField(default=False)
    text_availability = models.CharField(
        _("text"), max_length=10, choices=TextAvailability.choices, default=TextAvailability.UNKNOWN
    )
    text_url = models.URLField(_("text URL"), max_length=1000, blank=True)
    foi_url = models.URLField(_("FOI request URL"), max_length=1000, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    notes_zh_hant = models.TextField(
        _("notes (Traditional Chinese)"), blank=True,
        help_text=_("Shown on Traditional Chinese pages; left empty, the English is shown there, marked as English."),
    )
    confidence = models.CharField(_("confidence"), max_length=8, choices=Confidence.choices, default=Confidence.HIGH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["signed", "id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_years__isnull=True) | models.Q(term_years__gte=1), name="agreement_term_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(renewal_due__isnull=True)
                | models.Q(signed__isnull=True)
                | models.Q(renewal_due__gte=models.F("signed")),
                name="agreement_renewal_after_signing",
            ),
            precision_constraint("signed", "agreement_signed_precision_normalised"),
            precision_constraint("renewal_due", "agreement_renewal_precision_normalised"),
        ]
        indexes = [models.Index(fields=["updated_at", "id"])]

    def __str__(self):
        label = self.title or self.get_kind_display()
        return f"{label} ({self.signed_date})" if self.signed else label

    @property
    def signed_date(self) -> PartialDate | None:
        return partial_date_of(self, "signed")

    @property
    def renewal_due_date(self) -> PartialDate | None:
        return partial_date_of(self, "renewal_due")


class Event(models.Model):
    """One dated thing that happened to a pairing. Status-bearing events drive the pairing's status."""

    # Indexed by `event_pairing_status_covering` (Meta.indexes), which also carries the status columns.
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="events", db_index=False)
    event_type = models.CharField(_("event"), max_length=24, choices=EventType.choices)
    date = models.DateField(_("date"))
    date_precision = models.CharField(_("date precision"), max_length=5, choices=Precision.choices, default=Precision.DAY)
    date_circa = models.BooleanField(_("circa"), default=False)
    order = models.PositiveSmallIntegerField(
        _("order on the day"), default=0, help_text=_("Orders events that share a date (lower first).")
    )
    # The last day of the period the date names: an event counts from there, and the timeline is ordered
    # by it (twinning.status.timeline_key), so "June 2022" follows "12 June 2022".
    effective_on = models.GeneratedField(
        expression=models.expressions.RawSQL(period_end_sql('"date"', "date_precision"), []),
        output_field=models.DateField(),
        db_persist=True,
    )
    status_to = models.CharField(
        _("leads to status"), max_length=16, choices=Status.choices, blank=True,
        help_text=_("The status this event leads to. Leave empty to use the one its type implies, if any."),
    )
    rescinds = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="rescinded_by",
        verbose_name=_("rescinds"), help_text=_("For a rescinding event: the decision it withdraws."),
    )
    # Derived: the pairing's status right after this event (written by pairing_status_refresh only).
    status_after = models.CharField(max_length=16, choices=Status.choices, blank=True, editable=False)
    # Derived: the event from which that status holds (null while it is unknown), so `as_of` reads the
    # date a past status began from the latest event on or before that date.
    status_since_event = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    # Derived: the dates over which `status_after` is the pairing's status, [effective_on, next event's
    # effective_on) — empty when a later event on the same day supersedes it, unbounded for the last one.
    # `as_of` reads the one range containing the date (GiST index), not a subquery per pairing.
    status_during = DateRangeField(null=True, blank=True, editable=False)
    actor = models.CharField(_("who acted"), max_length=20, choices=Actor.choices, default=Actor.UNKNOWN)
    body = models.CharField(_("body"), max_length=16, choices=Body.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_zh_hant = models.TextField(
        _("summary (Traditional Chinese)"), blank=True,
        help_text=_("Shown on Traditional Chinese pages; left empty, the English is shown there, marked as English."),
    )
    mover = models.CharField(_("mover"), max_length=200, blank=True)
    mover_party = models.CharField(_("mover's party"), max_length=100, blank=True)
    seconder = models.CharField(_("seconder"), max_length=200, blank=True)
    seconder_party = models.CharField(_("seconder's party"), max_length=100, blank=True)
    votes_for = models.PositiveIntegerField(_("votes for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("votes against"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    unanimous = models.BooleanField(_("unanimous"), default=False)
    casting_vote = models.BooleanField(_("decided by casting vote"), default=False)
    agreement = models.ForeignKey(
        Agreement, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    confidence = models.CharField(_("confidence"), max_length=8, choices=Confidence.choices, default=Confidence.HIGH)
    confidence_note = models.CharField(_("confidence note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    # The pairing's two countries, copied by triggers (migration 0019) on every write path, so the events
    # list and `as_of` + `country` filter by country from the event's own row and indexes.
    country_a = models.CharField(max_length=2, default="", editable=False)
    country_b = models.CharField(max_length=2, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["effective_on", "country_a", "country_b"])  # generated, copied

    class Meta:
        ordering = ["effective_on", "order", "-date", "id"]  # twinning.status.TIMELINE_ORDER
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(votes_for__isnull=True) | models.Q(votes_for__gte=0), name="event_votes_for_nonneg"
            ),
            models.CheckConstraint(
                condition=models.Q(votes_against__isnull=True) | models.Q(votes_against__gte=0),
                name="event_votes_against_nonneg",
            ),
            models.CheckConstraint(
                condition=models.Q(abstentions__isnull=True) | models.Q(abstentions__gte=0),
                name="event_abstentions_nonneg",
            ),
            models.CheckConstraint(
                condition=~models.Q(unanimous=True, votes_against__gt=0), name="event_unanimous_has_no_votes_against"
            ),
            models.CheckConstraint(
                condition=models.Q(rescinds__isnull=True) | models.Q(event_type=EventType.DECISION_RESCINDED),
                name="event_only_rescinding_events_rescind",
            ),
            models.CheckConstraint(condition=~models.Q(rescinds=models.F("id")), name="event_not_rescinding_itself"),
            precision_constraint("date", "event_date_precision_normalised"),
        ]
        indexes = [
            models.Index(fields=["pairing", "date", "order"]),
            models.Index(fields=["pairing", "effective_on", "order"], name="event_pairing_timeline"),
            GistIndex(fields=["status_after", "status_during"], name="event_status_during_gist"),
            models.Index(fields=["event_type", "date"]),
            models.Index(fields=["date"]),
            # The status on a date (`as_of` + `status`, the join of `selectors._with_status`) read from the
            # indexes alone: the events with a status, or a pairing's events, with the dates they span.
            models.Index(
                fields=["status_after"], include=["status_during", "pairing", "status_since_event"],
                name="event_status_after_covering",
            ),
            models.Index(
                fields=["pairing"], include=["status_after", "status_during", "status_since_event"],
                name="event_pairing_status_covering",
            ),
            models.Index(fields=["updated_at", "id"]),
            # The events list's default order (twinning.status.TIMELINE_ORDER) across all pairings: a page
            # is read from the index, not sorted from every event (3.2 s at 1,000,000 events).
            models.Index(
                fields=["effective_on", "order", "-date", "id"], include=["updated_at", "country_a", "country_b"],
                name="event_timeline_order",
            ),
            # A country's events, either side (the events list's `country`): counted and, when there are
            # a few thousand, sorted from these, not from a scan of every event (43 -> 17 ms at 20,000 pairings);
            # with a status, the count of a country's pairings in that status on a date
            # (`PairingQuerySet.for_counting`).
            # They carry the period each status holds, the pairing (and side B the other country), so the
            # count on a date, and the pairings in a status on a date, are read from them alone
            # (migrations 0024, 0026).
            models.Index(
                fields=["country_a", "status_after"], include=["status_during", "pairing"], name="event_country_a_at"
            ),
            models.Index(
                fields=["country_b", "status_after"], include=["status_during", "country_a", "pairing"],
                name="event_country_b_at",
            ),
        ]

    def __str__(self):
        return f"{self.pairing}: {self.get_event_type_display()} — {self.when}"

    @property
    def when(self) -> PartialDate:
        return partial_date_of(self, "date")

    @property
    def has_vote(self) -> bool:
        return self.unanimous or any(v is not None for v in (self.votes_for, self.votes_against, self.abstentions))


class PairingCitation(CitationBase):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pairing citation")
        constraints = [models.UniqueConstraint(fields=["pairing", "source"], name="pairing_citation_unique")]


class EventCitation(CitationBase):
    """A source for an event. `claimed_date` records the date this source gives when sources disagree
    (e.g. "March 2023" in one report, "April 2023" in another): both are kept and shown."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="citations")
    claimed_date = models.DateField(_("date this source gives"), null=True, blank=True)
    claimed_date_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    claimed_date_circa = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event citation")
        constraints = [
            models.UniqueConstraint(fields=["event", "source"], name="event_citation_unique"),
            precision_constraint("claimed_date", "event_citation_claimed_date_precision_normalised"),
        ]

    @property
    def claimed(self) -> PartialDate | None:
        return partial_date_of(self, "claimed_date")


class AgreementCitation(CitationBase):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement citation")
        constraints = [models.UniqueConstraint(fields=["agreement", "source"], name="agreement_citation_unique")]


class SlugRedirect(models.Model):
    """An old public slug of a merged or renamed place or pairing, so links keep working."""

    kind = models.CharField(max_length=8, choices=[("place", "place"), ("pairing", "pairing")])
    old_slug = models.SlugField(max_length=240)
    new_slug = models.SlugField(max_length=240)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "old_slug"], name="slug_redirect_unique")]


# --- The world register: Wikidata snapshots and what they list (issue 8) ------------------------


class Snapshot(models.Model):
    """One imported Wikidata extract of twinning statements (P190), cited through its `Source`."""

    source = models.OneToOneField("sources.Source", on_delete=models.PROTECT, related_name="snapshot")
    date = models.DateField(_("snapshot date"), unique=True, help_text=_("When the data was retrieved from Wikidata."))
    file_name = models.CharField(_("file name"), max_length=200)
    row_count = models.PositiveIntegerField(_("rows"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    licence = models.CharField(_("licence"), max_length=100, default="CC0 1.0")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("Wikidata snapshot")
        verbose_name_plural = _("Wikidata snapshots")

    def __str__(self):
        return f"Wikidata snapshot {self.date:%Y-%m-%d}"


class ListingDirection(models.TextChoices):
    A_TO_B = "a_to_b", _("Listed on the first place only")
    B_TO_A = "b_to_a", _("Listed on the second place only")
    BOTH = "both", _("Listed on both places")


class Listing(models.Model):
    """Evidence that a Wikidata snapshot lists a pairing, with the names, countries and direction as
    listed there (not as curated here). Its `event` puts the listing on the pairing's timeline."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="listings")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="listings")
    event = models.OneToOneField(Event, on_delete=models.PROTECT, related_name="listing")
    item_qid = models.CharField(_("item QID"), max_length=16)
    item_label = models.CharField(_("item label as listed"), max_length=300, blank=True)
    item_country = models.CharField(_("item country as listed"), max_length=2, blank=True)
    twin_qid = models.CharField(_("twin QID"), max_length=16)
    twin_label = models.CharField(_("twin label as listed"), max_length=300, blank=True)
    twin_country = models.CharField(_("twin country as listed"), max_length=2, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=ListingDirection.choices)
    row_number = models.PositiveIntegerField(_("first row in the file"))
    start = models.CharField(_("start time as given"), max_length=40, blank=True)
    end = models.CharField(_("end time as given"), max_length=40, blank=True)
    end_cause = models.CharField(_("end cause QID"), max_length=16, blank=True)
    end_cause_label = models.CharField(_("end cause as given"), max_length=300, blank=True)
    missing_since = models.DateField(
        _("missing since"), null=True, blank=True,
        help_text=_("The date of a later snapshot that no longer lists this pairing: to review, never a severance."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["snapshot", "row_number"]
        verbose_name = _("Wikidata listing")
        verbose_name_plural = _("Wikidata listings")
        constraints = [models.UniqueConstraint(fields=["pairing", "snapshot"], name="listing_one_per_pairing_and_snapshot")]
        indexes = [models.Index(fields=["snapshot", "missing_since"])]

    def __str__(self):
        return f"{self.item_label} – {self.twin_label} ({self.snapshot})"


class ImportReport(models.Model):
    """What one run of the Wikidata import did, who ran it and when (kept for the admin, read-only)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="reports")
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("run by")
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    started_at = models.DateTimeField(_("started"))
    seconds = models.FloatField(_("seconds"))
    counts = models.JSONField(_("counts"), default=dict)
    lines = models.JSONField(_("report lines"), default=list, help_text=_("Each ambiguous or skipped row, with its reason."))
    text = models.TextField(_("report"))

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("Wikidata import report")
        verbose_name_plural = _("Wikidata import reports")

    def __str__(self):
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class AmbiguousMatch(models.Model):
    """A Wikidata item that more than one place here could be: never guessed, left for a curator."""

    qid = models.CharField(_("QID"), max_length=16, unique=True)
    label = models.CharField(_("label as listed"), max_length=300)
    country = models.CharField(_("country as listed"), max_length=2, blank=True)
    candidates = models.ManyToManyField(Place, related_name="+", verbose_name=_("candidate places"))
    snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="ambiguous_matches")
    rows = models.PositiveIntegerField(_("rows skipped"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["label"]
        verbose_name = _("ambiguous Wikidata match")
        verbose_name_plural = _("ambiguous Wikidata matches")

    def __str__(self):
        return f"{self.qid} {self.label} ({self.country})"


class ImportJob(models.Model):
    """A curator's spreadsheet upload between its preview and its import. The file is kept here, not
    in the session (a signed cookie, far too small for a spreadsheet), with who uploaded it, the
    answers given to its flagged near-duplicates and what the import did (read-only in the admin).

    A confirmed upload is queued for the worker (`twinning.tasks.import_job_run`), which moves it to
    running, counts `rows_done` as each batch is committed, and ends applied or failed (`error` says
    why; the batches committed before a failure stay, and running the job again finds them unchanged)."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", _("previewed, not imported")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("importing")
        APPLIED = "applied", _("imported")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("uploaded by")
    )
    file_name = models.CharField(_("file name"), max_length=200)
    data = models.BinaryField(_("file"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    resolutions = models.JSONField(_("answers to flags"), default=dict, blank=True)
    digest = models.CharField(_("confirmation digest"), max_length=64, db_index=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PREVIEWED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True, help_text=_("Why the import failed, by row and column."))
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"


class ChangeReview(models.Model):
    """An editor's verdict on one curator change (one django-simple-history record): approved, or
    reverted through the services (the revert is itself a change in the history, with its reason)."""

    class Verdict(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REVERTED = "reverted", _("Reverted")

    kind = models.CharField(_("kind of record"), max_length=32)
    history_id = models.BigIntegerField(_("history record"))
    verdict = models.CharField(_("verdict"), max_length=8, choices=Verdict.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("change review")
        constraints = [models.UniqueConstraint(fields=["kind", "history_id"], name="change_review_once")]

    def __str__(self):
        return f"{self.kind} #{self.history_id}: {self.get_verdict_display()}"
