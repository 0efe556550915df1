"""Campaigns, the organisations behind them, their targets and petitions."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.constants import OrganisationKind, PetitionOutcome, TargetOutcome
from core.partialdates import PartialDate, Precision, partial_date_of, precision_constraint
from sources.models import CitationBase
from twinning.models import Event, Pairing, Place


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    local_name = models.CharField(_("local name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OrganisationKind.choices, default=OrganisationKind.GROUP)
    website = models.URLField(_("website"), max_length=500, blank=True)
    base_place = models.ForeignKey(
        Place, on_delete=models.SET_NULL, null=True, blank=True, related_name="organisations", verbose_name=_("based in")
    )
    member_groups = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="coalitions", verbose_name=_("member groups")
    )
    description = models.TextField(_("description"), blank=True)
    description_zh_hant = models.TextField(
        _("description (Traditional Chinese)"), blank=True,
        help_text=_("Shown on Traditional Chinese pages; left empty, the English is shown there, marked as English."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(m2m_fields=[member_groups])

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["updated_at", "id"])]

    def __str__(self):
        return self.name


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    local_name = models.CharField(_("local name"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    organisers = models.ManyToManyField(Organisation, blank=True, related_name="campaigns", verbose_name=_("organisers"))
    launched = models.DateField(_("launched"), null=True, blank=True)
    launched_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    launched_circa = models.BooleanField(default=False)
    website = models.URLField(_("website"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_zh_hant = models.TextField(
        _("description (Traditional Chinese)"), blank=True,
        help_text=_("Shown on Traditional Chinese pages; left empty, the English is shown there, marked as English."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(m2m_fields=[organisers])

    class Meta:
        ordering = ["name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [precision_constraint("launched", "campaign_launched_precision_normalised")]
        indexes = [models.Index(fields=["updated_at", "id"])]

    def __str__(self):
        return self.name

    @property
    def launched_date(self) -> PartialDate | None:
        return partial_date_of(self, "launched")

    def get_absolute_url(self):
        return reverse("campaign-detail", kwargs={"slug": self.slug})


class CampaignTarget(models.Model):
    """What a campaign targets: a pairing, or a whole place (all its ties), with the outcome so far."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, null=True, blank=True, related_name="campaign_targets")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, null=True, blank=True, related_name="campaign_targets")
    outcome = models.CharField(_("outcome"), max_length=14, choices=TargetOutcome.choices, default=TargetOutcome.PENDING)
    note = models.CharField(_("note"), max_length=500, blank=True)
    note_zh_hant = models.CharField(
        _("note (Traditional Chinese)"), max_length=500, blank=True,
        help_text=_("Shown on Traditional Chinese pages; left empty, the English is shown there, marked as English."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign target")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pairing__isnull=False, place__isnull=True)
                | models.Q(pairing__isnull=True, place__isnull=False),
                name="campaign_target_pairing_xor_place",
            ),
            models.UniqueConstraint(fields=["campaign", "pairing"], name="campaign_target_unique_pairing"),
            models.UniqueConstraint(fields=["campaign", "place"], name="campaign_target_unique_place"),
        ]

    def __str__(self):
        return str(self.pairing or self.place)


class Petition(models.Model):
    title = models.CharField(_("title"), max_length=300)
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="petitions")
    organiser = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="petitions"
    )
    target_place = models.ForeignKey(
        Place, on_delete=models.PROTECT, null=True, blank=True, related_name="petitions",
        verbose_name=_("target council's place"),
    )
    target_council = models.CharField(_("target council"), max_length=200)
    pairing = models.ForeignKey(Pairing, on_delete=models.SET_NULL, null=True, blank=True, related_name="petitions")
    platform = models.CharField(_("platform"), max_length=100, blank=True)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    opened = models.DateField(_("opened"), null=True, blank=True)
    opened_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    opened_circa = models.BooleanField(default=False)
    closed = models.DateField(_("closed or handed in"), null=True, blank=True)
    closed_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    closed_circa = models.BooleanField(default=False)
    outcome = models.CharField(_("outcome"), max_length=14, choices=PetitionOutcome.choices, default=PetitionOutcome.UNKNOWN)
    response_event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="petition_responses",
        verbose_name=_("council's response"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened", "title"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed__isnull=True) | models.Q(opened__isnull=True) | models.Q(closed__gte=models.F("opened")),
                name="petition_closed_after_opened",
            ),
            precision_constraint("opened", "petition_opened_precision_normalised"),
            precision_constraint("closed", "petition_closed_precision_normalised"),
        ]
        indexes = [models.Index(fields=["updated_at", "id"])]

    def __str__(self):
        return self.title

    @property
    def opened_date(self) -> PartialDate | None:
        return partial_date_of(self, "opened")

    @property
    def closed_date(self) -> PartialDate | None:
        return partial_date_of(self, "closed")


class SignatureCount(models.Model):
    """A petition's signature count on a date ("1,500+" is recorded as 1500 with `at_least`)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signature_counts")
    date = models.DateField(_("date"))
    date_precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    count = models.PositiveIntegerField(_("signatures"))
    at_least = models.BooleanField(_("at least (a lower bound)"), default=False)
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("signature count")
        constraints = [
            models.UniqueConstraint(fields=["petition", "date"], name="signature_count_one_per_day"),
            models.CheckConstraint(condition=models.Q(count__gte=0), name="signature_count_nonneg"),
            precision_constraint("date", "signature_count_date_precision_normalised"),
        ]

    @property
    def when(self) -> PartialDate:
        return partial_date_of(self, "date")


class CampaignCitation(CitationBase):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "source"], name="campaign_citation_unique")]


class PetitionCitation(CitationBase):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "source"], name="petition_citation_unique")]


class OrganisationCitation(CitationBase):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="citations")

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "source"], name="organisation_citation_unique")]
