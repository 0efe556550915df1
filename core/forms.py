"""Form pieces every curated app uses: partial-date text boxes and the "reason for this change" field."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.partialdates import PartialDate, Precision, partial_date_of

PARTIAL_DATE_HELP = _("YYYY, YYYY-MM or YYYY-MM-DD, e.g. “2022”, “2022-11”, “2022-11-02”; prefix “c.” for circa.")


class PartialDateField(forms.CharField):
    """A text box for a date at its precision; cleans to a PartialDate (or None when empty)."""

    def __init__(self, *, required: bool = False, **kwargs):
        kwargs.setdefault("help_text", PARTIAL_DATE_HELP)
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 12, "maxlength": 20, "placeholder": "YYYY-MM-DD"}))
        super().__init__(required=required, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, PartialDate):
            return value.iso()
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return PartialDate.parse(value)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial if not isinstance(initial, str) else self.to_python(initial))
        except ValidationError:
            return True


def set_partial_date(obj, prefix: str, value: PartialDate | None) -> None:
    """Write a PartialDate into a model's `<prefix>`, `<prefix>_precision` and `<prefix>_circa` fields."""
    setattr(obj, prefix, value.date if value else None)
    setattr(obj, f"{prefix}_precision", value.precision if value else Precision.DAY)
    if hasattr(obj, f"{prefix}_circa"):
        setattr(obj, f"{prefix}_circa", bool(value and value.circa))


def partial_date_exclusions(*prefixes: str) -> tuple[str, ...]:
    """The model fields a form with partial-date boxes for `prefixes` must leave out of its Meta."""
    return tuple(name for prefix in prefixes for name in (prefix, f"{prefix}_precision", f"{prefix}_circa"))


class PartialDateModelForm(forms.ModelForm):
    """A ModelForm that shows each of `partial_dates` as one PartialDateField.

    Declare the fields (`date = PartialDateField(required=True)`) and leave the model's three columns
    out of Meta (`exclude = partial_date_exclusions("date")`); this form reads and writes them."""

    partial_dates: tuple[str, ...] = ()
    # (earlier, later, message): `later` may not start before `earlier`, e.g. a petition's closing.
    date_order: tuple | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix in self.partial_dates:
            if prefix in self.fields and self.instance.pk is not None and prefix not in self.initial:
                current = partial_date_of(self.instance, prefix)
                self.initial[prefix] = current.iso() if current else ""

    def clean(self):
        cleaned = super().clean()
        if self.date_order:
            self.check_order(*self.date_order)
        return cleaned

    def _post_clean(self):
        present = [p for p in self.partial_dates if p in self.fields and p in self.cleaned_data]
        for prefix in present:
            set_partial_date(self.instance, prefix, self.cleaned_data[prefix])
        super()._post_clean()
        # The model's own validation skipped constraints on the partial-date columns (they are not
        # model fields of this form): check those now, so they are form errors and never a 500.
        if present:
            columns = set(partial_date_exclusions(*present))
            others = {f.name for f in self.instance._meta.fields} - columns
            try:
                self.instance.validate_constraints(exclude=others)
            except ValidationError as exc:
                self._update_errors(exc)

    def check_order(self, earlier: str, later: str, message) -> None:
        """Add `message` to `later` when both partial dates are given and `later` is stored earlier
        (as the database compares them: each partial date by the first day of its period)."""
        first, second = self.cleaned_data.get(earlier), self.cleaned_data.get(later)
        if first and second and second.date < first.date:
            self.add_error(later, message)


class ReasonFormMixin(forms.Form):
    """Adds "reason for this change"; its text becomes the history record's change reason."""

    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=100,
        help_text=_("Recorded in the history with your name, e.g. “Council minutes of 2 Nov 2022” or “typo”."),
        widget=forms.TextInput(attrs={"size": 60}),
    )



class PreloadedAutocompleteMixin:
    """An admin autocomplete that shows its selected options from objects the form already holds
    (`preload_choices`), instead of one query per form to label them: a page with 40 inline rows
    then costs no extra query per row. Falls back to the query when a value was not preloaded (a
    re-displayed form after an error, say)."""

    preloaded: dict | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        preloaded = self.preloaded or {}
        if not selected or not selected <= preloaded.keys():
            return super().optgroups(name, value, attr)
        groups = [(None, [], 0)]
        options = groups[0][1]
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected, key=lambda k: list(preloaded).index(k)):
            label = self.choices.field.label_from_instance(preloaded[key])
            options.append(self.create_option(name, key, label, selected, len(options)))
        return groups


class PreloadedAutocompleteSelect(PreloadedAutocompleteMixin, AutocompleteSelect):
    pass


class PreloadedAutocompleteSelectMultiple(PreloadedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


def preload_choices(form, field_name: str, objects) -> None:
    """Give the autocomplete of `field_name` on this form the already-loaded `objects` to label its
    selected options with (see PreloadedAutocompleteMixin)."""
    field = form.fields.get(field_name)
    if field is None:
        return
    widget = getattr(field.widget, "widget", field.widget)  # inside the admin's "+"/edit wrapper
    if isinstance(widget, PreloadedAutocompleteMixin):
        widget.preloaded = {str(obj.pk): obj for obj in objects if obj is not None}
