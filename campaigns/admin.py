"""Admin for campaigns, the organisations behind them (with member groups), their targets and
petitions (with signature counts over time). Dates are partial-date text boxes."""

from django import forms
from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

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
from sources.admin import (
    CuratedAdmin,
    CuratedInline,
    annotation_column,
    citation_inline,
    count_subquery,
    partial_date_column,
)
from sources.forms import PartialDateField, PartialDateModelForm, ReasonFormMixin, partial_date_exclusions


class OrganisationForm(ReasonFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = "__all__"

    def clean_member_groups(self):
        members = self.cleaned_data["member_groups"]
        if self.instance.pk is not None and any(m.pk == self.instance.pk for m in members):
            raise forms.ValidationError(_("An organisation cannot be a member group of itself."))
        return members


class CampaignForm(ReasonFormMixin, PartialDateModelForm):
    partial_dates = ("launched",)
    launched = PartialDateField(label=_("Launched"))

    class Meta:
        model = Campaign
        exclude = partial_date_exclusions("launched")


class PetitionForm(ReasonFormMixin, PartialDateModelForm):
    partial_dates = ("opened", "closed")
    opened = PartialDateField(label=_("Opened"))
    closed = PartialDateField(label=_("Closed or handed in"))

    class Meta:
        model = Petition
        exclude = partial_date_exclusions("opened", "closed")

    def clean(self):
        cleaned = super().clean()
        self.check_order("opened", "closed", _("A petition cannot close before it opened."))
        response, pairing = cleaned.get("response_event"), cleaned.get("pairing")
        if response is not None and pairing is not None and response.pairing_id != pairing.pk:
            self.add_error("response_event", _("The council's response must be an event of the petition's pairing."))
        return cleaned


class SignatureCountForm(PartialDateModelForm):
    partial_dates = ("date",)
    date = PartialDateField(label=_("Date"), required=True)

    class Meta:
        model = SignatureCount
        exclude = partial_date_exclusions("date")


class CampaignTargetInline(CuratedInline, admin.TabularInline):
    model = CampaignTarget
    fields = ("pairing", "place", "outcome", "note")
    autocomplete_fields = ("pairing", "place")
    show_change_link = False
    verbose_name_plural = _("Targets (a pairing, or a whole place meaning all its ties)")


class SignatureCountInline(CuratedInline, admin.TabularInline):
    model = SignatureCount
    form = SignatureCountForm
    fields = ("date", "count", "at_least", "source")
    autocomplete_fields = ("source",)
    show_change_link = False


@admin.register(Organisation)
class OrganisationAdmin(CuratedAdmin):
    form = OrganisationForm
    list_display = ("name", "local_name", "kind", "base_place", "member_count", "website")
    list_select_related = ("base_place",)
    list_filter = ("kind",)
    search_fields = ("name", "local_name")
    autocomplete_fields = ("base_place", "member_groups")
    readonly_fields = ("created_at", "updated_at")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [citation_inline(OrganisationCitation)]

    def get_queryset(self, request):
        members = Organisation.member_groups.through.objects.all()
        return super().get_queryset(request).annotate(n_members=count_subquery(members, "from_organisation"))

    member_count = annotation_column("n_members", _("member groups"))


@admin.register(Campaign)
class CampaignAdmin(CuratedAdmin):
    form = CampaignForm
    list_display = ("name", "launched_display", "target_count", "petition_count", "website")
    search_fields = ("name", "local_name", "description")
    autocomplete_fields = ("organisers",)
    readonly_fields = ("created_at", "updated_at")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CampaignTargetInline, citation_inline(CampaignCitation)]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_targets=count_subquery(CampaignTarget.objects.all(), "campaign"),
                n_petitions=count_subquery(Petition.objects.all(), "campaign"),
            )
        )

    launched_display = partial_date_column("launched", _("launched"))
    target_count = annotation_column("n_targets", _("targets"))
    petition_count = annotation_column("n_petitions", _("petitions"))


@admin.register(Petition)
class PetitionAdmin(CuratedAdmin):
    form = PetitionForm
    list_display = ("title", "target_council", "campaign", "opened_display", "closed_display", "latest_signatures", "outcome")
    list_select_related = ("campaign",)
    list_filter = ("outcome", "platform")
    search_fields = ("title", "target_council", "url")
    autocomplete_fields = ("campaign", "organiser", "target_place", "pairing", "response_event")
    readonly_fields = ("created_at", "updated_at")
    inlines = [SignatureCountInline, citation_inline(PetitionCitation)]

    def get_queryset(self, request):
        latest = SignatureCount.objects.filter(petition=OuterRef("pk")).order_by("-date")
        return super().get_queryset(request).annotate(
            latest_count=Subquery(latest.values("count")[:1]), latest_at_least=Subquery(latest.values("at_least")[:1])
        )

    opened_display = partial_date_column("opened", _("opened"))
    closed_display = partial_date_column("closed", _("closed"))

    @admin.display(description=_("signatures"), ordering="latest_count")
    def latest_signatures(self, obj):
        if obj.latest_count is None:
            return "—"
        return f"{obj.latest_count:,}{'+' if obj.latest_at_least else ''}"
