from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.partialdates import PartialDate, Precision, partial_date_of, precision_constraint
from sources.constants import SourceType


class Source(models.Model):
    """One document that supports claims in the register."""

    url = models.URLField(_("URL"), max_length=1000, blank=True)
    title = models.CharField(_("title"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    published = models.DateField(_("published"), null=True, blank=True)
    published_precision = models.CharField(
        _("published precision"), max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    published_circa = models.BooleanField(_("published circa"), default=False)
    accessed = models.DateField(_("accessed"), null=True, blank=True)
    archive_url = models.URLField(_("archive URL"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True, help_text=_("BCP 47 code, e.g. en, zh-Hant"))
    source_type = models.CharField(_("type"), max_length=24, choices=SourceType.choices, default=SourceType.NEWS)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~models.Q(url=""), name="source_url_unique_when_given"
            ),
            models.CheckConstraint(
                condition=~models.Q(url="") | ~models.Q(publisher=""),
                name="source_has_url_or_publisher",
            ),
            precision_constraint("published", "source_published_precision_normalised"),
        ]
        indexes = [
            models.Index(fields=["publisher"]),
            models.Index(fields=["source_type"]),
            models.Index(fields=["published"]),
            models.Index(fields=["updated_at", "id"]),
            models.Index(fields=["-published", "title", "id"], name="source_list_order"),  # the API list's order
        ]

    def __str__(self):
        parts = [self.title]
        if self.publisher:
            parts.append(self.publisher)
        if self.published:
            parts.append(self.published_date.display())
        return " — ".join(parts)

    @property
    def published_date(self) -> PartialDate | None:
        return partial_date_of(self, "published")

    def clean(self):
        if not self.url and not self.publisher:
            raise ValidationError({"url": _("Give the document's URL, or at least its publisher.")})

    def get_absolute_url(self):
        return reverse("source-detail", kwargs={"pk": self.pk})


class CitationBase(models.Model):
    """A link from a claim to the source that supports it. Each citing app defines a concrete table
    with a foreign key to the thing it cites; a cited source cannot be deleted (PROTECT)."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, verbose_name=_("source"))
    locator = models.CharField(_("locator"), max_length=200, blank=True, help_text=_("Page, paragraph or timestamp"))
    quote = models.TextField(_("quote"), blank=True, max_length=1000, help_text=_("A short quote, as a citation"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.source.title}{f' ({self.locator})' if self.locator else ''}"
