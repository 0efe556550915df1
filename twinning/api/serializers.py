from __future__ import annotations

import functools

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core.api.fields import PartialDateAPIField, PartialDateInputField, WriteSerializerMixin, partial_date_columns, plain_columns
from core.api.lean import choice_label
from core.api.lean import datetime_text as _datetime
from core.api.renderers import FORMULA_START, csv_cell
from core.memo import built_once
from core.partialdates import PartialDate, partial_date_of
from sources.api.serializers import CitationSerializer
from sources.models import Source
from twinning import world
from twinning.constants import (
    Actor,
    AgreementKind,
    Body,
    Confidence,
    EventType,
    IdentifierScheme,
    PlaceKind,
    Relationship,
    Status,
    TextAvailability,
)
from twinning.models import Agreement, Event, Pairing, Place
from twinning.services import IDENTITY_FIELDS, IDENTITY_FIXED, Cite

ENDED_STATUSES = {Status.SEVERED, Status.LAPSED}


def public_url(route: str, slug: str, fallback: str) -> str:
    """Absolute URL of a public page; built by hand if the public site has no such route yet."""
    try:
        path = reverse(route, kwargs={"slug": slug})
    except NoReverseMatch:
        path = fallback.format(slug=slug)
    return settings.SITE_URL.rstrip("/") + path


# --- Places ---------------------------------------------------------------------------------------


class PlaceSummarySerializer(serializers.ModelSerializer):
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)

    class Meta:
        model = Place
        fields = ["id", "slug", "name", "local_name", "country", "region", "kind", "latitude", "longitude"]


class IdentifierSerializer(serializers.Serializer):
    scheme = serializers.ChoiceField(choices=IdentifierScheme.choices)
    value = serializers.CharField()


class PlaceSerializer(serializers.ModelSerializer):
    country_name = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    identifiers = IdentifierSerializer(many=True)
    pairing_count = serializers.IntegerField(help_text="Pairings this place is part of.")
    url = serializers.SerializerMethodField(help_text="The place's public page.")

    class Meta:
        model = Place
        fields = [
            "id", "slug", "url", "name", "local_name", "country", "country_name", "region", "kind", "kind_label",
            "governing_body", "latitude", "longitude", "identifiers", "pairing_count", "notes", "created_at",
            "updated_at",
        ]

    def get_url(self, obj) -> str:
        return public_url("place-detail", obj.slug, "/places/{slug}/")

    def to_representation(self, obj):
        """The same dict as the fields above give (they stay the schema; tests hold the two equal), built
        directly: DRF's per-field calls cost ~1 ms a place. A subclass takes the generic path."""
        if type(self) is not PlaceSerializer:
            return super().to_representation(obj)
        language = get_language()
        return {
            "id": obj.id,
            "slug": obj.slug,
            "url": _place_url(obj.slug, language),
            "name": obj.name,
            "local_name": obj.local_name,
            "country": obj.country,
            "country_name": obj.country_name,
            "region": obj.region,
            "kind": obj.kind,
            "kind_label": choice_label(Place, "kind", obj.kind, language),
            "governing_body": obj.governing_body,
            "latitude": _float(obj.latitude),
            "longitude": _float(obj.longitude),
            "identifiers": [{"scheme": i.scheme, "value": i.value} for i in obj.identifiers.all()],
            "pairing_count": obj.pairing_count,
            "notes": obj.notes,
            "created_at": _datetime(obj.created_at),
            "updated_at": _datetime(obj.updated_at),
        }


class PlaceWriteSerializer(WriteSerializerMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    local_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    region = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=PlaceKind.choices, required=False)
    governing_body = serializers.CharField(max_length=200, required=False, allow_blank=True)
    latitude = serializers.DecimalField(max_digits=8, decimal_places=5, required=False, allow_null=True)
    longitude = serializers.DecimalField(max_digits=8, decimal_places=5, required=False, allow_null=True)
    identifiers = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="scheme -> value, e.g. {\"wikidata\": \"Q1794\"}"
    )
    notes = serializers.CharField(required=False, allow_blank=True)

    def validate_country(self, value):
        return value.upper()

    def validate_identifiers(self, value):
        bad = sorted(set(value) - set(IdentifierScheme.values))
        if bad:
            raise serializers.ValidationError(f"Unknown schemes {', '.join(bad)}; use {', '.join(IdentifierScheme.values)}.")
        return value


PLACE_CSV_COLUMNS = {
    **plain_columns("id", "slug", "name", "local_name", "country", "country_name", "region", "kind",
                    "governing_body", "latitude", "longitude"),
    **{
        f"identifier_{scheme}": (
            lambda r, scheme=scheme: next((i["value"] for i in r["identifiers"] if i["scheme"] == scheme), "")
        )
        for scheme in IdentifierScheme.values
    },
    **plain_columns("pairing_count", "url", "updated_at"),
}


# --- Events ---------------------------------------------------------------------------------------


