"""Writes for campaigns, the organisations behind them, their targets and petitions.

One function per action, keyword-only, each in a transaction, every change saved through
`sources.services.history_save` so the history records who and why. Update and "set" functions
save nothing when nothing changes, so repeating a write (an import, `load_demo`) adds no history.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campaigns.constants import PetitionOutcome, TargetOutcome
from campaigns.models import (
    Campaign,
    CampaignCitation,
    CampaignTarget,
    Organisation,
    OrganisationCitation,
    Petition,
    PetitionCitation,
    SignatureCount,
)
from core.history import history_delete, history_save
from core.partialdates import PartialDate, partial_values
from core.slugs import advisory_lock, save_with_unique_slug
from sources.services import Cite, citation_delete, citation_set
from twinning.models import Event, Pairing, Place

_UNSET = object()


def _apply(instance, fields: dict) -> bool:
    """Set the fields that differ; True when anything changed."""
    changed = False
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _set_m2m(instance, attr: str, wanted, *, user=None, reason: str = "") -> bool:
    """Make a many-to-many relation hold exactly `wanted`, touching it only where it differs
    (each add/remove is recorded in the history with the same who and why)."""
    manager = getattr(instance, attr)
    wanted_ids = {obj.pk for obj in wanted}
    current_ids = set(manager.values_list("pk", flat=True))
    if wanted_ids == current_ids:
        return False
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    instance._change_reason = (reason or "Members changed")[:100]
    if current_ids - wanted_ids:
        manager.remove(*(current_ids - wanted_ids))
    if wanted_ids - current_ids:
        manager.add(*(wanted_ids - current_ids))
    return True


# --- Organisations ----------------------------------------------------------------------------


def _check_members(organisation: Organisation | None, member_groups) -> None:
    if organisation is not None and any(m.pk == organisation.pk for m in member_groups):
        raise ValidationError({"member_groups": _("An organisation cannot be a member of itself.")})


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str = "group",
    local_name: str = "",
    website: str = "",
    base_place: Place | None = None,
    description: str = "",
    description_zh_hant: str = "",
    member_groups: list[Organisation] = (),
    citations: list[Cite] = (),
    user=None,
    reason: str = "",
) -> Organisation:
    name = name.strip()
    advisory_lock(f"organisation:{name.casefold()}")
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("An organisation called “%(name)s” is already recorded.") % {"name": name}})
    organisation = Organisation(
        name=name,
        kind=kind,
        local_name=local_name.strip(),
        website=website,
        base_place=base_place,
        description=description,
        description_zh_hant=description_zh_hant,
    )
    save_with_unique_slug(organisation, slugify(name), lambda: history_save(organisation, user=user, reason=reason or "Organisation recorded"))
    _set_m2m(organisation, "member_groups", member_groups, user=user, reason=reason or "Member groups set")
    for cite in citations:
        organisation_cite(organisation=organisation, cite=cite, user=user, reason=reason)
    return organisation


@transaction.atomic
def organisation_update(
    organisation: Organisation, *, member_groups: list[Organisation] | None = None, user=None, reason: str = "", **fields
) -> Organisation:
    """Change an organisation's fields and, when given, make its member groups exactly these."""
    if member_groups is not None:
        _check_members(organisation, member_groups)
    if _apply(organisation, fields):
        history_save(organisation, user=user, reason=reason or "Organisation updated")
    if member_groups is not None:
        _set_m2m(organisation, "member_groups", member_groups, user=user, reason=reason or "Member groups changed")
    return organisation


def organisation_cite(*, organisation: Organisation, cite: Cite, replace: bool = False, user=None, reason: str = "") -> OrganisationCitation:
    """Attach a source (or update the citation's locator and quote; `replace`: see `citation_values`)."""
    return citation_set(
        OrganisationCitation, owner_field="organisation", owner=organisation, cite=cite, replace=replace, user=user, reason=reason
    )


