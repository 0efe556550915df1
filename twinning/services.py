"""Writes for the core domain: one function per action, keyword-only, each in a transaction.

The admin, the API, the importer and the management commands all call these. The status of a
pairing is written only by `pairing_status_refresh`, from `twinning.status.derive`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.bulk import update_rows
from core.history import history_delete, history_save
from core.partialdates import PartialDate, partial_date_of, partial_values
from core.slugs import advisory_lock, save_with_unique_slug
from core.text import is_ascii_digits
from sources.services import Cite, citation_delete, citation_set
from twinning.constants import IMPLIED_STATUS, EventType, PlaceNameKind, Status
from twinning.models import (
    Agreement,
    AgreementCitation,
    ChangeReview,
    Event,
    EventCitation,
    ImportJob,
    Listing,
    Pairing,
    PairingCitation,
    Place,
    PlaceIdentifier,
    PlaceName,
    SlugRedirect,
)
from twinning.status import TIMELINE_ORDER, stored_fields


def _set_partial(obj, prefix: str, value: PartialDate | None) -> None:
    for name, field_value in partial_values(prefix, value, circa=hasattr(obj, f"{prefix}_circa")).items():
        setattr(obj, name, field_value)


# --- Places -----------------------------------------------------------------------------------


@transaction.atomic
def place_create(
    *,
    name: str,
    country: str,
    local_name: str = "",
    region: str = "",
    kind: str = "city",
    governing_body: str = "",
    latitude=None,
    longitude=None,
    identifiers: dict[str, str] | None = None,
    notes: str = "",
    notes_zh_hant: str = "",
    user=None,
    reason: str = "",
) -> Place:
    name = name.strip()
    country = country.upper()
    # Two identical requests at once must not make two places: one waits for the other here, then
    # finds it. Homonyms in one country are real (the Wikidata register has many), so the same name
    # is refused only in the same region.
    advisory_lock(f"place:{name.casefold()}|{country}|{region.strip().casefold()}")
    existing = (
        Place.objects.filter(name__iexact=name, country=country, region__iexact=region.strip()).order_by("pk").first()
    )
    if existing is not None:
        raise ValidationError(
            {
                "name": _(
                    "“%(name)s” (%(country)s%(region)s) is already recorded as place “%(slug)s” (id %(id)s); "
                    "correct that place, or give this one its region to tell them apart."
                )
                % {
                    "name": existing.name,
                    "country": existing.country,
                    "region": f", {existing.region}" if existing.region else "",
                    "slug": existing.slug,
                    "id": existing.pk,
                }
            },
            code="duplicate",
        )
    base = slugify(name) or slugify(f"{name}-{country}") or f"place-{country.lower()}"
    place = Place(
        name=name,
        local_name=local_name.strip(),
        country=country.upper(),
        region=region.strip(),
        kind=kind,
        governing_body=governing_body.strip(),
        latitude=latitude,
        longitude=longitude,
        notes=notes,
        notes_zh_hant=notes_zh_hant,
    )
    save_with_unique_slug(place, base, lambda: history_save(place, user=user, reason=reason or "Place recorded"))
    for scheme, value in (identifiers or {}).items():
        if value:
            place_identifier_set(place=place, scheme=scheme, value=value, user=user, reason=reason)
    return place


@transaction.atomic
def place_update(place: Place, *, user=None, reason: str = "", **fields) -> Place:
    for name, value in fields.items():
        setattr(place, name, value)
    history_save(place, user=user, reason=reason or "Place updated")
    return place


@transaction.atomic
def place_identifier_set(*, place: Place, scheme: str, value: str, user=None, reason: str = "") -> PlaceIdentifier:
    value = value.strip()
    clash = PlaceIdentifier.objects.filter(scheme=scheme, value=value).exclude(place=place).select_related("place").first()
    if clash is not None:
        raise ValidationError(
            _("%(scheme)s %(value)s already identifies %(place)s.")
            % {"scheme": scheme, "value": value, "place": clash.place.name}
        )
    identifier = PlaceIdentifier.objects.filter(place=place, scheme=scheme).first() or PlaceIdentifier(
        place=place, scheme=scheme
    )
    identifier.value = value
    history_save(identifier, user=user, reason=reason or "Identifier set")
    return identifier


@transaction.atomic
def place_identifier_delete(identifier: PlaceIdentifier, *, user=None, reason: str = "") -> None:
    history_delete(identifier, user=user, reason=reason or "Identifier removed")


def _clean_name(name: str) -> str:
    return " ".join(name.replace("\x00", "").split())


@transaction.atomic
def place_name_add(
    *, place: Place, name: str, kind: str = PlaceNameKind.ALTERNATE, language: str = "", user=None, reason: str = ""
) -> PlaceName:
    """Give a place another searchable name (idempotent: the same name, in any case, is kept once;
    its kind and language are updated). The place's own name and local name are refused."""
    name = _clean_name(name)
    if not name:
        raise ValidationError(_("Give the other name."))
    if name.casefold() in {place.name.casefold(), place.local_name.casefold()}:
        raise ValidationError(_("“%(name)s” is already the place's name or local name.") % {"name": name})
    other = PlaceName.objects.filter(place=place, name__iexact=name).first() or PlaceName(place=place)
    other.name, other.kind, other.language = name, kind, language
    history_save(other, user=user, reason=reason or "Other name added")
    return other