class EventCitationSerializer(CitationSerializer):
    claimed_date = PartialDateAPIField(
        source="claimed", help_text="The date this source gives, when sources disagree about it."
    )


class EventSerializer(serializers.ModelSerializer):
    """One dated event of a pairing's timeline, with the decision's details and its sources."""

    event_type_label = serializers.CharField(source="get_event_type_display")
    date = PartialDateAPIField(source="when")
    status_after = serializers.ChoiceField(
        choices=Status.choices, help_text="The pairing's status right after this event (derived)."
    )
    actor_label = serializers.CharField(source="get_actor_display")
    body_label = serializers.CharField(source="get_body_display")
    has_vote = serializers.BooleanField()
    sources = EventCitationSerializer(many=True, source="citations")

    class Meta:
        model = Event
        fields = [
            "id", "event_type", "event_type_label", "date", "order", "status_to", "status_after", "rescinds",
            "actor", "actor_label", "body", "body_label", "summary", "mover", "mover_party", "seconder",
            "seconder_party", "votes_for", "votes_against", "abstentions", "unanimous", "casting_vote",
            "has_vote", "agreement", "confidence", "confidence_note", "sources", "updated_at",
        ]


    def to_representation(self, obj):
        """`event_dict`: the same dict as the fields above give (they stay the schema; tests hold the two
        equal), without DRF's per-field calls. A subclass with fields of its own takes the generic path
        unless it defines `to_representation` too."""
        if type(self) is EventSerializer:
            return event_dict(obj)
        return super().to_representation(obj)


class PairingRefSerializer(serializers.ModelSerializer):
    place_a = PlaceSummarySerializer()
    place_b = PlaceSummarySerializer()

    class Meta:
        model = Pairing
        fields = ["id", "slug", "relationship", "place_a", "place_b"]


class EventWithPairingSerializer(EventSerializer):
    pairing = PairingRefSerializer()

    class Meta(EventSerializer.Meta):
        fields = ["id", "pairing", *EventSerializer.Meta.fields[1:]]

    def to_representation(self, obj):
        """`event_dict` with the pairing (its places loaded), in the fields' order; equal to the fields'
        output (tests)."""
        if type(self) is not EventWithPairingSerializer:
            return serializers.ModelSerializer.to_representation(self, obj)
        row = event_dict(obj)
        pairing = obj.pairing
        ref = {
            "id": pairing.id, "slug": pairing.slug, "relationship": pairing.relationship,
            "place_a": place_summary(pairing.place_a), "place_b": place_summary(pairing.place_b),
        }
        return {"id": row.pop("id"), "pairing": ref, **row}


class CiteInputSerializer(serializers.Serializer):
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all(), help_text="A source id (see /sources/).")
    locator = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    quote = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    claimed_date = PartialDateInputField(required=False, allow_null=True, default=None)


def cites(items) -> list[Cite]:
    return [
        Cite(source=i["source"], locator=i.get("locator", ""), quote=i.get("quote", ""), claimed_date=i.get("claimed_date"))
        for i in items
    ]