def organisation_citation_delete(citation: OrganisationCitation, *, user=None, reason: str = "") -> None:
    citation_delete(citation, user=user, reason=reason)


# --- Campaigns --------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    name: str,
    organisers: list[Organisation] = (),
    launched: PartialDate | None = None,
    local_name: str = "",
    website: str = "",
    description: str = "",
    description_zh_hant: str = "",
    citations: list[Cite] = (),
    user=None,
    reason: str = "",
) -> Campaign:
    name = name.strip()
    advisory_lock(f"campaign:{name.casefold()}")
    if Campaign.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("A campaign called “%(name)s” is already recorded.") % {"name": name}})
    campaign = Campaign(
        name=name,
        local_name=local_name.strip(),
        website=website,
        description=description,
        description_zh_hant=description_zh_hant,
        **partial_values("launched", launched),
    )
    save_with_unique_slug(campaign, slugify(name), lambda: history_save(campaign, user=user, reason=reason or "Campaign recorded"))
    _set_m2m(campaign, "organisers", organisers, user=user, reason=reason or "Organisers set")
    for cite in citations:
        campaign_cite(campaign=campaign, cite=cite, user=user, reason=reason)
    return campaign


@transaction.atomic
def campaign_update(
    campaign: Campaign,
    *,
    organisers: list[Organisation] | None = None,
    launched: PartialDate | None = _UNSET,
    user=None,
    reason: str = "",
    **fields,
) -> Campaign:
    if launched is not _UNSET:
        fields.update(partial_values("launched", launched))
    if _apply(campaign, fields):
        history_save(campaign, user=user, reason=reason or "Campaign updated")
    if organisers is not None:
        _set_m2m(campaign, "organisers", organisers, user=user, reason=reason or "Organisers changed")
    return campaign


def campaign_cite(*, campaign: Campaign, cite: Cite, replace: bool = False, user=None, reason: str = "") -> CampaignCitation:
    """Attach a source (or update the citation's locator and quote; `replace`: see `citation_values`)."""
    return citation_set(
        CampaignCitation, owner_field="campaign", owner=campaign, cite=cite, replace=replace, user=user, reason=reason
    )


def campaign_citation_delete(citation: CampaignCitation, *, user=None, reason: str = "") -> None:
    citation_delete(citation, user=user, reason=reason)


@transaction.atomic
def campaign_target_set(
    *,
    campaign: Campaign,
    pairing: Pairing | None = None,
    place: Place | None = None,
    outcome: str = TargetOutcome.PENDING,
    note: str = "",
    note_zh_hant: str = "",
    user=None,
    reason: str = "",
) -> CampaignTarget:
    """Record that a campaign targets a pairing, or a whole place (all its ties), with the outcome
    so far. Setting an existing target again updates its outcome and note."""
    if (pairing is None) == (place is None):
        raise ValidationError(_("A campaign target is either a pairing or a place (exactly one of them)."))
    if outcome not in TargetOutcome.values:
        raise ValidationError(
            {"outcome": _("Unknown outcome “%(value)s”; allowed: %(allowed)s.")
             % {"value": outcome, "allowed": ", ".join(TargetOutcome.values)}}
        )
    lookup = {"pairing": pairing} if pairing is not None else {"place": place}
    target = CampaignTarget.objects.filter(campaign=campaign, **lookup).first()
    if target is None:
        target = CampaignTarget(campaign=campaign, outcome=outcome, note=note, note_zh_hant=note_zh_hant, **lookup)
        history_save(target, user=user, reason=reason or "Campaign target recorded")
    elif _apply(target, {"outcome": outcome, "note": note, "note_zh_hant": note_zh_hant}):
        history_save(target, user=user, reason=reason or "Campaign target outcome changed")
    return target


@transaction.atomic
def campaign_target_remove(target: CampaignTarget, *, user=None, reason: str = "") -> None:
    history_delete(target, user=user, reason=reason or "Campaign target removed")


# --- Petitions --------------------------------------------------------------------------------


