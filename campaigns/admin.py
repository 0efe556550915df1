"""Admin for campaigns, the organisations behind them (with member groups), their targets and
petitions (with signature counts over time). Dates are partial-date text boxes."""

from django import forms
from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from campaigns import services
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
from core.admin import CuratedAdmin, CuratedInline, adopt, annotation_column, change_reason, count_subquery, partial_date_column
from core.forms import PartialDateField, PartialDateModelForm, ReasonFormMixin, partial_date_exclusions
from sources.admin import citation_inline

# Partial-date columns are given to the services as PartialDate values, not column by column.
PARTIAL_COLUMNS = partial_date_exclusions("launched", "opened", "closed")


def model_fields(form, *, leave_out=()) -> dict:
    """The form's cleaned values for the model's own (non-m2m) fields."""
    names = {f.name for f in form._meta.model._meta.fields} - set(leave_out)
    return {name: value for name, value in form.cleaned_data.items() if name in names}


class ServiceSaveMixin:
    """Adds and changes go through campaigns.services: `create(form, **common)` returns the new row;
    `update(current, form, **common)` changes a fresh copy of the row (the services compare it with
    the new values, so it must not be the instance the form already changed)."""

    def save_model(self, request, obj, form, change):
        common = {"user": request.user, "reason": change_reason(request, form)}
        if change:
            current = type(obj).objects.get(pk=obj.pk)
            self.update(current, form, **common)
            adopt(obj, current)
        else:
            adopt(obj, self.create(form, **common))


class UniqueNameFormMixin:
    """Names are unique regardless of case (as the services require): a form error, not a 500."""

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        model = self._meta.model
        if model.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("A %(thing)s called “%(name)s” is already recorded.") % {"thing": model._meta.verbose_name, "name": name}
            )
        return name


class OrganisationForm(UniqueNameFormMixin, ReasonFormMixin, forms.ModelForm):
    class Meta:
        model = Organisation
        exclude = ("slug",)

    def clean_member_groups(self):
        members = self.cleaned_data["member_groups"]
        if self.instance.pk is not None and any(m.pk == self.instance.pk for m in members):
            raise forms.ValidationError(_("An organisation cannot be a member group of itself."))
        return members


class CampaignForm(UniqueNameFormMixin, ReasonFormMixin, PartialDateModelForm):
    partial_dates = ("launched",)
    launched = PartialDateField(label=_("Launched"))

    class Meta:
        model = Campaign
        exclude = ("slug", *partial_date_exclusions("launched"))


class PetitionForm(ReasonFormMixin, PartialDateModelForm):
    partial_dates = ("opened", "closed")
    opened = PartialDateField(label=_("Opened"))
    closed = PartialDateField(label=_("Closed or handed in"))

    date_order = ("opened", "closed", _("A petition cannot close before it opened."))

    class Meta:
        model = Petition
        exclude = partial_date_exclusions("opened", "closed")

    def clean(self):
        cleaned = super().clean()
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
    fields = ("pairing", "place", "outcome", "note", "note_zh_hant")
    autocomplete_fields = ("pairing", "place")
    show_change_link = False
    verbose_name_plural = _("Targets (a pairing, or a whole place meaning all its ties)")
    row_key = ("pairing", "place")

    def save_row(self, form, *, parent, user, reason):
        fields = {name: form.cleaned_data.get(name) for name in ("pairing", "place", "outcome")}
        return services.campaign_target_set(
            campaign=parent, **fields, note=form.cleaned_data.get("note", ""),
            note_zh_hant=form.cleaned_data.get("note_zh_hant", ""), user=user, reason=reason
        )

    def delete_row(self, obj, *, user, reason) -> None:
        services.campaign_target_remove(obj, user=user, reason=reason)


class SignatureCountInline(CuratedInline, admin.TabularInline):
    model = SignatureCount
    form = SignatureCountForm
    fields = ("date", "count", "at_least", "source")
    autocomplete_fields = ("source",)
    show_change_link = False
    row_key = ("date",)

    def save_row(self, form, *, parent, user, reason):
        fields = {name: form.cleaned_data.get(name) for name in ("date", "count", "at_least", "source")}
        return services.petition_signatures_record(petition=parent, **fields, user=user, reason=reason)

    def delete_row(self, obj, *, user, reason) -> None:
        services.petition_signature_count_delete(obj, user=user, reason=reason)


@admin.register(Organisation)
class OrganisationAdmin(ServiceSaveMixin, CuratedAdmin):
    form = OrganisationForm
    list_display = ("name", "local_name", "kind", "base_place", "member_count", "website")
    list_select_related = ("base_place",)
    list_filter = ("kind",)
    search_fields = ("name", "local_name")
    autocomplete_fields = ("base_place", "member_groups")
    readonly_fields = ("slug", "created_at", "updated_at")
    inlines = [
        citation_inline(OrganisationCitation, cite=services.organisation_cite, delete=services.organisation_citation_delete)
    ]

    def create(self, form, **common):
        return services.organisation_create(
            **model_fields(form), member_groups=form.cleaned_data.get("member_groups") or [], **common
        )

    def update(self, current, form, **common):
        services.organisation_update(
            current, member_groups=form.cleaned_data.get("member_groups") or [], **model_fields(form), **common
        )

    def get_queryset(self, request):
        members = Organisation.member_groups.through.objects.all()
        return super().get_queryset(request).annotate(n_members=count_subquery(members, "from_organisation"))

    member_count = annotation_column("n_members", _("member groups"))


@admin.register(Campaign)
class CampaignAdmin(ServiceSaveMixin, CuratedAdmin):
    form = CampaignForm
    list_display = ("name", "launched_display", "target_count", "petition_count", "website")
    search_fields = ("name", "local_name", "description")
    autocomplete_fields = ("organisers",)
    readonly_fields = ("slug", "created_at", "updated_at")
    inlines = [
        CampaignTargetInline,
        citation_inline(CampaignCitation, cite=services.campaign_cite, delete=services.campaign_citation_delete),
    ]

    def create(self, form, **common):
        return services.campaign_create(
            **model_fields(form, leave_out=PARTIAL_COLUMNS), launched=form.cleaned_data.get("launched"),
            organisers=form.cleaned_data.get("organisers") or [], **common,
        )

    def update(self, current, form, **common):
        services.campaign_update(
            current, **model_fields(form, leave_out=PARTIAL_COLUMNS), launched=form.cleaned_data.get("launched"),
            organisers=form.cleaned_data.get("organisers") or [], **common,
        )

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
class PetitionAdmin(ServiceSaveMixin, CuratedAdmin):
    form = PetitionForm
    list_display = ("title", "target_council", "campaign", "opened_display", "closed_display", "latest_signatures", "outcome")
    list_select_related = ("campaign",)
    list_filter = ("outcome", "campaign")
    search_fields = ("title", "target_council", "url")
    autocomplete_fields = ("campaign", "organiser", "target_place", "pairing", "response_event")
    readonly_fields = ("created_at", "updated_at")
    inlines = [
        SignatureCountInline,
        citation_inline(PetitionCitation, cite=services.petition_cite, delete=services.petition_citation_delete),
    ]

    def create(self, form, **common):
        dates = {name: form.cleaned_data.get(name) for name in ("opened", "closed")}
        return services.petition_record(**model_fields(form, leave_out=PARTIAL_COLUMNS), **dates, **common)

    def update(self, current, form, **common):
        dates = {name: form.cleaned_data.get(name) for name in ("opened", "closed")}
        services.petition_update(current, **model_fields(form, leave_out=PARTIAL_COLUMNS), **dates, **common)

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
