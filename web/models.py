"""What the public sends in: suggested corrections (triaged by curators) and e-mail follows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    NEW_PAIRING = "new_pairing", _("A pairing not in the register")


class CorrectionStatus(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    DONE = "done", _("Done")


class Correction(models.Model):
    """A member of the public's suggestion, from a pairing or place page or the general form.

    Never shown publicly: curators read it in the admin, check it against its source and change the
    register through the usual services (with their own reason)."""

    kind = models.CharField(_("kind"), max_length=16, choices=CorrectionKind.choices, default=CorrectionKind.CORRECTION)
    pairing = models.ForeignKey(
        "twinning.Pairing", verbose_name=_("pairing"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.ForeignKey(
        "twinning.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    page = models.CharField(_("page"), max_length=500, blank=True, help_text=_("The page it was sent from."))
    text = models.TextField(_("what should change"), max_length=5000)
    source_url = models.URLField(_("source"), max_length=1000, blank=True)
    email = models.EmailField(_("e-mail (optional)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.NEW)
    curator_note = models.TextField(_("curator's note"), blank=True, help_text=_("Internal; never shown publicly."))
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["email", "text"])

    class Meta:
        verbose_name = _("suggested correction")
        verbose_name_plural = _("suggested corrections")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CorrectionStatus.values), name="correction_status_valid"
            ),
        ]

    def __str__(self):
        subject = self.pairing or self.place
        label = str(subject) if subject else self.get_kind_display()
        return f"{label}: {self.text[:60]}"


class Follow(models.Model):
    """An e-mail address following a place or a campaign (one of the two), with double opt-in: it gets
    digests (send_follow_digest) only once confirmed through the signed link mailed to it. Unsubscribing
    deletes the row, so the address is forgotten."""

    email = models.EmailField(_("e-mail"))
    place = models.ForeignKey("twinning.Place", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Events recorded after this moment go in the next digest (set on confirmation, then on each send).
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail follow")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(place__isnull=False, campaign__isnull=True)
                | models.Q(place__isnull=True, campaign__isnull=False),
                name="follow_place_or_campaign",
            ),
            models.UniqueConstraint(fields=["email", "place"], name="follow_unique_place", condition=models.Q(place__isnull=False)),
            models.UniqueConstraint(
                fields=["email", "campaign"], name="follow_unique_campaign", condition=models.Q(campaign__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.place or self.campaign}"

    @property
    def subject(self):
        return self.place or self.campaign