def _check_dates(opened, closed) -> None:
    if opened is not None and closed is not None and closed < opened:
        raise ValidationError({"closed": _("A petition cannot close or be handed in before it opened.")})


def _check_response(pairing: Pairing | None, response_event: Event | None) -> None:
    if response_event is not None and pairing is not None and response_event.pairing_id != pairing.pk:
        raise ValidationError(
            {"response_event": _("The council's response must be an event of the petition's pairing (%(pairing)s).")
             % {"pairing": pairing}}
        )


@transaction.atomic
def petition_record(
    *,
    title: str,
    target_council: str,
    campaign: Campaign | None = None,
    organiser: Organisation | None = None,
    target_place: Place | None = None,
    pairing: Pairing | None = None,
    platform: str = "",
    url: str = "",
    opened: PartialDate | None = None,
    closed: PartialDate | None = None,
    outcome: str = PetitionOutcome.UNKNOWN,
    response_event: Event | None = None,
    citations: list[Cite] = (),
    user=None,
    reason: str = "",
) -> Petition:
    _check_response(pairing, response_event)
    _check_dates(opened.date if opened else None, closed.date if closed else None)
    petition = Petition(
        title=title.strip(),
        target_council=target_council.strip(),
        campaign=campaign,
        organiser=organiser,
        target_place=target_place,
        pairing=pairing,
        platform=platform,
        url=url,
        outcome=outcome,
        response_event=response_event,
        **partial_values("opened", opened),
        **partial_values("closed", closed),
    )
    history_save(petition, user=user, reason=reason or "Petition recorded")
    for cite in citations:
        petition_cite(petition=petition, cite=cite, user=user, reason=reason)
    return petition


@transaction.atomic
def petition_update(
    petition: Petition,
    *,
    opened: PartialDate | None = _UNSET,
    closed: PartialDate | None = _UNSET,
    user=None,
    reason: str = "",
    **fields,
) -> Petition:
    if opened is not _UNSET:
        fields.update(partial_values("opened", opened))
    if closed is not _UNSET:
        fields.update(partial_values("closed", closed))
    _check_response(fields.get("pairing", petition.pairing), fields.get("response_event", petition.response_event))
    _check_dates(fields.get("opened", petition.opened), fields.get("closed", petition.closed))
    if _apply(petition, fields):
        history_save(petition, user=user, reason=reason or "Petition updated")
    return petition


@transaction.atomic
def petition_signatures_record(
    *,
    petition: Petition,
    date: PartialDate,
    count: int,
    at_least: bool = False,
    source=None,
    user=None,
    reason: str = "",
) -> SignatureCount:
    """Record the petition's signature count on a date ("1,500+" is count=1500, at_least=True).
    One count per petition and date: recording another for the same date corrects it."""
    if count is None or count < 0:
        raise ValidationError({"count": _("A signature count is a whole number, zero or more.")})
    values = {"count": count, "at_least": at_least, "source": source, **partial_values("date", date, circa=False)}
    existing = SignatureCount.objects.filter(petition=petition, date=date.date).first()
    if existing is None:
        existing = SignatureCount(petition=petition, **values)
        history_save(existing, user=user, reason=reason or "Signature count recorded")
    elif _apply(existing, values):
        history_save(existing, user=user, reason=reason or "Signature count corrected")
    return existing


@transaction.atomic
def petition_signature_count_delete(signature_count: SignatureCount, *, user=None, reason: str = "") -> None:
    history_delete(signature_count, user=user, reason=reason or "Signature count removed")


def petition_cite(*, petition: Petition, cite: Cite, replace: bool = False, user=None, reason: str = "") -> PetitionCitation:
    """Attach a source (or update the citation's locator and quote; `replace`: see `citation_values`)."""
    return citation_set(
        PetitionCitation, owner_field="petition", owner=petition, cite=cite, replace=replace, user=user, reason=reason
    )


def petition_citation_delete(citation: PetitionCitation, *, user=None, reason: str = "") -> None:
    citation_delete(citation, user=user, reason=reason)

