"""Writes the page layer owns: what the public sends in (suggested corrections, e-mail follows).
One function per action, keyword-only, each in a transaction; `user` is None for the public."""

from __future__ import annotations

from django.db import transaction

from core.history import history_save
from web.models import Correction, CorrectionKind, CorrectionStatus


@transaction.atomic
def correction_submit(
    *,
    text: str,
    kind: str = CorrectionKind.CORRECTION,
    pairing=None,
    place=None,
    page: str = "",
    source_url: str = "",
    email: str = "",
    user=None,
    reason: str = "Suggested on the public site",
) -> Correction:
    correction = Correction(
        kind=kind, pairing=pairing, place=place, page=page[:500], text=text.strip(), source_url=source_url,
        email=email.strip(),
    )
    history_save(correction, user=user, reason=reason)
    return correction


@transaction.atomic
def correction_set_status(correction: Correction, *, status: str, user=None, reason: str = "", note: str | None = None) -> Correction:
    if status not in CorrectionStatus.values:
        raise ValueError(f"unknown status {status!r}")
    correction.status = status
    if note is not None:
        correction.curator_note = note
    history_save(correction, user=user, reason=reason or f"Marked {status}")
    return correction
