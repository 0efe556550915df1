"""Strict query parameters: partial-date, boolean, date and since filters, ordering, the filter
backend that answers 400 on unknown parameters, and lookups by slug or id."""

from __future__ import annotations

import copy
import datetime as dt

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import QueryDict
from django.utils.dateparse import parse_datetime
from django_filters import rest_framework as django_filters
from rest_framework import permissions
from rest_framework.exceptions import ValidationError

from core.partialdates import PartialDate
from core.text import is_ascii_digits

# --- Filters --------------------------------------------------------------------------------------


class PartialDateFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        return PartialDate.parse(value)


class PartialDateFilter(django_filters.CharFilter):
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`. With lookup `gte` compares with the first day of that
    period, with `lte` with its last day, so `..._before=2020` includes all of 2020."""

    field_class = PartialDateFormField

    def filter(self, qs, value):
        if value is None:
            return qs
        day = value.end if self.lookup_expr in ("lte", "lt") else value.date
        return super().filter(qs, day)


class StrictBooleanFormField(forms.CharField):
    TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}

    def to_python(self, value):
        value = (super().to_python(value) or "").lower()
        if not value:
            return None
        if value in self.TRUE | self.FALSE:
            return value in self.TRUE
        raise DjangoValidationError(f"“{value}” is not a boolean: use true or false.")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """true/false (or 1/0, yes/no); anything else is a 400, not silently ignored."""

    field_class = StrictBooleanFormField

    def __init__(self, *args, **kwargs):
        kwargs["widget"] = forms.TextInput  # not the widget that turns unknown words into "any"
        super().__init__(*args, **kwargs)


class ISODateFormField(forms.DateField):
    input_formats = ["%Y-%m-%d"]


class ISODateFilter(django_filters.DateFilter):
    field_class = ISODateFormField


class DateTimeSinceFormField(forms.CharField):
    """An ISO 8601 date or date-time; a date means its midnight UTC."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parsed = None
        try:
            parsed = parse_datetime(value)
            if parsed is None:
                day = dt.date.fromisoformat(value)
                parsed = dt.datetime(day.year, day.month, day.day)
        except ValueError:
            parsed = None
        if parsed is None:
            raise DjangoValidationError(
                f"“{value}” is not an ISO 8601 date or date-time, e.g. 2024-05-01 or 2024-05-01T12:00:00Z."
            )
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise DjangoValidationError(f"“{value}” is out of range.") from None


class UpdatedSinceFilter(django_filters.DateTimeFilter):
    field_class = DateTimeSinceFormField

    def __init__(self, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault(
            "help_text",
            "Only records changed at or after this moment (ISO 8601 date or date-time, UTC when no offset). "
            "Combine with `paginate=cursor` to sync.",
        )
        super().__init__(**kwargs)


class StableOrderingFilter(django_filters.OrderingFilter):
    """`ordering`, always ending with `id` so that pages never overlap."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            return qs.order_by(*qs.query.order_by, "id")
        return qs


class _SharedFieldsForm(forms.Form):
    """A filter form that shares its class's fields instead of deep-copying them for each request: a
    filterset's fields are never changed per request (their choices are callables or fixed)."""

    def __init__(self, *args, **kwargs):
        self.base_fields = {}  # what BaseForm.__init__ deep-copies: nothing
        super().__init__(*args, **kwargs)
        del self.base_fields
        self.fields = dict(type(self).base_fields)


class FilterSet(django_filters.FilterSet):
    """django-filter's FilterSet with a per-request cost of cleaning its parameters, not of building
    them: each request's filters are shallow copies of the class's (bound to this filterset, for their
    `method`), whose form fields and form class are built once per class. django-filter deep-copies every
    filter and builds and deep-copies every form field on each request (~3 ms for the pairing filters)."""

    _form_classes: dict = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, shared in self.base_filters.items():
            filter_ = copy.copy(shared)
            filter_.model = queryset.model
            filter_.parent = self
            if filter_.method is not None:
                filter_.method = filter_.method  # a FilterMethod calling this filterset, not the class's filter's
            self.filters[name] = filter_

    @classmethod
    def _shared_form_class(cls):
        form_class = FilterSet._form_classes.get(cls)
        if form_class is None:
            fields = {}
            for name, shared in cls.base_filters.items():
                shared.model = cls._meta.model  # its label, as django-filter gives it on a bound filter
                fields[name] = shared.field
            base = cls._meta.form if issubclass(cls._meta.form, _SharedFieldsForm) else type(
                "SharedFieldsForm", (_SharedFieldsForm, cls._meta.form), {}
            )
            form_class = FilterSet._form_classes[cls] = type(f"{cls.__name__}Form", (base,), fields)
        return form_class

    def get_form_class(self):
        return self._shared_form_class()


def either_side(prefix_a: str, prefix_b: str, lookup: str, value) -> Q:
    return Q(**{f"{prefix_a}__{lookup}": value}) | Q(**{f"{prefix_b}__{lookup}": value})


# Query parameters that are not filters but are understood by every list.
PAGING_PARAMS = {"page", "page_size", "paginate", "cursor"}
COMMON_PARAMS = {"format"}
DETAIL_PARAMS = {"format"}
# Parameters whose empty value would silently mean "not given" (the whole register, today's status).
NON_EMPTY_PARAMS = {"as_of", "updated_since"}


def _choice_values(filter_field) -> list[str]:
    choices = filter_field.extra.get("choices")
    if callable(choices):
        choices = choices()
    if not choices:
        return []
    return [str(value) for value, _label in choices if value != ""]


class StrictFilterBackend(django_filters.DjangoFilterBackend):
    """django-filter, but an unknown query parameter, a repeated single-valued one or a bad value
    answers 400 naming the parameter and what it accepts. Never silently ignored."""

    def allowed_params(self, request, view) -> set[str]:
        allowed = set(COMMON_PARAMS) | set(getattr(view, "extra_query_params", ()))
        if request.method not in permissions.SAFE_METHODS:
            allowed.add("reason")
        action = getattr(view, "action", None)
        if action in ("list", None) or action in getattr(view, "filtered_actions", ()):
            if action in ("list", None):
                allowed |= PAGING_PARAMS
            filterset_class = getattr(view, "filterset_class", None)
            if filterset_class is not None:
                allowed |= set(filterset_class.base_filters)
        return allowed

    def filter_queryset(self, request, queryset, view):
        allowed = self.allowed_params(request, view)
        errors = {}
        for name in request.query_params:
            if name not in allowed:
                errors[name] = [f"Unknown query parameter “{name}”. Allowed here: {', '.join(sorted(allowed))}."]
        for name in NON_EMPTY_PARAMS & set(request.query_params):
            if not request.query_params.get(name, "").strip():
                errors[name] = [f"“{name}” is empty: give a value, or leave the parameter out."]
        if errors:
            raise ValidationError(errors)
        action = getattr(view, "action", None)
        if action not in ("list", None) and action not in getattr(view, "filtered_actions", ()):
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        for name, filter_field in filterset.filters.items():
            if len(request.query_params.getlist(name)) > 1 and not isinstance(
                filter_field, django_filters.MultipleChoiceFilter
            ):
                errors[name] = [f"“{name}” may be given only once."]
        if errors:
            raise ValidationError(errors)
        if not filterset.is_valid():
            raise ValidationError(explain_filter_errors(filterset))
        return filterset.qs


def explain_filter_errors(filterset) -> dict:
    errors = {}
    for name, messages in filterset.errors.items():
        messages = list(messages)
        filter_field = filterset.filters.get(name)
        if filter_field is not None:
            values = _choice_values(filter_field)
            if values:
                messages.append(f"Allowed values for “{name}”: {', '.join(values)}.")
        errors[name] = messages
    return errors


def resolve_one(model, value: str, *, what: str, param: str, slug_field: str = "slug"):
    """A row by slug or numeric id, for filters like `place=newcastle-upon-tyne` or `place=12`;
    400 naming the parameter when there is none."""
    value = (value or "").strip()
    lookup = Q(**{slug_field: value})
    if is_ascii_digits(value) and len(value) < 19:
        lookup |= Q(pk=int(value))
    row = model.objects.filter(lookup).only("pk").first()
    if row is None:
        raise ValidationError({param: [f"No {what} has the slug or id “{value}”."]})
    return row.pk


