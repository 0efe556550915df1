"""Curator forms for the core domain (used by the admin). Dates are partial-date text boxes; every
form has a "reason for this change" that goes into the history; a status-changing event cannot be
saved without a source."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.forms import (
    PartialDateField,
    PartialDateModelForm,
    PreloadedAutocompleteSelectMultiple,
    ReasonFormMixin,
    partial_date_exclusions,
    preload_choices,
)
from sources.models import Source
from twinning.constants import STATUS_DEFINITIONS, Status
from twinning.models import Agreement, Event, EventCitation, Pairing, Place
from twinning.selectors import overlapping_events, place_identified_by, similar_places
from twinning.services import IDENTITY_FIELDS, IDENTITY_FIXED, event_changes_status, event_rescind_check

SOURCE_REQUIRED = _("This event changes the pairing's status, so it needs at least one source. Add a source and save again.")
IMPORT_MAX_BYTES = 5 * 1024 * 1024


def sources_field(*, label, help_text) -> forms.ModelMultipleChoiceField:
    """Sources picked by autocomplete (searching the source admin's title, publisher and URL)."""
    return forms.ModelMultipleChoiceField(
        queryset=Source.objects.all(),
        required=False,
        label=label,
        help_text=help_text,
        widget=PreloadedAutocompleteSelectMultiple(EventCitation._meta.get_field("source"), admin.site),
    )


def status_changes(cleaned_data) -> bool:
    event_type = cleaned_data.get("event_type")
    return bool(event_type) and event_changes_status(
        event_type=event_type, status_to=cleaned_data.get("status_to") or ""
    )


def admin_link(obj, label=None) -> str:
    """An HTML link to `obj`'s admin change page."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html("<a href='{}'>{}</a>", url, label if label is not None else str(obj))


def place_label(place: Place) -> str:
    where = ", ".join(part for part in (place.country, place.region) if part)
    return f"{place} ({where})"


class PlaceForm(ReasonFormMixin, forms.ModelForm):
    """A place. A name (or local name) like that of a place already recorded in the same country
    (trigram similarity: "Praha" and "Prague", "Nottinghm") is a warning listing the candidates, each
    with a link and “use this one”; the curator's input stays on the form until they choose."""

    create_anyway = forms.BooleanField(
        required=False, label=_("Create anyway (a different place)"),
        help_text=_("Tick only after a warning about similar places, when this really is another place."),
    )

    class Meta:
        model = Place
        exclude = ("slug",)

    def similar(self, cleaned) -> list[Place]:
        country = cleaned.get("country")
        if not country:
            return []
        found: dict[int, Place] = {}
        for text in (cleaned.get("name") or "", cleaned.get("local_name") or ""):
            for place in similar_places(text, country=country, exclude_pk=self.instance.pk):
                found.setdefault(place.pk, place)
        return list(found.values())

    def use_url(self, place: Place) -> str:
        from urllib.parse import urlencode

        url = reverse("admin:twinning_place_use", args=[place.pk])
        popup = {k: self.data[k] for k in ("_popup", "_to_field") if self.data.get(k)}
        return f"{url}?{urlencode(popup)}" if popup else url

    def clean(self):
        cleaned = super().clean()
        checked = ("name", "local_name", "country")
        same = Place.objects.filter(
            name__iexact=(cleaned.get("name") or "").strip(), country=cleaned.get("country") or "",
            region__iexact=(cleaned.get("region") or "").strip(),
        ).exclude(pk=self.instance.pk).first()
        if same is not None:
            self.add_error("name", format_html(
                _("{} is already recorded with this name, country and region: use it, or give this place its region."),
                admin_link(same, place_label(same)),
            ))
            return cleaned
        if cleaned.get("create_anyway") or self.instance.pk is not None or not set(checked) & set(self.changed_data):
            # Near-duplicates are looked for when a place is added (the add form has the confirmation
            # box; a recorded place that turns out to be a duplicate is merged by an editor).
            return cleaned
        candidates = self.similar(cleaned)
        if candidates:
            items = format_html_join(
                "", "<li>{} — <a href='{}' class='use-this-one'>{}</a></li>",
                ((admin_link(p, place_label(p)), self.use_url(p), _("use this one")) for p in candidates),
            )
            self.add_error("create_anyway", format_html(
                "{}<ul>{}</ul>{}", _("Possibly already recorded in this country:"), items,
                _("Use one of these, or tick “Create anyway (a different place)” and save again."),
            ))
        return cleaned


class PlaceIdentifierFormSet(forms.BaseInlineFormSet):
    """An identifier (a Wikidata QID, say) already on another place is refused with a link to it."""

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data.get("scheme") or not data.get("value") or data.get("DELETE"):
                continue
            other = place_identified_by(scheme=data["scheme"], value=data["value"], exclude_pk=self.instance.pk)
            if other is not None:
                form.add_error("value", format_html(
                    _("{} already identifies {}: use that place (or merge the two) rather than a second record."),
                    data["value"], admin_link(other, place_label(other)),
                ))


class PairingForm(ReasonFormMixin, forms.ModelForm):
    """A pairing. When adding one, its established date and the sources for it can be given at once."""

    established = PartialDateField(
        label=_("Established"),
        help_text=_("Optional: when the relationship began; records its first event (“established”)."),
    )
    established_sources = sources_field(
        label=_("Sources for the established date"), help_text=_("Required with an established date.")
    )

    separate_relationship = forms.BooleanField(
        required=False, label=_("Yes, this is a separate relationship"),
        help_text=_("Tick only when these two places really have a second relationship beside the one already recorded."),
    )

    class Meta:
        model = Pairing
        fields = ("place_a", "place_b", "relationship", "confidence", "confidence_note", "notes")

    def _check_duplicates(self, cleaned) -> None:
        """The same two places under any relationship: a link to the existing pairing; the same
        relationship is refused, another one needs "separate relationship" ticked."""
        a, b, relationship = cleaned.get("place_a"), cleaned.get("place_b"), cleaned.get("relationship")
        if not (a and b and relationship) or a == b:
            return
        for existing in Pairing.objects.filter(Q(place_a=a, place_b=b) | Q(place_a=b, place_b=a)).select_related("place_a", "place_b"):
            link = format_html("<a href='{}'>{}</a>", reverse("admin:twinning_pairing_change", args=[existing.pk]),
                               f"{existing} ({existing.get_relationship_display()}, {existing.get_status_display()})")
            if existing.relationship == relationship:
                self.add_error("relationship", format_html(
                    _("{} is already recorded with this relationship: add events and sources there."), link))
            elif not cleaned.get("separate_relationship"):
                self.add_error("separate_relationship", format_html(
                    _("These two places are already paired: {}. Add to that record, or tick “Yes, this is a separate "
                      "relationship” if there really is a second one."), link))

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            # On the change page these fields are read-only; a POST that tries to change them is refused
            # (rather than silently ignored) so that the curator knows why nothing moved.
            for name in IDENTITY_FIELDS:
                posted = self.data.get(name)
                stored = getattr(self.instance, f"{name}_id" if name != "relationship" else name)
                if posted not in (None, "") and str(posted) != str(stored):
                    raise ValidationError(IDENTITY_FIXED, code="identity_fixed")
        else:
            self._check_duplicates(cleaned)
        if cleaned.get("established") and not cleaned.get("established_sources"):
            self.add_error(
                "established_sources",
                _("The established date makes the pairing active, so it needs at least one source."),
            )
        return cleaned


class EventForm(ReasonFormMixin, PartialDateModelForm):
    """An event on the Event page (its sources are the citations inline below it). An event of the
    same type on the same pairing in an overlapping period (2019-10-07 beside 2019-10) is a warning
    with links, saved only once the curator confirms it is another event."""

    partial_dates = ("date",)
    date = PartialDateField(label=_("Date"), required=True)
    another_event = forms.BooleanField(
        required=False, label=_("Yes, another event"),
        help_text=_("Tick only after a warning that this looks like an event already on the timeline."),
    )

    class Meta:
        model = Event
        exclude = partial_date_exclusions("date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status_to" in self.fields:
            self.fields["status_to"].help_text = status_help()
        if "order" in self.fields:
            self.fields["order"].required = False
            self.fields["order"].help_text = _("Orders events on the same day (lower first). Leave as is to add it after them.")

    def clean_order(self):
        order = self.cleaned_data.get("order")
        return 0 if order is None else order

    def clean(self):
        cleaned = super().clean()
        rescinds = cleaned.get("rescinds")
        pairing = cleaned.get("pairing") or (self.instance.pairing if self.instance.pairing_id else None)
        if rescinds is not None and pairing is not None and rescinds.pairing_id != pairing.pk:
            self.add_error("rescinds", _("Choose a decision on the same pairing (%(pairing)s).") % {"pairing": pairing})
        elif cleaned.get("event_type") and not self.errors:
            if "rescinds" not in self.fields:
                rescinds = self.instance.rescinds if self.instance.rescinds_id else None
            try:
                event_rescind_check(
                    pairing_id=pairing.pk if pairing else None, event_type=cleaned["event_type"],
                    date=cleaned.get("date"), rescinds=rescinds,
                )
            except ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    if field not in self.fields:
                        errors = [_("%(error)s Record a rescind on its own event page (“Add event”), where you "
                                    "choose the decision it withdraws.") % {"error": e.message} for e in errors]
                        field = "event_type"
                    self.add_error(field, errors)
        self.check_overlap(cleaned, pairing)
        return cleaned

    def check_overlap(self, cleaned, pairing) -> None:
        event_type, date = cleaned.get("event_type"), cleaned.get("date")
        if pairing is None or not event_type or date is None or cleaned.get("another_event"):
            return
        if self.instance.pk is not None and not {"event_type", "date"} & set(self.changed_data):
            return
        overlaps = overlapping_events(pairing_id=pairing.pk, event_type=event_type, date=date, exclude_pk=self.instance.pk)
        if overlaps:
            links = format_html_join(", ", "{}", ((admin_link(e, f"{e.get_event_type_display()} — {e.when.display()}"),) for e in overlaps))
            field = "another_event" if "another_event" in self.fields else "date"
            self.add_error(field, format_html(
                _("This pairing already has {} in the same period: add your source to that event instead, or tick "
                  "“Yes, another event” if this really is a separate one."), links,
            ))


class EventInlineForm(EventForm):
    """An event as a row of its pairing's timeline, with its sources picked in the same row."""

    sources = sources_field(
        label=_("Sources"), help_text=_("At least one for an event that changes the status.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            # With the citations and their sources prefetched (EventInline), no query per row.
            sources = [c.source for c in self.instance.citations.all()]
            self.initial.setdefault("sources", [s.pk for s in sources])
            preload_choices(self, "sources", sources)

    def clean(self):
        cleaned = super().clean()
        if status_changes(cleaned) and not cleaned.get("sources"):
            self.add_error("sources", SOURCE_REQUIRED)
        return cleaned


class EventCitationForm(PartialDateModelForm):
    partial_dates = ("claimed_date",)
    claimed_date = PartialDateField(
        label=_("Date this source gives"),
        help_text=_("Only when sources disagree on the date (e.g. “2023-03” here, “2023-04” in another)."),
    )

    class Meta:
        model = EventCitation
        exclude = partial_date_exclusions("claimed_date")


class EventCitationFormSet(forms.BaseInlineFormSet):
    """On the Event page: a status-changing event keeps at least one source."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [
            form for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        event = self.instance
        if event.event_type and event_changes_status(event_type=event.event_type, status_to=event.status_to) and not kept:
            raise ValidationError(SOURCE_REQUIRED, code="source_required")


class AgreementForm(ReasonFormMixin, PartialDateModelForm):
    partial_dates = ("signed", "renewal_due")
    signed = PartialDateField(label=_("Signed"))
    renewal_due = PartialDateField(label=_("Renewal due or expiry"))
    date_order = ("signed", "renewal_due", _("Renewal or expiry cannot come before the signing."))

    class Meta:
        model = Agreement
        exclude = partial_date_exclusions("signed", "renewal_due")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or .xlsx)"),
        help_text=_("An .xlsx workbook (its first worksheet) or a CSV file (UTF-8 best; Excel’s “CSV” and “Unicode text” are read too), with the header row of the template."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB. Split it and import the parts."),
                params={"size": round(upload.size / 1024 / 1024, 1), "limit": IMPORT_MAX_BYTES // 1024 // 1024},
            )
        return upload


def status_help() -> str:
    lines = [f"{Status(value).label}: {STATUS_DEFINITIONS[value]}" for value in Status.values]
    return str(_("Leave empty to use the status the event type implies. ")) + " · ".join(lines)


# The admin imports Wikidata files this small in one request (a few seconds); the world file goes
# through `manage.py import_wikidata`.
WIKIDATA_ADMIN_MAX_ROWS = 5000


class WikidataImportForm(forms.Form):
    file = forms.FileField(
        label=_("Wikidata CSV"),
        help_text=_(
            "The CSV download of the query in docs/wikidata.md (UTF-8, header row "
            "item,itemLabel,itemCountryCode,itemCoord,twin,twinLabel,twinCountryCode,twinCoord,…), "
            "up to %(rows)d rows; larger files: manage.py import_wikidata."
        ) % {"rows": WIKIDATA_ADMIN_MAX_ROWS},
    )
    snapshot = forms.DateField(
        label=_("Snapshot date"), help_text=_("The day the data was retrieved from Wikidata (YYYY-MM-DD).")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB. Use manage.py import_wikidata."),
                params={"size": round(upload.size / 1024 / 1024, 1), "limit": IMPORT_MAX_BYTES // 1024 // 1024},
            )
        data = upload.read()
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1
        if lines > WIKIDATA_ADMIN_MAX_ROWS:
            raise ValidationError(
                _("The file has %(rows)d rows; the admin imports up to %(limit)d. Use manage.py import_wikidata."),
                params={"rows": lines, "limit": WIKIDATA_ADMIN_MAX_ROWS},
            )
        upload.seek(0)
        return upload