@transaction.atomic
def place_name_delete(other: PlaceName, *, user=None, reason: str = "") -> None:
    history_delete(other, user=user, reason=reason or "Other name removed")


@transaction.atomic
def place_names_from_listings(*, user=None, reason: str = "") -> int:
    """Make the labels Wikidata snapshots list for a place (by its QID) searchable as its other names,
    kind "wikidata": the 2016 crawl's "Peking" for Beijing, "Prag" for Prague. Labels that are already
    the place's name, local name or another name (any case) are left out; nothing is removed. Bulk,
    with history; returns the number of names added."""
    from simple_history.utils import bulk_create_with_history

    place_of = dict(PlaceIdentifier.objects.filter(scheme="wikidata").values_list("value", "place_id"))
    labels = set(Listing.objects.values_list("item_qid", "item_label").distinct())
    labels |= set(Listing.objects.values_list("twin_qid", "twin_label").distinct())
    known: dict[int, set[str]] = {}
    for pk, name, local_name in Place.objects.filter(pk__in=set(place_of.values())).values_list("pk", "name", "local_name"):
        known[pk] = {name.casefold(), local_name.casefold()}
    for pk, name in PlaceName.objects.values_list("place_id", "name"):
        known.setdefault(pk, set()).add(name.casefold())
    new = []
    for qid, label in sorted(labels):
        label = _clean_name(label)[:200]
        pk = place_of.get(qid)
        if not label or pk is None or label.casefold() in known.get(pk, set()):
            continue
        known.setdefault(pk, set()).add(label.casefold())
        new.append(PlaceName(place_id=pk, name=label, kind=PlaceNameKind.WIKIDATA))
    if new:
        bulk_create_with_history(new, PlaceName, batch_size=1000, default_user=user,
                                 default_change_reason=reason or "Labels listed by Wikidata")
    return len(new)


# --- Pairings ---------------------------------------------------------------------------------


def pairing_find(*, place_a: Place, place_b: Place, relationship: str) -> Pairing | None:
    return (
        Pairing.objects.filter(relationship=relationship)
        .filter(Q(place_a=place_a, place_b=place_b) | Q(place_a=place_b, place_b=place_a))
        .first()
    )


@transaction.atomic
def pairing_create(
    *,
    place_a: Place,
    place_b: Place,
    relationship: str,
    established: PartialDate | None = None,
    citations: list[Cite] = (),
    notes: str = "",
    notes_zh_hant: str = "",
    confidence: str = "high",
    confidence_note: str = "",
    user=None,
    reason: str = "",
) -> Pairing:
    """Record a pairing. With an established date, its first event ("established") is recorded too,
    so a pairing recorded with nothing else is active; the citations support that event."""
    if place_a.pk == place_b.pk:
        raise ValidationError({"place_b": _("A place cannot be paired with itself.")})
    advisory_lock(f"pairing:{min(place_a.pk, place_b.pk)}|{max(place_a.pk, place_b.pk)}|{relationship}")
    existing = pairing_find(place_a=place_a, place_b=place_b, relationship=relationship)
    if existing is not None:
        raise ValidationError(
            {"relationship": _("%(pairing)s is already recorded with this relationship.") % {"pairing": existing}}
        )
    pairing = Pairing(
        place_a=place_a,
        place_b=place_b,
        relationship=relationship,
        notes=notes,
        notes_zh_hant=notes_zh_hant,
        confidence=confidence,
        confidence_note=confidence_note,
    )
    save_with_unique_slug(
        pairing, f"{place_a.slug}-{place_b.slug}", lambda: history_save(pairing, user=user, reason=reason or "Pairing recorded")
    )
    for cite in citations:
        pairing_cite(pairing=pairing, cite=cite, user=user, reason=reason)
    if established is not None:
        event_record(
            pairing=pairing,
            event_type=EventType.ESTABLISHED,
            date=established,
            citations=citations,
            user=user,
            reason=reason or "Pairing established",
        )
    else:
        pairing_status_refresh(pairing=pairing)
    return pairing


IDENTITY_FIELDS = ("place_a", "place_b", "relationship")
IDENTITY_FIXED = _(
    "A pairing's places and relationship cannot be changed in place: its whole sourced timeline belongs to "
    "them. An editor can move it to another pair (“Move to another pair”, with a preview) or merge it."
)


@transaction.atomic
def pairing_update(pairing: Pairing, *, user=None, reason: str = "", **fields) -> Pairing:
    forbidden = {*STORED_STATUS_FIELDS, "sources_cited"} & {name.removesuffix("_id") for name in fields}
    if forbidden:
        raise ValidationError(_("A status is derived from events and cannot be set directly."))
    moved = [name for name in IDENTITY_FIELDS if name in fields and _identity_value(fields[name]) != _identity_value(getattr(pairing, name))]
    if moved:
        raise ValidationError({name: IDENTITY_FIXED for name in moved})
    for name, value in fields.items():
        setattr(pairing, name, value)
    history_save(pairing, user=user, reason=reason or "Pairing updated")
    return pairing


def _identity_value(value):
    return getattr(value, "pk", value)


