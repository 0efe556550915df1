import contextvars

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import (
    CuratedAdmin,
    CuratedInline,
    add_related_buttons,
    adopt,
    annotation_column,
    change_reason,
    count_subquery,
    partial_date_column,
)
from sources.admin import CitationInline, citation_inline
from twinning import selectors, services
from twinning.admin.bulk import confidence_actions, export_csv_action
from twinning.admin.changes import ChangesQueueMixin
from twinning.admin.imports import ImportViewsMixin
from twinning.admin.merge import MergeActionMixin
from twinning.admin.move import PairingMoveMixin
from twinning.admin.places import CountryListFilter, RegionListFilter
from twinning.changes import pairing_timeline_as_of
from twinning.constants import IMPLIED_STATUS, STATUS_DEFINITIONS, Status
from twinning.forms import (
    AgreementForm,
    EventCitationForm,
    EventCitationFormSet,
    EventForm,
    EventInlineForm,
    PairingForm,
)
from twinning.models import Agreement, AgreementCitation, Event, EventCitation, Pairing, PairingCitation

_TIMELINE_AS_OF: contextvars.ContextVar = contextvars.ContextVar("timeline_as_of", default=None)

AGREEMENT_DETAILS = (
    "title", "signatories", "term_years", "text_availability", "text_url", "foi_url", "notes", "notes_zh_hant", "confidence",
)

# --- Saving events through the services -------------------------------------------------------


def event_save(form, *, pairing, citations, user, reason: str) -> Event:
    """Record or update the event a validated EventForm describes, with these citations."""
    obj = form.instance
    date = form.cleaned_data["date"]
    if obj.pk is None:
        details = {name: getattr(obj, name) for name in services.EVENT_FIELDS}
        event = services.event_record(
            pairing=pairing,
            event_type=obj.event_type,
            date=date,
            citations=citations,
            status_to=obj.status_to,
            order=obj.order if "order" in form.changed_data else None,
            rescinds=obj.rescinds,
            user=user,
            reason=reason or f"Event recorded in the admin: {obj.get_event_type_display()}",
            **details,
        )
        adopt(obj, event)
        return obj
    return services.event_update(obj, date=date, citations=citations, user=user, reason=reason or "Event changed in the admin")


def stored_status(pairing_id) -> str | None:
    return Pairing.objects.filter(pk=pairing_id).values_list("status", flat=True).first()


def say_status_change(request, pairing_id, before: str | None) -> None:
    """After a save: "Status: Severed → Active since 12 May 2023" when the stored status changed."""
    pairing = Pairing.objects.filter(pk=pairing_id).first()
    if pairing is None or pairing.status == (before or Status.UNKNOWN):
        return
    since = pairing.status_since_date
    messages.info(
        request,
        _("Status: %(before)s → %(after)s%(since)s")
        % {
            "before": Status(before or Status.UNKNOWN).label, "after": pairing.get_status_display(),
            "since": _(" since %(date)s") % {"date": since.display()} if since else "",
        },
    )


# --- Pairing changelist filters ---------------------------------------------------------------


class HasNoSourceFilter(admin.SimpleListFilter):
    title = _("sources")
    parameter_name = "sourced"

    def lookups(self, request, model_admin):
        return (("no", _("Has no source")), ("yes", _("Has a source")))

    def queryset(self, request, queryset):
        sourced = Exists(PairingCitation.objects.filter(pairing=OuterRef("pk"))) | Exists(
            EventCitation.objects.filter(event__pairing=OuterRef("pk"))
        )
        if self.value() == "no":
            return queryset.filter(~sourced)
        if self.value() == "yes":
            return queryset.filter(sourced)
        return queryset


# --- Inlines on the pairing page --------------------------------------------------------------