class EventWriteSerializer(WriteSerializerMixin, serializers.Serializer):
    pairing = serializers.PrimaryKeyRelatedField(queryset=Pairing.objects.all(), help_text="The pairing's id.")
    event_type = serializers.ChoiceField(choices=EventType.choices)
    date = PartialDateInputField()
    status_to = serializers.ChoiceField(
        choices=Status.choices, required=False, allow_blank=True,
        help_text="Only when the event leads to another status than its type implies.",
    )
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    rescinds = serializers.PrimaryKeyRelatedField(
        queryset=Event.objects.all(), required=False, allow_null=True, help_text="For decision_rescinded: the decision withdrawn."
    )
    actor = serializers.ChoiceField(choices=Actor.choices, required=False)
    body = serializers.ChoiceField(choices=Body.choices, required=False, allow_blank=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    mover = serializers.CharField(max_length=200, required=False, allow_blank=True)
    mover_party = serializers.CharField(max_length=100, required=False, allow_blank=True)
    seconder = serializers.CharField(max_length=200, required=False, allow_blank=True)
    seconder_party = serializers.CharField(max_length=100, required=False, allow_blank=True)
    votes_for = serializers.IntegerField(min_value=0, max_value=2_000_000_000, required=False, allow_null=True)
    votes_against = serializers.IntegerField(min_value=0, max_value=2_000_000_000, required=False, allow_null=True)
    abstentions = serializers.IntegerField(min_value=0, max_value=2_000_000_000, required=False, allow_null=True)
    unanimous = serializers.BooleanField(required=False)
    casting_vote = serializers.BooleanField(required=False)
    agreement = serializers.PrimaryKeyRelatedField(queryset=Agreement.objects.all(), required=False, allow_null=True)
    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
    confidence_note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    sources = CiteInputSerializer(
        many=True, required=False,
        help_text="Sources for the event. Required when it changes the pairing's status. On update, replaces them.",
    )


class EventUpdateSerializer(EventWriteSerializer):
    pairing = None  # an event stays on its pairing


EVENT_CSV_COLUMNS = {
    **plain_columns("id"),
    "pairing_id": lambda r: r["pairing"]["id"],
    "pairing_slug": lambda r: r["pairing"]["slug"],
    "place_a": lambda r: r["pairing"]["place_a"]["name"],
    "place_a_country": lambda r: r["pairing"]["place_a"]["country"],
    "place_b": lambda r: r["pairing"]["place_b"]["name"],
    "place_b_country": lambda r: r["pairing"]["place_b"]["country"],
    **plain_columns("event_type"),
    **partial_date_columns("date"),
    **plain_columns(
        "status_after", "actor", "body", "summary", "mover", "mover_party", "seconder", "seconder_party", "votes_for",
        "votes_against", "abstentions", "unanimous", "casting_vote", "confidence",
    ),
    "source_ids": lambda r: [c["source"]["id"] for c in r["sources"]],
    "source_urls": lambda r: [c["source"]["url"] for c in r["sources"]],
    "updated_at": lambda r: r["updated_at"],
}


# --- Agreements -----------------------------------------------------------------------------------


class AgreementSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    signed = PartialDateAPIField(source="signed_date")
    renewal_due = PartialDateAPIField(source="renewal_due_date")
    sources = CitationSerializer(many=True, source="citations")

    class Meta:
        model = Agreement
        fields = [
            "id", "pairing", "kind", "kind_label", "title", "signed", "signatories", "term_years", "renewal_due",
            "text_availability", "text_url", "foi_url", "notes", "confidence", "sources", "updated_at",
        ]


class AgreementWriteSerializer(WriteSerializerMixin, serializers.Serializer):
    pairing = serializers.PrimaryKeyRelatedField(queryset=Pairing.objects.all())
    kind = serializers.ChoiceField(choices=AgreementKind.choices)
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    signed = PartialDateInputField(required=False, allow_null=True)
    renewal_due = PartialDateInputField(required=False, allow_null=True)
    signatories = serializers.CharField(required=False, allow_blank=True)
    term_years = serializers.IntegerField(min_value=1, max_value=1000, required=False, allow_null=True)
    text_availability = serializers.ChoiceField(choices=TextAvailability.choices, required=False)
    text_url = serializers.URLField(max_length=1000, required=False, allow_blank=True)
    foi_url = serializers.URLField(max_length=1000, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
    sources = CiteInputSerializer(many=True, required=False)


AGREEMENT_CSV_COLUMNS = {
    **plain_columns("id", "pairing", "kind", "title"),
    **partial_date_columns("signed"),
    **plain_columns("signatories", "term_years"),
    **partial_date_columns("renewal_due"),
    **plain_columns("text_availability", "text_url", "foi_url", "confidence"),
    "source_ids": lambda r: [c["source"]["id"] for c in r["sources"]],
    "updated_at": lambda r: r["updated_at"],
}


# --- Pairings -------------------------------------------------------------------------------------


class PairingSerializer(serializers.ModelSerializer):
    """A pairing as listed. With `as_of`, `status`, `status_since` and `ended` describe that date."""

    url = serializers.SerializerMethodField(help_text="The pairing's public page.")
    relationship_label = serializers.CharField(source="get_relationship_display")
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    status_since = serializers.SerializerMethodField()
    established = serializers.SerializerMethodField()
    ended = serializers.SerializerMethodField()
    place_a = PlaceSummarySerializer()
    place_b = PlaceSummarySerializer()
    latest_event = serializers.SerializerMethodField(
        help_text="The latest event on the timeline (on or before `as_of` when given), with its sources."
    )
    status_event = serializers.SerializerMethodField(
        help_text="The event that brought the status (on `as_of` when given) — for a severed or retained "
        "pairing, the decision: who decided, the vote, and its sources."
    )
    source_count = serializers.IntegerField(help_text="Distinct sources cited by the pairing's events.")
    as_of = serializers.SerializerMethodField(help_text="The date the status describes, when `as_of` was given.")

    class Meta:
        model = Pairing
        fields = [
            "id", "slug", "url", "relationship", "relationship_label", "status", "status_label", "status_since",
            "as_of", "established", "ended", "place_a", "place_b", "status_event", "latest_event", "source_count",
            "confidence",
            "updated_at",
        ]

    def get_url(self, obj) -> str:
        return public_url("pairing-detail", obj.slug, "/pairings/{slug}/")

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, obj) -> str:
        return obj.current_status

    def get_status_label(self, obj) -> str:
        return world.status_label(obj.current_status, obj.current_since)

    @extend_schema_field(PartialDateAPIField())
    def get_status_since(self, obj):
        since = partial_date_of(obj, "current_since")
        return since.as_dict() if since else None

    @extend_schema_field(PartialDateAPIField())
    def get_established(self, obj):
        if obj.established_on is None:
            return None
        return PartialDate(obj.established_on, obj.established_precision, bool(obj.established_circa)).as_dict()

    @extend_schema_field(PartialDateAPIField())
    def get_ended(self, obj):
        """When the relationship ended: the date its status became severed or lapsed."""
        if obj.current_status in ENDED_STATUSES:
            return self.get_status_since(obj)
        return None

    def _event(self, event):
        """One EventSerializer for the whole response: building its fields per row would cost more
        than everything else in a page."""
        if event is None:
            return None
        serializer = self.context.get("_event_serializer")
        if serializer is None:
            serializer = self.context["_event_serializer"] = EventSerializer(context=self.context)
        return serializer.to_representation(event)

    @extend_schema_field(EventSerializer(allow_null=True))
    def get_latest_event(self, obj):
        return self._event(getattr(obj, "latest_event", None))

    @extend_schema_field(EventSerializer(allow_null=True))
    def get_status_event(self, obj):
        return self._event(getattr(obj, "status_event", None))

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_as_of(self, obj):
        as_of = self.context.get("as_of")
        return as_of.isoformat() if as_of else None

    def to_representation(self, obj):
        """The same dict DRF's field machinery builds (the declared fields above stay the schema, and
        tests hold the two equal), built directly by the class's own `lean_representation`: per row,
        DRF's per-field calls cost more than the queries of a page. A subclass adding fields without
        defining its own `lean_representation` takes the generic path."""
        lean = type(self).__dict__.get("lean_representation")
        if lean is None:
            return super().to_representation(obj)
        return lean(self, obj, get_language())

    def lean_representation(self, obj, language: str) -> dict:
        as_of = self.context.get("as_of")
        tz = self.context.get("_tz")
        if tz is None:
            tz = self.context["_tz"] = timezone.get_current_timezone()
            self.context["_site_url"] = _site_url()
        site_url = self.context["_site_url"]
        # An event is often both the latest and the one the status holds from: built once per response.
        events = self.context.setdefault("_event_dicts", {})

        def event_out(event):
            if event is None:
                return None
            key = (id(event), language)
            if key not in events:
                events[key] = (event, event_dict(event, language, tz))
            return events[key][1]

        status = obj.current_status
        since = partial_date_of(obj, "current_since")
        since = since.as_dict(language) if since else None
        established = None
        if obj.established_on is not None:
            established = PartialDate(obj.established_on, obj.established_precision, bool(obj.established_circa)).as_dict(
                language
            )
        return {
            "id": obj.id,
            "slug": obj.slug,
            "url": site_url + _pairing_path(obj.slug, language),
            "relationship": obj.relationship,
            "relationship_label": choice_label(Pairing, "relationship", obj.relationship, language),
            "status": status,
            "status_label": (
                world.status_label(status, obj.current_since)
                if status == Status.LISTED
                else choice_label(Pairing, "status", status, language)
            ),
            "status_since": since,
            "as_of": as_of.isoformat() if as_of else None,
            "established": established,
            "ended": since if status in ENDED_STATUSES else None,
            "place_a": place_summary(obj.place_a),
            "place_b": place_summary(obj.place_b),
            "status_event": event_out(getattr(obj, "status_event", None)),
            "latest_event": event_out(getattr(obj, "latest_event", None)),
            "source_count": int(obj.source_count),
            "confidence": obj.confidence,
            "updated_at": _datetime(obj.updated_at, tz),
        }


# --- Lean representations (the list's rows, JSON, CSV and GeoJSON alike) ---------------------------

def _site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def _public_path(route: str, slug: str, fallback: str, language: str | None = None) -> str:
    """The path of a public page (`route`, by slug): reversed once per route and language, then filled
    in (what `public_url` gives, without a reverse() per row)."""
    key = (route, language or get_language())
    template = _PATHS.get(key)
    if template is None:
        marker = "slug-placeholder-0"
        try:
            template = reverse(route, kwargs={"slug": marker}).replace(marker, "{slug}")
        except NoReverseMatch:
            template = fallback
        _PATHS[key] = template
    return template.replace("{slug}", slug)


_PATHS: dict[tuple, str] = {}


def _pairing_path(slug: str, language: str | None = None) -> str:
    return _public_path("pairing-detail", slug, "/pairings/{slug}/", language)


def _place_url(slug: str, language: str) -> str:
    """`public_url` of a place's page (a slug reverse() would quote: by reverse())."""
    if not slug.isascii():
        return public_url("place-detail", slug, "/places/{slug}/")
    return _site_url() + _public_path("place-detail", slug, "/places/{slug}/", language)


def _float(value):
    return None if value is None else float(value)


def place_summary(place) -> dict:
    """PlaceSummarySerializer's output."""
    return {
        "id": place.id,
        "slug": place.slug,
        "name": place.name,
        "local_name": place.local_name,
        "country": place.country,
        "region": place.region,
        "kind": place.kind,
        "latitude": _float(place.latitude),
        "longitude": _float(place.longitude),
    }


def _date(value, language: str | None = None):
    return value.as_dict(language) if value is not None else None


def citation_dict(citation, language: str | None = None) -> dict:
    """CitationSerializer's output (a pairing's or an agreement's citation, its source loaded)."""
    source = citation.source
    return {
        "source": {
            "id": source.id,
            "title": source.title,
            "publisher": source.publisher,
            "url": source.url,
            "archive_url": source.archive_url,
            "published": _date(source.published_date, language),
            "source_type": source.source_type,
        },
        "locator": citation.locator,
        "quote": citation.quote,
    }


def _all(related) -> list:
    """A relation's rows: a list as it is (Records, `twinning.selectors.event_records`), else a manager's `.all()`."""
    return related if isinstance(related, list) else related.all()


def _citation(citation, language: str | None = None) -> dict:
    """EventCitationSerializer's output."""
    row = citation_dict(citation, language)
    row["claimed_date"] = _date(citation.claimed, language)
    return row


def event_dict(event, language: str | None = None, tz=None) -> dict | None:
    """EventSerializer's output for an event with its citations and sources loaded (a model instance, or
    a Record of `twinning.selectors.event_records`)."""
    if event is None:
        return None
    language = language or get_language()
    return {
        "id": event.id,
        "event_type": event.event_type,
        "event_type_label": choice_label(Event, "event_type", event.event_type, language),
        "date": event.when.as_dict(language),
        "order": event.order,
        "status_to": event.status_to,
        "status_after": event.status_after,
        "rescinds": event.rescinds_id,
        "actor": event.actor,
        "actor_label": choice_label(Event, "actor", event.actor, language),
        "body": event.body,
        "body_label": choice_label(Event, "body", event.body, language),
        "summary": event.summary,
        "mover": event.mover,
        "mover_party": event.mover_party,
        "seconder": event.seconder,
        "seconder_party": event.seconder_party,
        "votes_for": event.votes_for,
        "votes_against": event.votes_against,
        "abstentions": event.abstentions,
        "unanimous": event.unanimous,
        "casting_vote": event.casting_vote,
        "has_vote": event.has_vote,
        "agreement": event.agreement_id,
        "confidence": event.confidence,
        "confidence_note": event.confidence_note,
        "sources": [_citation(c, language) for c in _all(event.citations)],
        "updated_at": _datetime(event.updated_at, tz),
    }


def agreement_dict(agreement, language: str | None = None) -> dict:
    """AgreementSerializer's output for an agreement with its citations and sources loaded."""
    language = language or get_language()
    return {
        "id": agreement.id,
        "pairing": agreement.pairing_id,
        "kind": agreement.kind,
        "kind_label": choice_label(Agreement, "kind", agreement.kind, language),
        "title": agreement.title,
        "signed": _date(agreement.signed_date, language),
        "signatories": agreement.signatories,
        "term_years": agreement.term_years,
        "renewal_due": _date(agreement.renewal_due_date, language),
        "text_availability": agreement.text_availability,
        "text_url": agreement.text_url,
        "foi_url": agreement.foi_url,
        "notes": agreement.notes,
        "confidence": agreement.confidence,
        "sources": [citation_dict(c, language) for c in agreement.citations.all()],
        "updated_at": _datetime(agreement.updated_at),
    }


class PairingDetailSerializer(PairingSerializer):
    """A pairing with its whole timeline, agreements and the sources cited for the pairing itself.
    Built directly too (`lean_representation`; a test holds it equal to the declared fields)."""

    timeline = EventSerializer(many=True, help_text="Every event, in timeline order, with sources and decision details.")
    agreements = AgreementSerializer(many=True, source="agreement_list")
    sources = CitationSerializer(many=True, source="citation_list", help_text="Sources cited for the pairing as a whole.")
    notes = serializers.CharField()
    confidence_note = serializers.CharField()

    class Meta(PairingSerializer.Meta):
        fields = [*PairingSerializer.Meta.fields, "notes", "confidence_note", "timeline", "agreements", "sources"]

    def lean_representation(self, obj, language: str) -> dict:
        row = PairingSerializer.lean_representation(self, obj, language)
        row["notes"] = obj.notes
        row["confidence_note"] = obj.confidence_note
        row["timeline"] = [event_dict(event, language) for event in obj.timeline]
        row["agreements"] = [agreement_dict(agreement, language) for agreement in obj.agreement_list]
        row["sources"] = [citation_dict(citation, language) for citation in obj.citation_list]
        return row


class PairingWriteSerializer(WriteSerializerMixin, serializers.Serializer):
    place_a = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all())
    place_b = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all())
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    established = PartialDateInputField(
        required=False, allow_null=True, help_text="Records an `established` event; then `sources` are required."
    )
    sources = CiteInputSerializer(many=True, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
    confidence_note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class PairingUpdateSerializer(WriteSerializerMixin, serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True)
    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
    confidence_note = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            fixed = [name for name in IDENTITY_FIELDS if name in self.initial_data]
            if fixed:
                raise ValidationError({name: [str(IDENTITY_FIXED)] for name in fixed})
        return super().validate(attrs)


def _event(which, key):
    return lambda r: (r.get(which) or {}).get(key)


PAIRING_CSV_COLUMNS = {
    **plain_columns("id", "slug", "url", "relationship", "status"),
    **partial_date_columns("status_since"),
    **plain_columns("as_of"),
    **partial_date_columns("established"),
    **partial_date_columns("ended"),
    **{
        f"{side}_{key}": (lambda r, side=side, key=key: r[side][key])
        for side in ("place_a", "place_b")
        for key in ("id", "slug", "name", "local_name", "country", "region", "kind", "latitude", "longitude")
    },
    **{f"status_event_{name}": _event("status_event", key) for name, key in (("id", "id"), ("type", "event_type"))},
    **partial_date_columns("status_event_date", _event("status_event", "date")),
    **{
        f"status_event_{key}": _event("status_event", key)
        for key in ("actor", "body", "mover", "mover_party", "seconder", "seconder_party", "votes_for",
                    "votes_against", "abstentions", "unanimous")
    },
    "status_event_source_urls": lambda r: [c["source"]["url"] or c["source"]["title"] for c in (r.get("status_event") or {}).get("sources", [])],
    **{f"latest_event_{name}": _event("latest_event", key) for name, key in (("id", "id"), ("type", "event_type"))},
    **partial_date_columns("latest_event_date", _event("latest_event", "date")),
    **plain_columns("source_count", "confidence", "updated_at"),
}


def pairing_feature(record: dict) -> dict:
    """A pairing as a GeoJSON feature: a line between its two places (null without coordinates)."""
    a, b = record["place_a"], record["place_b"]
    geometry = None
    if None not in (a["latitude"], a["longitude"], b["latitude"], b["longitude"]):
        geometry = {"type": "LineString", "coordinates": [[a["longitude"], a["latitude"]], [b["longitude"], b["latitude"]]]}
    properties = {name: fn(record) for name, fn in PAIRING_CSV_COLUMNS.items()}
    return {"type": "Feature", "id": record["id"], "geometry": geometry, "properties": properties}


# --- The full export: PAIRING_CSV_COLUMNS from rows of `pairing_export_chunks` -------------------


class PairingExport:
    """The export's rows (tuples of `twinning.selectors.PAIRING_EXPORT_COLUMNS`, which `values` unpacks
    in that order) as the cells the list
    gives for PAIRING_CSV_COLUMNS: `csv_cells(row)` is what `stream_csv` writes for the list's record
    (the same `csv_cell` text, formula neutralisation included), `properties(row)` the GeoJSON
    properties. Built without a record per row: per-export constants (site URL, language, `as_of`)
    once, each distinct partial date formatted once. Tests hold it equal to the serializer path."""

    _SLUG = "slug-placeholder-0"

    def __init__(self, *, as_of=None):
        """In the language the export is read in (the URL's path and the dates' display text)."""
        self.csv_cell = csv_cell
        self.url_prefix, self.url_suffix = (_site_url() + _pairing_path(self._SLUG)).split(self._SLUG)
        self.as_of = as_of.isoformat() if as_of else None
        self.language = get_language()
        self.datetime = functools.partial(_datetime, tz=timezone.get_current_timezone())
        self._dates: dict = {}
        self.ended = {str(s) for s in ENDED_STATUSES}

    def url(self, slug: str) -> str:
        return self.url_prefix + slug + self.url_suffix

    def _date(self, date, precision, circa, *, default_precision=None) -> tuple:
        """(display, date, precision, circa) of a partial date, as `partial_date_columns` reads them."""
        if date is None:
            return ("", "", "", "")
        key = (date, precision, circa)
        value = self._dates.get(key)
        if value is None:
            precision = str(precision or default_precision)
            display = PartialDate(date, precision, bool(circa)).display(self.language)
            value = (display, date.isoformat(), precision, bool(circa))
            if len(self._dates) < 100_000:
                self._dates[key] = value
        return value

    def values(self, row) -> list:
        """The raw value of every PAIRING_CSV_COLUMNS column (what each column's function returns)."""
        (pk, slug, relationship, confidence, updated_at, status, since, since_p, since_c, _status_event_id,
         a_id, a_slug, a_name, a_local, a_country, a_region, a_kind, a_lat, a_lon,
         b_id, b_slug, b_name, b_local, b_country, b_region, b_kind, b_lat, b_lon,
         est, est_p, est_c, latest_id, latest_type, latest_d, latest_p, latest_c, source_count,
         se_id, se_type, se_d, se_p, se_c, se_actor, se_body, se_mover, se_mover_party, se_seconder,
         se_seconder_party, se_for, se_against, se_abstentions, se_unanimous, se_urls) = row
        status_since = self._date(since, since_p, since_c, default_precision="day")
        return [
            pk, slug, self.url(slug), relationship, status,
            *status_since,
            self.as_of,
            *self._date(est, est_p, est_c),
            *(status_since if status in self.ended else ("", "", "", "")),
            a_id, a_slug, a_name, a_local, a_country, a_region, a_kind, a_lat, a_lon,
            b_id, b_slug, b_name, b_local, b_country, b_region, b_kind, b_lat, b_lon,
            se_id, se_type,
            *self._date(se_d, se_p, se_c, default_precision="day"),
            se_actor, se_body, se_mover, se_mover_party, se_seconder, se_seconder_party, se_for, se_against,
            se_abstentions, se_unanimous,
            list(se_urls or ()),
            latest_id, latest_type,
            *self._date(latest_d, latest_p, latest_c, default_precision="day"),
            int(source_count), confidence, self.datetime(updated_at),
        ]

    def properties(self, row) -> dict:
        return dict(zip(PAIRING_CSV_COLUMNS, self.values(row), strict=True))

    def feature(self, row) -> dict:
        """`pairing_feature` of the list's record for this row."""
        a_lat, a_lon, b_lat, b_lon = row[17], row[18], row[26], row[27]
        geometry = None
        if None not in (a_lat, a_lon, b_lat, b_lon):
            geometry = {"type": "LineString", "coordinates": [[a_lon, a_lat], [b_lon, b_lat]]}
        return {"type": "Feature", "id": row[0], "geometry": geometry, "properties": self.properties(row)}

    # The line's SQL by what it depends on (language, pairing URL, `as_of`): the same few texts on every
    # page, built once (~0.4 ms each time, twice a CSV page).
    _lines: dict = {}
    _LINES_MAX = 64

    def csv_sql(self, export_sql: str) -> str:
        """The export query (`twinning.selectors.pairing_export_sql` with its row position `n`) made
        into one finished CSV line per row, written by PostgreSQL (core.sqlcsv): the same text as
        `csv_cells` through csv.writer, which tests hold byte for byte. Raises core.sqlcsv.Unsupported
        when it cannot (a time zone other than UTC, a date format it does not write)."""
        from core import sqlcsv
        from twinning.selectors import PAIRING_EXPORT_COLUMNS

        if timezone.get_current_timezone_name() != "UTC":
            raise sqlcsv.Unsupported("time zone")
        key = (self.language, self.url_prefix, self.url_suffix, self.as_of, tuple(sorted(self.ended)))
        line = built_once(self._lines, key, self._csv_line_sql, limit=self._LINES_MAX)
        columns = ", ".join(f'"{name}"' for name in (*PAIRING_EXPORT_COLUMNS, "urls_text", "n"))
        return f"SELECT {line} FROM ({export_sql}) e ({columns}) ORDER BY e.n"

    def _csv_line_sql(self) -> str:
        """The SQL of one row's finished CSV line, from the columns of `e` (`csv_sql`)."""
        from core import sqlcsv
        from twinning.selectors import PAIRING_EXPORT_COLUMNS

        c = {name: f'e."{name}"' for name in PAIRING_EXPORT_COLUMNS}
        language = self.language

        def date(prefix, d, p, circa, default):
            precision = f"COALESCE(NULLIF({p}, ''), {sqlcsv.literal(default)})"
            missing = f"{d} IS NULL"
            return [
                sqlcsv.partial_date_display(d, precision, circa, language),
                f"(CASE WHEN {missing} THEN NULL ELSE {sqlcsv.iso_date(d)} END)",
                f"(CASE WHEN {missing} THEN NULL ELSE {precision} END)",
                f"(CASE WHEN {missing} THEN NULL ELSE {sqlcsv.boolean(circa)} END)",
            ]

        since = date("status_since", c["status_since"], c["status_since_precision"], c["status_since_circa"], "day")
        ended = ", ".join(sqlcsv.literal(s) for s in sorted(self.ended))
        place = []
        for side in ("a", "b"):
            for f in ("id", "slug", "name", "local_name", "country", "region", "kind", "latitude", "longitude"):
                name = c[f"place_{side}_{f}"]
                place.append(sqlcsv.float_repr(name) if f in ("latitude", "longitude") else sqlcsv.number(name) if f == "id" else name)
        urls = "e.urls_text"  # made formula-safe and joined by pairing_export_sql
        raw = [
            sqlcsv.number(c["id"]), c["slug"],
            f"({sqlcsv.literal(self.url_prefix)} || {c['slug']} || {sqlcsv.literal(self.url_suffix)})",
            c["relationship"], c["status"],
            *since,
            sqlcsv.literal(self.as_of) if self.as_of else "NULL",
            *date("established", c["established_on"], c["established_precision"], c["established_circa"], "None"),
            *(f"(CASE WHEN {c['status']} IN ({ended}) THEN {cell} END)" for cell in since),
            *place,
            sqlcsv.number(c["status_event_pk"]), c["status_event_type"],
            *date("status_event_date", c["status_event_date"], c["status_event_precision"], c["status_event_circa"], "day"),
            *(c[f"status_event_{k}"] for k in ("actor", "body", "mover", "mover_party", "seconder", "seconder_party")),
            *(sqlcsv.number(c[f"status_event_{k}"]) for k in ("votes_for", "votes_against", "abstentions")),
            sqlcsv.boolean(c["status_event_unanimous"]),
            urls,
            sqlcsv.number(c["latest_event_id"]), c["latest_event_type"],
            *date("latest_event_date", c["latest_event_date"], c["latest_event_precision"], c["latest_event_circa"], "day"),
            sqlcsv.number(c["source_count"]), c["confidence"], sqlcsv.utc_timestamp(c["updated_at"]),
        ]
        if len(raw) != len(PAIRING_CSV_COLUMNS):
            raise sqlcsv.Unsupported("columns")
        # One level (so PostgreSQL can build the lines in its parallel workers): plain columns are named
        # as often as their CASEs need; the dates' display text, costly, once (regular expressions).
        text = set(_CSV_TEXT)
        names = list(PAIRING_CSV_COLUMNS)
        display_neutral, display_quoted = sqlcsv.partial_date_display_safety(language)
        cells = []
        for i, expr in enumerate(raw):
            if names[i] in _CSV_DISPLAY:  # checked only when the language's dates can need it
                expr = sqlcsv.neutral_once(expr) if display_neutral else expr
                cells.append(sqlcsv.quoted_once(expr) if display_quoted else f"COALESCE({expr}, '')")
            elif names[i] == "url":  # the slug tested, not the URL built around it
                cells.append(sqlcsv.affixed_cell(self.url_prefix, c["slug"], self.url_suffix))
            elif names[i] in _CSV_ISO_DATES or (i not in text and names[i] in _CSV_NEVER_QUOTED):
                cells.append(f"COALESCE({expr}, '')")
            elif i not in text:
                cells.append(sqlcsv.quoted(expr))
            else:
                cells.append(f"COALESCE({sqlcsv.neutral(expr)}, '')" if names[i] in _CSV_NEVER_QUOTED else sqlcsv.text_cell(expr))
        return sqlcsv.csv_line(cells)

    def csv_cells(self, row) -> list:
        """`[csv_cell(fn(record)) for fn in PAIRING_CSV_COLUMNS.values()]` for this row: numbers and None
        as they are (csv.writer writes them as `csv_cell` does), text neutralised, booleans spelt out."""
        cells = self.values(row)
        for i in _CSV_TEXT:
            value = cells[i]
            if value and value[0] in _FORMULA_START:
                cells[i] = "'" + value
        for i in _CSV_BOOLEANS:
            value = cells[i]
            if value is True or value is False:
                cells[i] = "true" if value else "false"
        cells[_CSV_LIST] = csv_cell(cells[_CSV_LIST])
        return cells


_NUMBERS = {"id", "source_count", "status_event_votes_for", "status_event_votes_against", "status_event_abstentions"}
_CSV_BOOLEANS = [i for i, name in enumerate(PAIRING_CSV_COLUMNS) if name.endswith("_circa") or name == "status_event_unanimous"]
_CSV_LIST = list(PAIRING_CSV_COLUMNS).index("status_event_source_urls")
_CSV_TEXT = [
    i for i, name in enumerate(PAIRING_CSV_COLUMNS)
    if i not in _CSV_BOOLEANS and i != _CSV_LIST and name not in _NUMBERS
    and not name.endswith(("_id", "_latitude", "_longitude"))
]


# Columns whose text can never hold a comma, a double quote or a line break (numbers, ISO dates and
# times, precisions, flags, slugs and choice codes): written without the quoting check.
_CSV_NEVER_QUOTED = frozenset(
    name for name in PAIRING_CSV_COLUMNS
    if name in _NUMBERS or name == "as_of" or name == "updated_at"
    or name.endswith(("_id", "_latitude", "_longitude", "_date_date", "_since_date", "established_date", "ended_date",
                      "_precision", "_circa", "slug", "_country", "_kind", "_type", "_actor", "_body", "unanimous"))
    or name in ("slug", "relationship", "status", "confidence")
)
# The dates' display text (costly expressions in core.sqlcsv, named once per cell).
_CSV_DISPLAY = frozenset({"status_since", "established", "ended", "status_event_date", "latest_event_date"})
# The dates as ISO text (core.sqlcsv.iso_date): a digit first, never neutralised.
_CSV_ISO_DATES = frozenset(f"{name}_date" for name in _CSV_DISPLAY)
_FORMULA_START = frozenset(FORMULA_START)  # one character each: `value[0] in` is `startswith`