@transaction.atomic
def pairing_move(
    *, pairing: Pairing, place_a: Place, place_b: Place, relationship: str, user=None, reason: str = ""
) -> Pairing:
    """An editor's correction of which places (or which relationship) a pairing is between: the
    pairing keeps its timeline, sources and agreements; it gets the slug of its new pair and the old
    slug redirects there. Refused when the new pair is already recorded (merge the two instead)."""
    if not reason.strip():
        raise ValidationError({"change_reason": _("Say why the pairing moves; it is recorded in the history.")})
    if place_a.pk == place_b.pk:
        raise ValidationError({"place_b": _("A place cannot be paired with itself.")})
    existing = pairing_find(place_a=place_a, place_b=place_b, relationship=relationship)
    if existing is not None and existing.pk != pairing.pk:
        raise ValidationError(
            _("%(pairing)s is already recorded as a %(relationship)s (%(slug)s): merge the two pairings instead.")
            % {"pairing": existing, "relationship": existing.get_relationship_display(), "slug": existing.slug}
        )
    old_slug = pairing.slug
    pairing.place_a, pairing.place_b, pairing.relationship = place_a, place_b, relationship
    base = f"{place_a.slug}-{place_b.slug}"
    if old_slug != base and not is_ascii_digits(old_slug.removeprefix(f"{base}-")):
        save_with_unique_slug(pairing, base, lambda: history_save(pairing, user=user, reason=reason))
    else:
        history_save(pairing, user=user, reason=reason)
    if pairing.slug != old_slug:
        SlugRedirect.objects.filter(kind="pairing", new_slug=old_slug).update(new_slug=pairing.slug)
        SlugRedirect.objects.filter(kind="pairing", old_slug=pairing.slug).delete()
        SlugRedirect.objects.update_or_create(kind="pairing", old_slug=old_slug, defaults={"new_slug": pairing.slug})
    return pairing_status_refresh(pairing=pairing)


def pairing_cite(*, pairing: Pairing, cite: Cite, replace: bool = False, user=None, reason: str = "") -> PairingCitation:
    """Cite a source for the pairing as a whole (or update the citation; `replace`: see `citation_values`)."""
    return citation_set(
        PairingCitation, owner_field="pairing", owner=pairing, cite=cite, replace=replace, user=user, reason=reason
    )


def pairing_citation_delete(citation: PairingCitation, *, user=None, reason: str = "") -> None:
    citation_delete(citation, user=user, reason=reason)


# The pairing fields `pairing_status_refresh` derives (`twinning.status.stored_fields`).
STORED_STATUS_FIELDS = [
    "status", "status_since", "status_since_precision", "status_since_circa", "status_event",
    "evidence", "established_date", "established_date_precision", "established_date_circa", "last_event",
]