class EventInline(CuratedInline, admin.TabularInline):
    model = Event
    form = EventInlineForm
    fields = ("event_type", "date", "sources", "status_after", "status_to", "summary", "body", "order", "another_event", "change_reason")
    readonly_fields = ("status_after",)
    verbose_name_plural = _("Timeline (status-changing events need a source; votes, movers and citation details on each event's page)")

    def get_queryset(self, request):
        # The row's label (its pairing) and its sources' picker come from these, not a query per row.
        return (
            super().get_queryset(request)
            .select_related("pairing__place_a", "pairing__place_b")
            .prefetch_related(Prefetch("citations", queryset=EventCitation.objects.select_related("source").order_by("id")))
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "summary":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 30})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        add_related_buttons(formset.form, request, self.admin_site, {"sources": EventCitation._meta.get_field("source")})
        return formset

    def save_row(self, form, *, parent, user, reason):
        citations = [services.Cite(source=s) for s in form.cleaned_data.get("sources", [])]
        return event_save(form, pairing=parent, citations=citations, user=user, reason=reason)

    def delete_row(self, obj, *, user, reason) -> None:
        services.event_delete(obj, user=user, reason=reason)


class AgreementInline(CuratedInline, admin.TabularInline):
    model = Agreement
    form = AgreementForm
    fields = ("kind", "title", "signed", "term_years", "renewal_due", "text_availability", "text_url", "foi_url")

    def save_row(self, form, *, parent, user, reason):
        obj, data = form.instance, form.cleaned_data
        dates = {"signed": data.get("signed"), "renewal_due": data.get("renewal_due")}
        details = {name: getattr(obj, name) for name in AGREEMENT_DETAILS}
        if obj.pk is not None:
            return services.agreement_update(obj, kind=obj.kind, **dates, **details, user=user, reason=reason)
        adopt(obj, services.agreement_record(pairing=parent, kind=obj.kind, **dates, **details, user=user, reason=reason))
        return obj

    def delete_row(self, obj, *, user, reason) -> None:
        services.agreement_delete(obj, user=user, reason=reason)


PairingCitationInline = citation_inline(
    PairingCitation, cite=services.pairing_cite, delete=services.pairing_citation_delete,
    verbose_name_plural=_("Sources for the pairing as a whole"),
)


# --- Pairings ---------------------------------------------------------------------------------


