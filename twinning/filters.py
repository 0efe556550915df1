"""Query filters for the API's places, pairings, events and agreements.

Every filter has a description (shown in the OpenAPI schema) and an example in `EXAMPLES`.
Bad values, unknown and repeated parameters answer 400 (twinning.api.common.StrictFilterBackend).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django_filters import rest_framework as filters

from core.api.filters import (
    FilterSet,
    ISODateFilter,
    PartialDateFilter,
    StableOrderingFilter,
    StrictBooleanFilter,
    UpdatedSinceFilter,
    either_side,
    resolve_one,
)
from twinning import search
from twinning.constants import AgreementKind, Body, EventType, IdentifierScheme, PlaceKind, Relationship, Status
from twinning.countries import country_choices
from twinning.models import Agreement, Event, Pairing, Place, in_country
from twinning.selectors import filter_country, filter_country_pair, filter_current_status


def _search_text(value: str) -> str:
    """The query, or a 400 naming `q` when it cannot be searched."""
    try:
        search.terms_of(value)
    except search.SearchError as exc:
        from rest_framework.exceptions import ValidationError

        raise ValidationError({"q": [str(exc)]}) from exc
    return value


class CountryFilter(filters.ChoiceFilter):
    """An ISO 3166-1 alpha-2 code, case-insensitive."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", country_choices)
        super().__init__(**kwargs)


class UpperCaseQueryMixin:
    """Normalise the case of country codes before validation."""

    upper_case_params: tuple[str, ...] = ()

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and self.upper_case_params:
            data = data.copy()
            for name in self.upper_case_params:
                if name in data:
                    data.setlist(name, [v.upper() for v in data.getlist(name)])
        super().__init__(data, *args, **kwargs)


class PlaceFilter(UpperCaseQueryMixin, FilterSet):
    upper_case_params = ("country",)

    country = CountryFilter(help_text="ISO 3166-1 alpha-2 country code.")
    region = filters.CharFilter(field_name="region", lookup_expr="iexact", help_text="Region, exactly (any case).")
    kind = filters.MultipleChoiceFilter(distinct=False, choices=PlaceKind.choices, help_text="Kind of place; repeatable.")
    q = filters.CharFilter(
        method="filter_q", max_length=search.MAX_QUERY_LENGTH,
        help_text="Search: places with a name, local name (either Chinese script) or other name (e.g. BANES, "
        "Ningpo, 諾丁漢) like every word given, typos allowed (pg_trgm word similarity); best match first "
        "unless `ordering` is given. At most 100 characters.",
    )
    identifier = filters.CharFilter(
        method="filter_identifier", help_text="An identifier as `scheme:value`, e.g. `wikidata:Q1794`."
    )
    updated_since = UpdatedSinceFilter()
    ordering = StableOrderingFilter(
        fields=(("name", "name"), ("country", "country"), ("updated_at", "updated_at")),
        help_text="Sort order; prefix with `-` to reverse.",
    )

    class Meta:
        model = Place
        fields = []

    def filter_q(self, qs, name, value):
        return search.places_matching(qs, _search_text(value))

    def filter_identifier(self, qs, name, value):
        scheme, sep, ident = value.partition(":")
        if not sep or scheme not in IdentifierScheme.values or not ident:
            from rest_framework.exceptions import ValidationError

            raise ValidationError(
                {"identifier": [f"Use scheme:value with a scheme among {', '.join(IdentifierScheme.values)}."]}
            )
        return qs.filter(identifiers__scheme=scheme, identifiers__value=ident)


