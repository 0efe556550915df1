"""Writes the page layer owns: what the public sends in (suggested corrections, e-mail follows).
One function per action, keyword-only, each in a transaction; `user` is None for the public."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import history_save
from twinning.constants import Status
from twinning.models import Event
from web.models import Correction, CorrectionKind, CorrectionStatus, Follow


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


# --- Follow a place or campaign by e-mail (double opt-in) ---------------------------------------

FOLLOW_SALT = "web.follow"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def follow_token(follow: Follow, action: str) -> str:
    """A signed token for `action` ("confirm" or "unsubscribe") on this follow and address."""
    return signing.dumps({"f": follow.pk, "e": follow.email, "a": action}, salt=FOLLOW_SALT, compress=True)


def follow_from_token(token: str, action: str) -> Follow | None:
    """The follow a token names, or None when it is forged, expired (confirmation links: a week), for
    another action, or the follow is gone. Unsubscribe links never expire."""
    max_age = CONFIRM_MAX_AGE if action == "confirm" else None
    try:
        data = signing.loads(token, salt=FOLLOW_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != action:
        return None
    return Follow.objects.select_related("place", "campaign").filter(pk=data.get("f"), email=data.get("e")).first()


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(follow: Follow, subject: str, body: str) -> None:
    unsubscribe = _absolute(reverse("follow-unsubscribe", args=[follow_token(follow, "unsubscribe")]))
    body = f"{body}\n\n-- \n{_('Stop these e-mails:')} {unsubscribe}\n"
    message = EmailMessage(
        subject=subject, body=body, to=[follow.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.send()


@transaction.atomic
def follow_request(*, email: str, place=None, campaign=None, user=None, reason: str = "") -> Follow:
    """Start following (first step): a confirmation e-mail with a signed link goes to the address. An
    address that already follows gets nothing new (the page says the same either way)."""
    if (place is None) == (campaign is None):
        raise ValueError("follow exactly one place or campaign")
    email = email.strip()
    follow, created = Follow.objects.get_or_create(email__iexact=email, place=place, campaign=campaign, defaults={"email": email})
    if follow.confirmed_at is None:
        confirm = _absolute(reverse("follow-confirm", args=[follow_token(follow, "confirm")]))
        name = str(follow.subject)
        _send(
            follow,
            _("Confirm: follow %(name)s on Twinwatch") % {"name": name},
            _(
                "Someone (we hope you) asked to receive an e-mail when new events are recorded for %(name)s "
                "on Twinwatch.\n\nTo confirm, open this link within a week:\n%(link)s\n\n"
                "If it was not you, ignore this e-mail: nothing will be sent."
            ) % {"name": name, "link": confirm},
        )
    return follow


@transaction.atomic
def follow_confirm(follow: Follow, *, user=None, reason: str = "") -> Follow:
    if follow.confirmed_at is None:
        now = timezone.now()
        Follow.objects.filter(pk=follow.pk).update(confirmed_at=now, last_sent_at=now)
        follow.confirmed_at = follow.last_sent_at = now
    return follow


@transaction.atomic
def follow_cancel(follow: Follow, *, user=None, reason: str = "") -> None:
    """Unsubscribe: the row (and so the address) is deleted."""
    follow.delete()


def _events_for(follow: Follow, since):
    from campaigns import selectors as campaign_selectors

    events = Event.objects.filter(created_at__gt=since).select_related("pairing__place_a", "pairing__place_b")
    if follow.place_id:
        events = events.filter(Q(pairing__place_a_id=follow.place_id) | Q(pairing__place_b_id=follow.place_id))
    else:
        events = events.filter(pairing__in=campaign_selectors.pairing_ids_targeted_by(follow.campaign_id))
    return list(events.order_by("pairing__slug", "date", "order", "id"))


def follow_digest_send(*, now=None) -> tuple[int, int]:
    """E-mail each confirmed follower the events recorded since their last digest. Returns
    (e-mails sent, follows checked). A follower with nothing new gets nothing."""
    now = now or timezone.now()
    sent = checked = 0
    follows = Follow.objects.filter(confirmed_at__isnull=False).select_related("place", "campaign").order_by("id")
    for follow in follows:
        checked += 1
        events = [e for e in _events_for(follow, follow.last_sent_at or follow.confirmed_at) if e.created_at <= now]
        if events:
            lines = []
            for event in events:
                status = _(" — status after it: %(s)s") % {"s": Status(event.status_after).label} if event.status_after else ""
                lines.append(
                    f"* {event.pairing}: {event.get_event_type_display()}, {event.when.display()}{status}\n"
                    f"  {_absolute(event.pairing.get_absolute_url())}#event-{event.pk}"
                )
            name = str(follow.subject)
            _send(
                follow,
                _("Twinwatch: %(n)d new event(s) for %(name)s") % {"n": len(events), "name": name},
                _("New on Twinwatch for %(name)s since the last e-mail:") % {"name": name} + "\n\n" + "\n".join(lines),
            )
            sent += 1
        Follow.objects.filter(pk=follow.pk).update(last_sent_at=now)
    return sent, checked
