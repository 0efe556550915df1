from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    GROUP = "group", _("Campaign group")
    COALITION = "coalition", _("Coalition")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other")


class TargetOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    SEVERED = "severed", _("Severed")
    RETAINED = "retained", _("Retained")
    SUSPENDED = "suspended", _("Suspended")
    UNDER_REVIEW = "under_review", _("Under review")
    NO_RESPONSE = "no_response", _("No response")
    WITHDRAWN = "withdrawn", _("Campaign withdrawn")


class PetitionOutcome(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    GRANTED = "granted", _("Granted")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed without response")
    UNKNOWN = "unknown", _("Unknown")