@admin.register(Pairing)
class PairingAdmin(ChangesQueueMixin, PairingMoveMixin, ImportViewsMixin, MergeActionMixin, CuratedAdmin):
    merge_service = staticmethod(services.pairing_merge)
    form = PairingForm
    list_display = ("pairing", "countries", "relationship", "status_label", "status_since_display", "citation_count", "updated_at")
    list_select_related = ("place_a", "place_b")
    list_filter = ("status", CountryListFilter, "relationship", RegionListFilter, HasNoSourceFilter, "confidence")
    search_fields = ("place_a__name", "place_a__local_name", "place_b__name", "place_b__local_name")
    autocomplete_fields = ("place_a", "place_b")
    readonly_fields = ("status_panel", "timeline", "slug", "created_at", "updated_at")
    inlines = [EventInline, AgreementInline, PairingCitationInline]
    actions = [
        "merge_selected",
        *confidence_actions(lambda obj, **kw: services.pairing_update(obj, **kw)),
        export_csv_action("pairings", {
            "slug": lambda p: p.slug, "place_a": lambda p: p.place_a.name, "country_a": lambda p: p.place_a.country,
            "place_b": lambda p: p.place_b.name, "country_b": lambda p: p.place_b.country,
            "relationship": lambda p: p.relationship, "status": lambda p: p.status,
            "status_since": lambda p: p.status_since_date.iso() if p.status_since else "",
            "confidence": lambda p: p.confidence, "citations": lambda p: p.n_citations,
        }),
    ]

    add_fieldsets = (
        (None, {"fields": ("place_a", "place_b", "relationship", "separate_relationship")}),
        (_("Established"), {"fields": ("established", "established_sources")}),
        (_("Confidence"), {"fields": ("confidence", "confidence_note", "notes", "notes_zh_hant")}),
        (_("Why"), {"fields": ("change_reason",)}),
    )
    change_fieldsets = (
        (None, {"fields": ("place_a", "place_b", "relationship", "identity_note")}),
        (_("Status (derived from the timeline below; never typed in)"), {"fields": ("status_panel",)}),
        (_("Timeline with its sources"), {"fields": ("timeline",)}),
        (_("Confidence"), {"fields": ("confidence", "confidence_note", "notes", "notes_zh_hant")}),
        (_("Why"), {"fields": ("change_reason",)}),
        (_("Record"), {"fields": ("slug", "created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_fieldsets(self, request, obj=None):
        return self.change_fieldsets if obj else self.add_fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # “+” beside the sources picker: a source can be created without leaving the pairing.
        add_related_buttons(form, request, self.admin_site, {"established_sources": EventCitation._meta.get_field("source")})
        return form

    def get_readonly_fields(self, request, obj=None):
        # The places and relationship identify the whole sourced timeline: fixed once recorded.
        fixed = (*services.IDENTITY_FIELDS, "identity_note") if obj else ()
        return (*self.readonly_fields, *fixed)

    @admin.display(description=_("places and relationship"))
    def identity_note(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html(
            "{} <a href='{}'>{}</a>", services.IDENTITY_FIXED,
            reverse("admin:twinning_pairing_move", args=[obj.pk]), _("Move to another pair (editors)"),
        )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("place_a", "place_b")  # the label of each row, also in autocompletes
            .annotate(
                n_citations=count_subquery(PairingCitation.objects.all(), "pairing")
                + count_subquery(EventCitation.objects.all(), "event__pairing")
            )
        )

    @admin.display(description=_("pairing"), ordering="sort_a")
    def pairing(self, obj):
        return str(obj)

    @admin.display(description=_("countries"))
    def countries(self, obj):
        return f"{obj.place_a.country} – {obj.place_b.country}"

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        return format_html('<span title="{}">{}</span>', STATUS_DEFINITIONS[obj.status], obj.get_status_display())

    status_since_display = partial_date_column("status_since", _("since"))
    citation_count = annotation_column("n_citations", _("citations"))

    @admin.display(description=_("status"))
    def status_panel(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        since = obj.status_since_date.display() if obj.status_since else _("no dated event yet")
        return format_html(
            "<strong>{}</strong> since {}<br><span class='help'>{}</span><br><a href='{}?pairing={}' id='audit-trail'>{}</a>",
            obj.get_status_display(), since, STATUS_DEFINITIONS[Status(obj.status)],
            reverse("admin:twinning_changes"), obj.pk, _("Audit trail: every change to this pairing, its events, citations and agreements"),
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """An old version of the pairing shows its timeline as it was then (from the history)."""
        record = self.model.history.filter(pk=version_id).first()
        token = _TIMELINE_AS_OF.set(record.history_date if record else None)
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        finally:
            _TIMELINE_AS_OF.reset(token)

    @admin.display(description=_("events and their sources"))
    def timeline(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        as_of = _TIMELINE_AS_OF.get()
        if as_of is not None:
            entries = [
                (event, Status(after).label if after else "", [(s.pk, s, "") for s in sources])
                for event, after, sources in pairing_timeline_as_of(obj.pk, as_of)
            ]
        else:
            entries = [
                (event, event.get_status_after_display(), [
                    (c.source_id, c.source, _(" (gives %(date)s)") % {"date": c.claimed.display()} if c.claimed else "")
                    for c in event.citations.all()
                ])
                for event in selectors.pairing_timeline(obj)
            ]
        rows = []
        for event, status_after, cited in entries:
            sources = format_html_join(
                "", '<li><a href="{}">{}</a>{}</li>',
                ((reverse("admin:sources_source_change", args=[pk]), source, note) for pk, source, note in cited),
            ) or format_html("<li><em>{}</em></li>", _("no source"))
            rows.append(
                format_html(
                    "<tr><td>{}</td><td><a href='{}'>{}</a></td><td>{}</td>"
                    "<td><ul style='margin:0;padding-left:1em'>{}</ul></td></tr>",
                    event.when.display(), reverse("admin:twinning_event_change", args=[event.pk]),
                    event.get_event_type_display(), status_after or "—", sources,
                )
            )
        if as_of is not None:
            rows.insert(0, format_html("<tr><td colspan='4'><em>{}</em></td></tr>",
                                       _("The timeline as it was on %(when)s.") % {"when": as_of.strftime("%Y-%m-%d %H:%M")}))
        if not rows:
            return _("No events yet: add the first one (e.g. “established”) below.")
        header = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>", _("date"), _("event"), _("status after"), _("sources")
        )
        return format_html("<table>{}{}</table>", header, format_html_join("", "{}", ((r,) for r in rows)))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        say_status_change(request, form.instance.pk, getattr(request, "_status_before", None))

    def save_model(self, request, obj, form, change):
        reason = change_reason(request, form)
        request._status_before = stored_status(obj.pk) if change else None
        if change:
            services.pairing_update(obj, user=request.user, reason=reason or "Pairing changed in the admin")
            return
        data = form.cleaned_data
        pairing = services.pairing_create(
            place_a=data["place_a"],
            place_b=data["place_b"],
            relationship=data["relationship"],
            established=data.get("established"),
            citations=[services.Cite(source=s) for s in data.get("established_sources") or []],
            notes=data.get("notes", ""),
            notes_zh_hant=data.get("notes_zh_hant", ""),
            confidence=data.get("confidence") or "high",
            confidence_note=data.get("confidence_note", ""),
            user=request.user,
            reason=reason or "Pairing recorded in the admin",
        )
        adopt(obj, pairing)


# --- Events -----------------------------------------------------------------------------------


class EventCitationInline(CitationInline):
    model = EventCitation
    form = EventCitationForm
    formset = EventCitationFormSet
    # EventAdmin.save_related gives these to event_record/event_update with the event (a status-changing
    # event and its sources are saved together; removed ones go through event_citation_delete).
    saved_with_parent = True
    fields = ("source", "locator", "quote", "claimed_date")
    verbose_name_plural = _("Sources (at least one for an event that changes the status)")


@admin.register(Event)
class EventAdmin(CuratedAdmin):
    form = EventForm
    list_display = ("event", "pairing_label", "date_display", "status_after", "body", "citation_count", "updated_at")
    list_select_related = ("pairing__place_a", "pairing__place_b")
    list_filter = ("event_type", "status_after", "body", "confidence")
    search_fields = (
        "pairing__place_a__name", "pairing__place_a__local_name", "pairing__place_b__name",
        "pairing__place_b__local_name", "summary", "mover",
    )
    autocomplete_fields = ("pairing", "rescinds", "agreement")
    readonly_fields = ("status_after", "withdraw_link", "created_at", "updated_at")
    inlines = [EventCitationInline]
    actions = [
        *confidence_actions(lambda obj, **kw: services.event_update(obj, **kw)),
        export_csv_action("events", {
            "pairing": lambda e: e.pairing.slug, "event": lambda e: e.event_type, "date": lambda e: e.when.iso(),
            "status_after": lambda e: e.status_after, "body": lambda e: e.body, "summary": lambda e: e.summary,
            "confidence": lambda e: e.confidence, "sources": lambda e: e.n_citations,
        }),
    ]
    fieldsets = (
        (None, {"fields": ("pairing", "event_type", "date", "order", "status_to", "rescinds", "status_after", "another_event")}),
        (
            _("Who decided, and how"),
            {"fields": ("actor", "body", ("mover", "mover_party"), ("seconder", "seconder_party"),
                        ("votes_for", "votes_against", "abstentions"), ("unanimous", "casting_vote"))},
        ),
        (_("Details"), {"fields": ("summary", "summary_zh_hant", "agreement", "confidence", "confidence_note")}),
        (_("Why"), {"fields": ("change_reason",)}),
        (_("Record"), {"fields": ("withdraw_link", "created_at", "updated_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # An event stays on its pairing (moving it would leave the old pairing's status stale).
        return self.readonly_fields + (("pairing",) if obj else ())

    def get_queryset(self, request):
        # select_related: an event's label names its pairing's places (autocompletes: one query, not 3 per row).
        return (
            super().get_queryset(request)
            .select_related("pairing__place_a", "pairing__place_b")
            .annotate(n_citations=count_subquery(EventCitation.objects.all(), "event"))
        )

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "event" and request.GET.get("field_name") == "rescinds":
            # Only a status-bearing decision can be rescinded.
            queryset = queryset.filter(Q(event_type__in=list(IMPLIED_STATUS)) | ~Q(status_to=""))
        return queryset, may_have_duplicates

    @admin.display(description=_("event"), ordering="event_type")
    def event(self, obj):
        return obj.get_event_type_display()

    @admin.display(description=_("pairing"), ordering="pairing__sort_a")
    def pairing_label(self, obj):
        return str(obj.pairing)

    date_display = partial_date_column("date", _("date"))
    citation_count = annotation_column("n_citations", _("sources"))

    def save_model(self, request, obj, form, change):
        """Deferred to save_related: the service needs the event and its sources together."""

    def save_related(self, request, form, formsets, change):
        citations_formset = next(fs for fs in formsets if fs.model is EventCitation)
        citations = [
            services.Cite(
                source=f.cleaned_data["source"],
                locator=f.cleaned_data.get("locator", ""),
                quote=f.cleaned_data.get("quote", ""),
                claimed_date=f.cleaned_data.get("claimed_date"),
            )
            for f in citations_formset.forms
            if f.cleaned_data.get("source") and not f.cleaned_data.get("DELETE")
        ]
        before = stored_status(form.instance.pairing_id)
        event_save(form, pairing=form.instance.pairing, citations=citations, user=request.user,
                   reason=change_reason(request, form))
        say_status_change(request, form.instance.pairing_id, before)
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request, obj):
        services.event_delete(obj, user=request.user, reason="Event deleted in the admin")

    def get_urls(self):
        return [
            path("<path:object_id>/withdraw/", self.admin_site.admin_view(self.withdraw_view), name="twinning_event_withdraw"),
            *super().get_urls(),
        ]

    def delete_view(self, request, object_id, extra_context=None):
        if not self.has_delete_permission(request):
            messages.error(request, _("Only editors delete events. If you recorded this one by mistake, use "
                                      "“Withdraw this event” on its page; otherwise ask an editor."))
            return HttpResponseRedirect(reverse("admin:twinning_event_change", args=[object_id]))
        return super().delete_view(request, object_id, extra_context)

    @admin.display(description=_("mistaken?"))
    def withdraw_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return format_html("<a href='{}'>{}</a>", reverse("admin:twinning_event_withdraw", args=[obj.pk]),
                           _("Withdraw this event (the curator who recorded it)"))

    def withdraw_view(self, request, object_id):
        event = get_object_or_404(Event.objects.select_related("pairing__place_a", "pairing__place_b"), pk=object_id)
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        change = reverse("admin:twinning_event_change", args=[event.pk])
        recorder = services.event_recorded_by(event)
        if recorder is None or recorder.pk != request.user.pk:
            messages.error(request, _("Only the curator who recorded this event (%(who)s) can withdraw it; "
                                      "ask an editor to delete it.") % {"who": recorder or _("unknown")})
            return HttpResponseRedirect(change)
        error = ""
        if request.method == "POST":
            pairing_id = event.pairing_id
            before = stored_status(pairing_id)
            try:
                services.event_withdraw(event, user=request.user, reason=request.POST.get("reason", "")[:90])
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(request, _("Withdrawn: %(event)s.") % {"event": event})
                say_status_change(request, pairing_id, before)
                return HttpResponseRedirect(reverse("admin:twinning_pairing_change", args=[pairing_id]))
        return TemplateResponse(request, "admin/twinning/event/withdraw.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "original": event, "error": error,
            "title": _("Withdraw %(event)s") % {"event": event}, "change_url": change,
        })


# --- Agreements -------------------------------------------------------------------------------


@admin.register(Agreement)
class AgreementAdmin(CuratedAdmin):
    form = AgreementForm
    list_display = ("__str__", "pairing_label", "kind", "signed_display", "term_years", "text_availability")
    list_select_related = ("pairing__place_a", "pairing__place_b")
    list_filter = ("kind", "text_availability", "confidence")
    search_fields = ("title", "pairing__place_a__name", "pairing__place_b__name", "signatories")
    autocomplete_fields = ("pairing",)
    inlines = [citation_inline(AgreementCitation, cite=services.agreement_cite, delete=services.agreement_citation_delete)]
    fieldsets = (
        (None, {"fields": ("pairing", "kind", "title", "signed", "signatories", "term_years", "renewal_due")}),
        (_("Text"), {"fields": ("text_availability", "text_url", "foi_url")}),
        (_("Notes"), {"fields": ("notes", "notes_zh_hant", "confidence")}),
        (_("Why"), {"fields": ("change_reason",)}),
    )

    @admin.display(description=_("pairing"), ordering="pairing__sort_a")
    def pairing_label(self, obj):
        return str(obj.pairing)

    signed_display = partial_date_column("signed", _("signed"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("pairing__place_a", "pairing__place_b")
