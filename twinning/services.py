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

from core.history import history_delete, history_save
from core.partialdates import PartialDate, partial_values
from core.slugs import advisory_lock, save_with_unique_slug
from core.text import is_ascii_digits
from sources.services import Cite, citation_delete, citation_set
from twinning.constants import IMPLIED_STATUS, EventType, Status
from twinning.models import (
    Agreement,
    AgreementCitation,
    Event,
    EventCitation,
    Pairing,
    PairingCitation,
    Place,
    PlaceIdentifier,
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
    forbidden = {"status", "status_since", "status_since_precision", "status_since_circa", "status_event"} & set(fields)
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
        if changed_events:
            Event.objects.bulk_update(changed_events, ["status_after", "status_since_event", "status_during"], batch_size=1000)
        # The derived cache is not a curator change: no history rows, as in pairing_status_refresh.
        Pairing.objects.bulk_update(
            changed_pairings,
            ["status", "status_since", "status_since_precision", "status_since_circa", "status_event", "updated_at"],
            batch_size=1000,
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
    "actor", "body", "summary", "mover", "mover_party", "seconder", "seconder_party", "votes_for",
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
    _fold_into(kind="place", keep=keep, merge=merge, user=user, reason=reason)
    return keep