class PairingFilter(UpperCaseQueryMixin, FilterSet):
    """Pairings. With `as_of`, `status` and `status_changed_*` use the status on that date."""

    upper_case_params = ("country", "countries")

    status = filters.MultipleChoiceFilter(
        distinct=False,
        field_name="current_status", choices=Status.choices, method="filter_status",
        help_text="Current status (or the status on `as_of`); repeat for several: `status=severed&status=lapsed`.",
    )
    relationship = filters.MultipleChoiceFilter(distinct=False, choices=Relationship.choices, help_text="Kind of relationship; repeatable.")
    country = CountryFilter(method="filter_country", help_text="A country on either side (ISO 3166-1 alpha-2).")
    countries = filters.CharFilter(
        method="filter_countries",
        help_text="Two country codes, comma-separated: pairings with one place in each (either way round).",
    )
    place = filters.CharFilter(method="filter_place", help_text="A place on either side, by slug or id.")
    region = filters.CharFilter(method="filter_region", help_text="A region on either side, exactly (any case).")
    established_after = PartialDateFilter(
        field_name="established_on", lookup_expr="gte",
        help_text="Established on or after this partial date (YYYY, YYYY-MM or YYYY-MM-DD).",
    )
    established_before = PartialDateFilter(
        field_name="established_on", lookup_expr="lte",
        help_text="Established on or before the end of this partial date (so `2010` includes all of 2010).",
    )
    status_changed_after = PartialDateFilter(
        field_name="current_since", lookup_expr="gte",
        help_text="The current status (or that on `as_of`) began on or after this partial date.",
    )
    status_changed_before = PartialDateFilter(
        field_name="current_since", lookup_expr="lte",
        help_text="The current status (or that on `as_of`) began on or before the end of this partial date.",
    )
    event_type = filters.MultipleChoiceFilter(
        distinct=False,
        choices=EventType.choices, method="filter_event_type",
        help_text="Has at least one event of this type (repeat for any of several).",
    )
    q = filters.CharFilter(
        method="filter_q", max_length=search.MAX_QUERY_LENGTH,
        help_text="Search: pairings where every word matches one of the two places' names, local names "
        "(either Chinese script) or other names, in any order and with typos allowed: `Nottingham Ningbo`, "
        "`Nottingham – Ningbo`, `nottinghm ningpo` and `諾丁漢` all find Nottingham–Ningbo. Best match first "
        "(exact name, then name start, then similar; checked pairings before those only listed by Wikidata) "
        "unless `ordering` is given. At most 100 characters.",
    )
    updated_since = UpdatedSinceFilter()
    as_of = ISODateFilter(
        method="filter_as_of",
        help_text="YYYY-MM-DD: filter and describe every pairing by its status on that date "
        "(derived from the dated events; `unknown` before any).",
    )
    ordering = StableOrderingFilter(
        fields=(
            ("established_on", "established"),
            ("current_since", "status_since"),
            ("updated_at", "updated_at"),
            ("sort_a", "place"),
            ("id", "id"),
        ),
        help_text="Sort order: established, status_since, updated_at, place (first place's name), id; "
        "prefix with `-` to reverse.",
    )

    class Meta:
        model = Pairing
        fields = []

    def filter_country(self, qs, name, value: str):
        return filter_country(qs, value)

    def filter_countries(self, qs, name, value):
        codes = [c.strip() for c in value.split(",")]
        known = {code for code, _name in country_choices()}
        if len(codes) != 2 or not all(c in known for c in codes):
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"countries": ["Give two ISO 3166-1 alpha-2 codes separated by a comma, e.g. GB,CN."]})
        return filter_country_pair(qs, *codes)

    def filter_place(self, qs, name, value):
        pk = resolve_one(Place, value, what="place", param="place")
        return qs.filter(Q(place_a_id=pk) | Q(place_b_id=pk))

    def filter_region(self, qs, name, value):
        return qs.filter(either_side("place_a", "place_b", "region__iexact", value))

    def filter_event_type(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(Exists(Event.objects.filter(pairing=OuterRef("pk"), event_type__in=value)))

    #: A `search.SearchResult` for this `q` already computed by the page (saves its one query).
    search_result = None

    def filter_q(self, qs, name, value):
        result = self.search_result if self.search_result is not None and self.search_result.text == value else None
        return search.pairings_matching(qs, _search_text(value), result=result)

    def filter_status(self, qs, name, value):
        return filter_current_status(qs, value) if value else qs

    def filter_as_of(self, qs, name, value):
        return qs  # applied by the view, which annotates the status on that date before filtering


class EventFilter(UpperCaseQueryMixin, FilterSet):
    upper_case_params = ("country",)

    type = filters.MultipleChoiceFilter(distinct=False, field_name="event_type", choices=EventType.choices, help_text="Event type; repeatable.")
    date_after = PartialDateFilter(field_name="date", lookup_expr="gte", help_text="On or after this partial date.")
    date_before = PartialDateFilter(
        field_name="date", lookup_expr="lte", help_text="On or before the end of this partial date."
    )
    pairing = filters.CharFilter(method="filter_pairing", help_text="The pairing, by slug or id.")
    place = filters.CharFilter(method="filter_place", help_text="A place on either side of the pairing, by slug or id.")
    country = CountryFilter(method="filter_country", help_text="A country on either side of the pairing.")
    body = filters.MultipleChoiceFilter(distinct=False, choices=Body.choices, help_text="The body that acted; repeatable.")
    outcome = filters.MultipleChoiceFilter(
        distinct=False,
        field_name="status_after", choices=Status.choices,
        help_text="The pairing's status right after the event; repeatable.",
    )
    has_vote = StrictBooleanFilter(method="filter_has_vote", help_text="Only events with (true) or without (false) a recorded vote.")
    q = filters.CharFilter(method="filter_q", help_text="Text in the summary, mover or seconder.")
    updated_since = UpdatedSinceFilter()
    ordering = StableOrderingFilter(
        fields=(("date", "date"), ("updated_at", "updated_at"), ("id", "id")),
        help_text="Sort order: date, updated_at, id; prefix `-` to reverse. Default: timeline order.",
    )

    class Meta:
        model = Event
        fields = []

    def filter_pairing(self, qs, name, value):
        return qs.filter(pairing_id=resolve_one(Pairing, value, what="pairing", param="pairing"))

    def filter_place(self, qs, name, value):
        pk = resolve_one(Place, value, what="place", param="place")
        return qs.filter(Q(pairing__place_a_id=pk) | Q(pairing__place_b_id=pk))

    def filter_country(self, qs, name, value: str):
        # The event's own copy of its pairing's countries (migration 0019): the timeline index carries them.
        return qs.filter(in_country(value))

    def filter_has_vote(self, qs, name, value):
        voted = (
            Q(unanimous=True) | Q(votes_for__isnull=False) | Q(votes_against__isnull=False) | Q(abstentions__isnull=False)
        )
        return qs.filter(voted) if value else qs.exclude(voted)

    def filter_q(self, qs, name, value):
        return qs.filter(Q(summary__icontains=value) | Q(mover__icontains=value) | Q(seconder__icontains=value))


class AgreementFilter(FilterSet):
    pairing = filters.CharFilter(method="filter_pairing", help_text="The pairing, by slug or id.")
    kind = filters.MultipleChoiceFilter(distinct=False, choices=AgreementKind.choices, help_text="Kind of agreement; repeatable.")
    signed_after = PartialDateFilter(field_name="signed", lookup_expr="gte", help_text="Signed on or after this partial date.")
    signed_before = PartialDateFilter(
        field_name="signed", lookup_expr="lte", help_text="Signed on or before the end of this partial date."
    )
    renewal_due_before = PartialDateFilter(
        field_name="renewal_due", lookup_expr="lte", help_text="Renewal or expiry due by the end of this partial date."
    )
    updated_since = UpdatedSinceFilter()
    ordering = StableOrderingFilter(
        fields=(("signed", "signed"), ("updated_at", "updated_at"), ("id", "id")),
        help_text="Sort order: signed, updated_at, id; prefix `-` to reverse.",
    )

    class Meta:
        model = Agreement
        fields = []

    def filter_pairing(self, qs, name, value):
        return qs.filter(pairing_id=resolve_one(Pairing, value, what="pairing", param="pairing"))


# Examples shown next to each query parameter in the OpenAPI schema (by parameter name).
EXAMPLES = {
    "status": "severed",
    "format": "csv",
    "relationship": "sister_city",
    "country": "GB",
    "countries": "GB,CN",
    "place": "newcastle-upon-tyne",
    "region": "Shanxi",
    "established_after": "1980",
    "established_before": "2010-06",
    "status_changed_after": "2020",
    "status_changed_before": "2023-12-31",
    "event_type": "decision_sever",
    "campaign": "global-de-twin-with-china",
    "q": "Taiyuan",
    "updated_since": "2024-05-01T00:00:00Z",
    "as_of": "2022-01-01",
    "ordering": "-updated_at",
    "type": "decision_sever",
    "date_after": "2022",
    "date_before": "2022-12",
    "pairing": "newcastle-upon-tyne-taiyuan",
    "body": "full_council",
    "outcome": "severed",
    "has_vote": "true",
    "kind": "city",
    "identifier": "wikidata:Q1794",
    "signed_after": "2000",
    "signed_before": "2019-12",
    "renewal_due_before": "2027",
    "publisher": "Wakefield Express",
    "published_after": "2022-11",
    "published_before": "2023",
    "cites": "newcastle-upon-tyne-taiyuan",
    "language": "en",
    "organisation": "nottingham-stands-with-hong-kong",
    "opened_after": "2022",
    "opened_before": "2023-06",
    "target_place": "nottingham",
}

# Where a parameter name means different things on different lists.
EXAMPLES_BY_PATH = {
    ("/api/v1/pairings/", "ordering"): "-status_since",
    ("/api/v1/stats/", "format"): "json",
    ("/api/v1/drift/", "format"): "json",
    ("/api/v1/events/", "ordering"): "-date",
    ("/api/v1/agreements/", "kind"): "charter",
    ("/api/v1/organisations/", "kind"): "coalition",
    ("/api/v1/petitions/", "outcome"): "submitted",
    ("/api/v1/sources/", "type"): "council_minutes",
    ("/api/v1/sources/", "q"): "twin city",
    ("/api/v1/events/", "q"): "Taylor",
    ("/api/v1/campaigns/", "q"): "de-twin",
    ("/api/v1/organisations/", "q"): "Hong Kong",
    ("/api/v1/places/", "q"): "Newcastle",
    ("/api/v1/campaigns/", "place"): "nottingham",
    ("/api/v1/places/", "region"): "England",
}