def _apply_stored_fields(pairing: Pairing, events: list[Event]) -> tuple[list[Event], dict]:
    """Set on `pairing` and its `events` (in memory) what `twinning.status.stored_fields` derives.
    Returns the events that changed and the pairing's fields if they changed ({} otherwise)."""
    pairing_fields, event_fields = stored_fields(events)
    changed_events = []
    for event in events:
        fields = event_fields[event.pk]
        if any(getattr(event, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(event, name, value)
            changed_events.append(event)
    if not any(getattr(pairing, name) != value for name, value in pairing_fields.items()):
        return changed_events, {}
    for name, value in pairing_fields.items():
        setattr(pairing, name, value)
    return changed_events, pairing_fields


def pairing_status_refresh(*, pairing: Pairing) -> Pairing:
    """Recompute and store the pairing's status, the event it holds from (and its date), and for each
    event the status right after it and the event that status holds from (`twinning.status.stored_fields`).

    The only writer of those fields. Called by every service that changes a pairing's events.
    """
    events = list(Event.objects.filter(pairing=pairing).order_by(*TIMELINE_ORDER))
    changed_events, pairing_fields = _apply_stored_fields(pairing, events)
    if changed_events:
        Event.objects.bulk_update(changed_events, ["status_after", "status_since_event", "status_during"])
    if pairing_fields:
        # The derived cache is not a curator change, so it is written without a history row.
        Pairing.objects.filter(pk=pairing.pk).update(**pairing_fields)
    # Any change to a pairing's timeline counts as an update of the pairing (for `updated_since`).
    now = timezone.now()
    Pairing.objects.filter(pk=pairing.pk).update(updated_at=now)
    pairing.updated_at = now
    return pairing


def pairings_status_refresh_bulk(*, pairing_ids, batch_size: int = 2000) -> int:
    """`pairing_status_refresh` for many pairings at once (for bulk imports): the same
    `stored_fields`, in a few queries per batch instead of several per pairing. Returns how many
    pairings' stored status changed. Stores exactly what `pairing_status_refresh` stores (a test
    compares the two on a sample)."""
    from collections import defaultdict

    ids = sorted(set(pairing_ids))
    changed_count = 0
    now = timezone.now()
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        by_pairing = defaultdict(list)
        for event in Event.objects.filter(pairing_id__in=chunk).order_by(*TIMELINE_ORDER):
            by_pairing[event.pairing_id].append(event)
        changed_events, changed_pairings = [], []
        for pairing in Pairing.objects.filter(pk__in=chunk):
            events = by_pairing.get(pairing.pk, [])
            changed, pairing_fields = _apply_stored_fields(pairing, events)
            changed_events += changed
            changed_count += bool(pairing_fields)
            pairing.updated_at = now
            changed_pairings.append(pairing)
        # The derived cache is not a curator change: no history rows, as in pairing_status_refresh.
        # (One UPDATE … FROM unnest per table: bulk_update's CASE per row cost seconds per thousand.)
        update_rows(Event, changed_events, ["status_after", "status_since_event", "status_during"])
        update_rows(
            Pairing,
            changed_pairings,
            [*STORED_STATUS_FIELDS, "updated_at"],
        )
    return changed_count


# --- Events -----------------------------------------------------------------------------------


def event_changes_status(*, event_type: str, status_to: str = "") -> bool:
    return event_type == EventType.DECISION_RESCINDED or bool(status_to) or event_type in IMPLIED_STATUS


def _require_sources(*, event_type: str, status_to: str, citations) -> None:
    if event_changes_status(event_type=event_type, status_to=status_to) and not citations:
        raise ValidationError(
            _("This event changes the pairing's status, so it needs at least one source. Add a source and save again."),
            code="source_required",
        )


def event_rescind_check(*, pairing_id, event_type: str, date: PartialDate | None, rescinds: Event | None) -> None:
    """A rescinding event names the decision it withdraws (on the same pairing, status-bearing) and is
    not dated before it (a partial date counts from the start of its period, as the timeline sorts it)."""
    if event_type != EventType.DECISION_RESCINDED:
        if rescinds is not None:
            raise ValidationError({"rescinds": _("Only a “decision rescinded” event withdraws a decision; leave Rescinds empty.")})
        return
    if rescinds is None:
        raise ValidationError(
            {"rescinds": _("Name the decision this event withdraws (Rescinds); a rescind never guesses which one.")}
        )
    if rescinds.pairing_id != pairing_id:
        raise ValidationError({"rescinds": _("A rescinding event must withdraw a decision on the same pairing.")})
    if not event_changes_status(event_type=rescinds.event_type, status_to=rescinds.status_to) or (
        rescinds.event_type == EventType.DECISION_RESCINDED
    ):
        raise ValidationError({"rescinds": _("%(event)s changes no status, so there is nothing to rescind.") % {"event": rescinds}})
    if date is not None and date.date < rescinds.date:
        raise ValidationError(
            {"date": _("A rescind cannot come before the decision it withdraws (%(event)s): date it on or after %(date)s.")
             % {"event": rescinds.get_event_type_display(), "date": rescinds.when.display()}}
        )


def _next_order(pairing: Pairing, date) -> int:
    last = Event.objects.filter(pairing=pairing, date=date).order_by("-order").values_list("order", flat=True).first()
    return 0 if last is None else last + 1


EVENT_FIELDS = {
    "actor", "body", "summary", "summary_zh_hant", "mover", "mover_party", "seconder", "seconder_party", "votes_for",
    "votes_against", "abstentions", "unanimous", "casting_vote", "agreement", "confidence", "confidence_note",
}


@transaction.atomic
def event_record(
    *,
    pairing: Pairing,
    event_type: str,
    date: PartialDate,
    citations: list[Cite] = (),
    status_to: str = "",
    order: int | None = None,
    rescinds: Event | None = None,
    user=None,
    reason: str = "",
    **details,
) -> Event:
    """Record an event on a pairing's timeline and re-derive the pairing's status.

    A status-changing event must come with at least one source (ValidationError otherwise)."""
    unknown = set(details) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown event fields: {', '.join(sorted(unknown))}")
    if status_to and status_to not in Status.values:
        raise ValidationError({"status_to": _("Unknown status “%(value)s”.") % {"value": status_to}})
    _require_sources(event_type=event_type, status_to=status_to, citations=citations)
    event_rescind_check(pairing_id=pairing.pk, event_type=event_type, date=date, rescinds=rescinds)
    event = Event(
        pairing=pairing,
        event_type=event_type,
        status_to=status_to,
        rescinds=rescinds,
        order=_next_order(pairing, date.date) if order is None else order,
        **details,
    )
    _set_partial(event, "date", date)
    history_save(event, user=user, reason=reason or f"Event recorded: {event.get_event_type_display()}")
    for cite in citations:
        event_cite(event=event, cite=cite, user=user, reason=reason)
    pairing_status_refresh(pairing=pairing)
    return event


@transaction.atomic
def event_update(
    event: Event,
    *,
    date: PartialDate | None = None,
    citations: list[Cite] | None = None,
    user=None,
    reason: str = "",
    **fields,
) -> Event:
    """Change an event (with a reason). `citations`, when given, replaces the event's sources."""
    for name, value in fields.items():
        setattr(event, name, value)
    if date is not None:
        _set_partial(event, "date", date)
    if citations is not None:
        has_sources = bool(citations)
    else:
        has_sources = event.citations.exists()
    _require_sources(event_type=event.event_type, status_to=event.status_to, citations=[1] if has_sources else [])
    event_rescind_check(pairing_id=event.pairing_id, event_type=event.event_type, date=event.when, rescinds=event.rescinds)
    history_save(event, user=user, reason=reason or "Event updated")
    if citations is not None:
        for cite in citations:
            event_cite(event=event, cite=cite, user=user, reason=reason)
        keep = {c.source.pk for c in citations}
        for old in event.citations.exclude(source__in=keep):
            event_citation_delete(old, user=user, reason=reason)
    pairing_status_refresh(pairing=event.pairing)
    return event


@transaction.atomic
def event_delete(event: Event, *, user=None, reason: str = "") -> None:
    pairing = event.pairing
    if event.rescinded_by.exists():
        raise ValidationError(_("This decision is withdrawn by a later rescinding event; delete that one first."))
    for citation in event.citations.all():
        citation_delete(citation, user=user, reason=reason or "Event deleted")
    history_delete(event, user=user, reason=reason or "Event deleted")
    pairing_status_refresh(pairing=pairing)


def event_recorded_by(event: Event):
    """The user who recorded the event (from its history), or None."""
    created = event.history.filter(history_type="+").order_by("history_date").select_related("history_user").first()
    return created.history_user if created is not None else None


@transaction.atomic
def event_withdraw(event: Event, *, user, reason: str) -> None:
    """A curator withdraws their own mistaken event: deleted with history (and the reason), the status
    re-derived. Only the user who recorded it may; editors delete events directly."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the event is withdrawn; it is recorded in the history.")})
    recorder = event_recorded_by(event)
    if recorder is None or recorder.pk != getattr(user, "pk", None):
        raise ValidationError(
            _("Only the curator who recorded this event (%(who)s) can withdraw it; ask an editor to delete it.")
            % {"who": recorder or _("unknown")}
        )
    event_delete(event, user=user, reason=f"Withdrawn: {reason.strip()}")


@transaction.atomic
def event_cite(*, event: Event, cite: Cite, user=None, reason: str = "") -> EventCitation:
    citation = EventCitation.objects.filter(event=event, source=cite.source).first() or EventCitation(
        event=event, source=cite.source
    )
    citation.locator = cite.locator or citation.locator
    citation.quote = cite.quote or citation.quote
    if cite.claimed_date is not None:
        _set_partial(citation, "claimed_date", cite.claimed_date)
    history_save(citation, user=user, reason=reason or "Source cited")
    return citation


@transaction.atomic
def event_citation_delete(citation: EventCitation, *, user=None, reason: str = "") -> None:
    """Remove a source from an event; refused (ValidationError) when it is the last source of an
    event that changes the pairing's status."""
    event = citation.event
    others = event.citations.exclude(pk=citation.pk).exists()
    _require_sources(event_type=event.event_type, status_to=event.status_to, citations=others)
    citation_delete(citation, user=user, reason=reason)


# --- Agreements -------------------------------------------------------------------------------


@transaction.atomic
def agreement_record(
    *,
    pairing: Pairing,
    kind: str,
    signed: PartialDate | None = None,
    renewal_due: PartialDate | None = None,
    citations: list[Cite] = (),
    user=None,
    reason: str = "",
    **fields,
) -> Agreement:
    agreement = Agreement(pairing=pairing, kind=kind, **fields)
    _set_partial(agreement, "signed", signed)
    _set_partial(agreement, "renewal_due", renewal_due)
    history_save(agreement, user=user, reason=reason or "Agreement recorded")
    for cite in citations:
        agreement_cite(agreement=agreement, cite=cite, user=user, reason=reason)
    return agreement


@transaction.atomic
def agreement_update(
    agreement: Agreement,
    *,
    signed: PartialDate | None = ...,
    renewal_due: PartialDate | None = ...,
    user=None,
    reason: str = "",
    **fields,
) -> Agreement:
    """Change an agreement's details (dates only when given)."""
    for name, value in fields.items():
        setattr(agreement, name, value)
    if signed is not ...:
        _set_partial(agreement, "signed", signed)
    if renewal_due is not ...:
        _set_partial(agreement, "renewal_due", renewal_due)
    history_save(agreement, user=user, reason=reason or "Agreement updated")
    return agreement


@transaction.atomic
def agreement_delete(agreement: Agreement, *, user=None, reason: str = "") -> None:
    """Delete an agreement and its citations (events that named it keep standing, without it)."""
    for citation in agreement.citations.all():
        agreement_citation_delete(citation, user=user, reason=reason or "Agreement deleted")
    history_delete(agreement, user=user, reason=reason or "Agreement deleted")


def agreement_cite(*, agreement: Agreement, cite: Cite, replace: bool = False, user=None, reason: str = "") -> AgreementCitation:
    """Cite a source for an agreement (or update the citation; `replace`: see `citation_values`)."""
    return citation_set(
        AgreementCitation, owner_field="agreement", owner=agreement, cite=cite, replace=replace, user=user, reason=reason
    )


def agreement_citation_delete(citation: AgreementCitation, *, user=None, reason: str = "") -> None:
    citation_delete(citation, user=user, reason=reason)



# --- Merging duplicates (editors) -------------------------------------------------------------


def _repoint_related(*, old, new, skip: set[str] = frozenset()) -> None:
    """Point every foreign key that refers to `old` at `new` (whatever app owns it), without this
    module knowing those apps. One-to-one/unique clashes are left to the caller to resolve first."""
    for rel in old._meta.related_objects:
        if rel.get_accessor_name() in skip or rel.many_to_many or rel.related_model._meta.auto_created:
            continue
        if rel.related_model.__name__.startswith("Historical"):
            continue
        rel.related_model._base_manager.filter(**{rel.field.name: old}).update(**{rel.field.name: new})


def _fold_into(*, kind: str, keep, merge, user, reason: str) -> None:
    """Repoint everything from `merge` to `keep`, redirect the old slug, delete `merge` (with history)."""
    _repoint_related(old=merge, new=keep)
    SlugRedirect.objects.filter(kind=kind, new_slug=merge.slug).update(new_slug=keep.slug)
    SlugRedirect.objects.update_or_create(kind=kind, old_slug=merge.slug, defaults={"new_slug": keep.slug})
    history_delete(merge, user=user, reason=reason or f"Merged into {keep.slug}")
    history_save(keep, user=user, reason=reason or f"Merged {merge.slug} into this {kind}")


@transaction.atomic
def pairing_merge(*, keep: Pairing, merge: Pairing, user=None, reason: str = "") -> Pairing:
    """Fold a duplicate pairing into `keep`: its events, agreements, citations and everything that
    refers to it move over, its slug redirects to `keep`, and the status is re-derived."""
    if keep.pk == merge.pk:
        raise ValidationError(_("A pairing cannot be merged into itself."))
    if {keep.place_a_id, keep.place_b_id} != {merge.place_a_id, merge.place_b_id}:
        raise ValidationError(_("Only pairings between the same two places can be merged."))
    return _pairing_fold(keep=keep, merge=merge, user=user, reason=reason)


def _pairing_fold(*, keep: Pairing, merge: Pairing, user, reason: str) -> Pairing:
    already = set(keep.citations.values_list("source_id", flat=True))
    merge.citations.filter(source_id__in=already).delete()
    _fold_into(kind="pairing", keep=keep, merge=merge, user=user, reason=reason)
    return pairing_status_refresh(pairing=keep)


@transaction.atomic
def place_merge(*, keep: Place, merge: Place, user=None, reason: str = "") -> Place:
    """Fold a duplicate place into `keep`. Pairings that would then duplicate one of `keep`'s are
    merged too; identifiers `keep` lacks move over; the old slug redirects."""
    if keep.pk == merge.pk:
        raise ValidationError(_("A place cannot be merged into itself."))
    for pairing in Pairing.objects.filter(Q(place_a=merge) | Q(place_b=merge)):
        partner = pairing.place_b if pairing.place_a_id == merge.pk else pairing.place_a
        if partner.pk == keep.pk:
            raise ValidationError(
                _("%(a)s and %(b)s are paired with each other; merging them would pair a place with itself.")
                % {"a": keep.name, "b": merge.name}
            )
        twin = pairing_find(place_a=keep, place_b=partner, relationship=pairing.relationship)
        if twin is not None:
            _pairing_fold(keep=twin, merge=pairing, user=user, reason=reason)
    kept_schemes = set(keep.identifiers.values_list("scheme", flat=True))
    merge.identifiers.filter(scheme__in=kept_schemes).delete()
    kept_names = {n.casefold() for n in keep.other_names.values_list("name", flat=True)}
    merge.other_names.filter(pk__in=[o.pk for o in merge.other_names.all() if o.name.casefold() in kept_names]).delete()
    _fold_into(kind="place", keep=keep, merge=merge, user=user, reason=reason)
    return keep


# --- Bulk import ------------------------------------------------------------------------------


@transaction.atomic
def import_records_create(
    *,
    places=(),
    identifiers=(),
    sources=(),
    pairings=(),
    pairing_citations=(),
    agreements=(),
    agreement_citations=(),
    events=(),
    event_citations=(),
    refresh=(),
    user=None,
    reason: str = "",
) -> None:
    """Store the new records a spreadsheet import planned (`twinning.imports.bulk`), in bulk and in
    dependency order, each with its history record carrying who and why, then re-derive the status
    of the `refresh` pairings (new ones and those with new events) with `pairings_status_refresh_bulk`.

    The records are unsaved model instances whose foreign keys may point at each other; their fields
    have been checked (`clean_fields`); slugs are given here. The database's constraints (unique
    slugs, one pairing per pair and relationship, one citation per source) still refuse a clash with
    a concurrent write, and then nothing of the import is kept."""
    from core.history import history_bulk_created
    from core.slugs import unique_slugs
    from sources.services import sources_bulk_record

    def create(model, objs, default_reason: str):
        if objs:
            created = model.objects.bulk_create(list(objs), batch_size=2000)
            history_bulk_created(model, [obj.pk for obj in created], user=user, reason=reason or default_reason)

    for place, slug in zip(places, unique_slugs(Place, [
        slugify(p.name) or slugify(f"{p.name}-{p.country}") or f"place-{p.country.lower()}" for p in places
    ]), strict=True):
        place.slug = slug
    create(Place, places, "Place recorded")
    create(PlaceIdentifier, identifiers, "Identifier set")
    sources_bulk_record(list(sources), user=user, reason=reason)
    for pairing, slug in zip(pairings, unique_slugs(Pairing, [f"{p.place_a.slug}-{p.place_b.slug}" for p in pairings]), strict=True):
        pairing.slug = slug
    create(Pairing, pairings, "Pairing recorded")
    create(PairingCitation, pairing_citations, "Source cited")
    create(Agreement, agreements, "Agreement recorded")
    create(AgreementCitation, agreement_citations, "Source cited")
    create(Event, events, "Event recorded")
    create(EventCitation, event_citations, "Source cited")
    if refresh:
        pairings_status_refresh_bulk(pairing_ids=[p.pk for p in refresh])


def _import_digest(sha256: str, resolutions: dict) -> str:
    import hashlib
    import json

    return hashlib.sha256(f"{sha256}|{json.dumps(resolutions, sort_keys=True)}".encode()).hexdigest()


@transaction.atomic
def import_job_create(*, data: bytes, file_name: str, rows: int, user=None) -> ImportJob:
    """Keep an uploaded spreadsheet for its confirmation (previewed, nothing of it applied). The
    user's earlier unconfirmed uploads are dropped: a preview replaces the one before."""
    import hashlib

    owner = user if getattr(user, "is_authenticated", False) else None
    if owner is not None:
        ImportJob.objects.filter(user=owner, state=ImportJob.State.PREVIEWED).delete()
    sha256 = hashlib.sha256(data).hexdigest()
    return ImportJob.objects.create(
        user=owner, file_name=file_name[:200], data=data, sha256=sha256, rows_total=rows,
        digest=_import_digest(sha256, {}),
    )


def import_job_answer(job: ImportJob, *, resolutions: dict[str, str]) -> ImportJob:
    """Record the curator's answers to the flags of a previewed upload; the confirmation digest then
    names the file and these answers, so confirming applies exactly what was last previewed."""
    job.resolutions = resolutions
    job.digest = _import_digest(job.sha256, resolutions)
    job.save(update_fields=["resolutions", "digest"])
    return job


def import_job_queue(job: ImportJob) -> ImportJob:
    """Mark a confirmed upload (or a failed or abandoned run of it, to run again) as waiting for the
    worker. The task itself is enqueued by `twinning.imports.jobs.job_submit`."""
    job.state = ImportJob.State.QUEUED
    job.error = ""
    job.rows_done = 0
    job.finished_at = None
    job.updated_at = timezone.now()
    job.save(update_fields=["state", "error", "rows_done", "finished_at", "updated_at"])
    return job


def import_job_claim(job_id: int) -> ImportJob | None:
    """The queued job with this id, now marked running, or None when it is not queued (already run,
    or taken by another worker): running a task twice does not import twice."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id, state=ImportJob.State.QUEUED).first()
        if job is None:
            return None
        job.state = ImportJob.State.RUNNING
        job.started_at = job.updated_at = timezone.now()
        job.save(update_fields=["state", "started_at", "updated_at"])
    return job


def import_job_progress(job: ImportJob, *, rows_done: int) -> None:
    """Store how many rows are imported so far (committed with the batch, so the admin sees it)."""
    job.rows_done = rows_done
    job.updated_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(rows_done=rows_done, updated_at=job.updated_at)


def import_job_finish(job: ImportJob, *, applied: bool, counts: dict, error: str = "", rows_done: int | None = None) -> ImportJob:
    job.state = ImportJob.State.APPLIED if applied else ImportJob.State.FAILED
    job.counts = counts
    job.error = "" if applied else error
    job.rows_done = job.rows_total if applied else (rows_done if rows_done is not None else job.rows_done)
    job.finished_at = job.updated_at = timezone.now()
    job.data = b"" if applied else job.data  # an imported file's rows are in the register (and its history)
    job.save(update_fields=["state", "counts", "error", "rows_done", "finished_at", "updated_at", "data"])
    return job


# --- Reviewing curator changes (editors) ------------------------------------------------------


def _is_editor(user) -> bool:
    return bool(user and (user.is_superuser or user.has_perm("twinning.delete_event")))


def _change_record(kind: str, history_id: int):
    from twinning.changes import CHANGE_KINDS

    if kind not in CHANGE_KINDS:
        raise ValidationError(_("Unknown kind of change “%(kind)s”.") % {"kind": kind})
    record = CHANGE_KINDS[kind].history.filter(history_id=history_id).first()
    if record is None:
        raise ValidationError(_("There is no such change (%(kind)s #%(id)s).") % {"kind": kind, "id": history_id})
    if ChangeReview.objects.filter(kind=kind, history_id=history_id).exists():
        raise ValidationError(_("This change has already been reviewed."))
    return record


@transaction.atomic
def change_approve(*, kind: str, history_id: int, user, reason: str = "") -> ChangeReview:
    """An editor approves one curator change (recorded with who and when)."""
    if not _is_editor(user):
        raise ValidationError(_("Only editors review changes."))
    _change_record(kind, history_id)
    return ChangeReview.objects.create(kind=kind, history_id=history_id, verdict=ChangeReview.Verdict.APPROVED,
                                       reviewer=user, reason=reason[:200])


@transaction.atomic
def change_revert(*, kind: str, history_id: int, user, reason: str) -> ChangeReview:
    """An editor undoes one curator change through the services: an addition is removed, a deletion
    restored (an event with the sources it had), a change set back to the values before it. The revert
    is itself a recorded change with the reason, and the pairing's status is derived again."""
    if not _is_editor(user):
        raise ValidationError(_("Only editors revert changes."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the change is reverted; it is recorded in the history.")})
    record = _change_record(kind, history_id)
    why = f"Revert of {kind} change #{history_id}: {reason.strip()}"[:100]
    model = record.instance_type
    current = model.objects.filter(pk=record.id).first()
    gone = _("The record this change was made to no longer exists; nothing to revert.")
    if record.history_type == "+":
        if current is None:
            raise ValidationError(gone)
        if kind == "pairing":
            raise ValidationError(_("A recorded pairing is undone by an editor's delete or merge, not a revert."))
        deleters = {
            "event": event_delete, "eventcitation": event_citation_delete, "pairingcitation": pairing_citation_delete,
            "agreement": agreement_delete, "agreementcitation": agreement_citation_delete,
        }
        pairing_id = _pairing_id_of(current)
        deleters[kind](current, user=user, reason=why)
    elif record.history_type == "-":
        if current is not None:
            raise ValidationError(_("This record exists again; nothing to restore."))
        pairing_id = _restore(kind, record, user=user, reason=why)
    else:
        previous = record.prev_record
        if current is None or previous is None:
            raise ValidationError(gone)
        pairing_id = _pairing_id_of(current)
        _set_back(kind, current, previous, user=user, reason=why)
    pairing = Pairing.objects.filter(pk=pairing_id).first()
    if pairing is not None:
        pairing_status_refresh(pairing=pairing)
    return ChangeReview.objects.create(kind=kind, history_id=history_id, verdict=ChangeReview.Verdict.REVERTED,
                                       reviewer=user, reason=reason.strip()[:200])


def _pairing_id_of(obj) -> int:
    if isinstance(obj, Pairing):
        return obj.pk
    if isinstance(obj, EventCitation):
        return obj.event.pairing_id
    if isinstance(obj, AgreementCitation):
        return obj.agreement.pairing_id
    return obj.pairing_id


def _restore(kind: str, record, *, user, reason: str) -> int:
    """Record again what a deletion removed (the sources it cited must still exist)."""
    from sources.models import Source

    if kind == "event":
        cited = EventCitation.history.filter(event_id=record.id, history_type="-")
        citations = [Cite(source=Source.objects.get(pk=c.source_id), locator=c.locator, quote=c.quote) for c in cited]
        details = {name: getattr(record, f"{name}_id" if name == "agreement" else name) for name in EVENT_FIELDS}
        details["agreement"] = Agreement.objects.filter(pk=details.pop("agreement")).first()
        event_record(
            pairing=Pairing.objects.get(pk=record.pairing_id), event_type=record.event_type,
            date=partial_date_of(record, "date"), citations=citations, status_to=record.status_to, order=record.order,
            rescinds=Event.objects.filter(pk=record.rescinds_id).first(), user=user, reason=reason, **details,
        )
        return record.pairing_id
    cite = Cite(source=Source.objects.get(pk=record.source_id), locator=record.locator, quote=record.quote)
    if kind == "eventcitation":
        event = Event.objects.filter(pk=record.event_id).first()
        if event is None:
            raise ValidationError(_("The event this source was cited for no longer exists; restore the event instead."))
        event_cite(event=event, cite=cite, user=user, reason=reason)
        return event.pairing_id
    if kind == "pairingcitation":
        pairing_cite(pairing=Pairing.objects.get(pk=record.pairing_id), cite=cite, replace=True, user=user, reason=reason)
        return record.pairing_id
    if kind == "agreementcitation":
        agreement = Agreement.objects.filter(pk=record.agreement_id).first()
        if agreement is None:
            raise ValidationError(_("The agreement this source was cited for no longer exists."))
        agreement_cite(agreement=agreement, cite=cite, replace=True, user=user, reason=reason)
        return agreement.pairing_id
    raise ValidationError(_("A deleted %(kind)s is restored by recording it again.") % {"kind": kind})


def _set_back(kind: str, current, previous, *, user, reason: str) -> None:
    """Set a record back to the values of its previous history record, through its service."""
    if kind == "event":
        fields = {name: getattr(previous, name) for name in EVENT_FIELDS - {"agreement"}}
        event_update(current, date=partial_date_of(previous, "date"), event_type=previous.event_type,
                     status_to=previous.status_to, order=previous.order, agreement_id=previous.agreement_id,
                     rescinds_id=previous.rescinds_id, user=user, reason=reason, **fields)
    elif kind == "pairing":
        if any(getattr(previous, f"{name}_id" if name != "relationship" else name)
               != getattr(current, f"{name}_id" if name != "relationship" else name) for name in IDENTITY_FIELDS):
            raise ValidationError(_("This change moved the pairing; an editor moves it back with “Move to another pair”."))
        pairing_update(current, notes=previous.notes, confidence=previous.confidence,
                       confidence_note=previous.confidence_note, user=user, reason=reason)
    elif kind == "agreement":
        fields = {name: getattr(previous, name) for name in ("kind", "title", "signatories", "term_years", "text_availability",
                                                             "text_url", "foi_url", "notes", "confidence")}
        agreement_update(current, signed=partial_date_of(previous, "signed"),
                         renewal_due=partial_date_of(previous, "renewal_due"), user=user, reason=reason, **fields)
    else:
        current.locator, current.quote = previous.locator, previous.quote
        history_save(current, user=user, reason=reason)
