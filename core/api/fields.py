"""Serializer fields and CSV column helpers for partial dates, and the write-serializer base."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from core.partialdates import PartialDate, Precision

# --- Partial dates --------------------------------------------------------------------------------


class PartialDateSerializer(serializers.Serializer):
    """A date known to a year, a month or a day, possibly approximate ("circa")."""

    date = serializers.DateField(
        help_text="The first day of the period the date names: 2023-03-01 for March 2023, 2005-01-01 for 2005."
    )
    precision = serializers.ChoiceField(
        choices=Precision.choices, help_text="How much of `date` is known: year, month or day."
    )
    circa = serializers.BooleanField(help_text="True when the sources give the date as approximate.")
    display = serializers.CharField(help_text="The date as a person would write it, at its precision: “March 2023”.")


@extend_schema_field(PartialDateSerializer(allow_null=True))
class PartialDateAPIField(serializers.Field):
    """Read-only: a PartialDate (from a model property) as {"date", "precision", "circa", "display"}."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value.as_dict() if value is not None else None


PARTIAL_DATE_PATTERN = r"^(c\. ?)?\d{4}(-\d{2}(-\d{2})?)?$"


@extend_schema_field(
    {
        "type": "string",
        "pattern": PARTIAL_DATE_PATTERN,
        "description": "A partial date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, optionally prefixed `c. ` for circa.",
        "example": "2022-11",
    }
)
class PartialDateInputField(serializers.CharField):
    """Write side of a partial date: "2005", "2023-03", "2022-11-02" or "c. 2005"."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            return PartialDate.parse(text)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def to_representation(self, value):
        return value.iso() if isinstance(value, PartialDate) else value


def partial_date_columns(prefix: str, get: Callable | None = None) -> dict[str, Callable]:
    """CSV columns for a serialized partial date: its display text, ISO date, precision, circa flag."""
    get = get or (lambda record: record.get(prefix))

    def part(key):
        return lambda record: (get(record) or {}).get(key, "")

    return {
        prefix: part("display"),
        f"{prefix}_date": part("date"),
        f"{prefix}_precision": part("precision"),
        f"{prefix}_circa": part("circa"),
    }


def plain_columns(*names: str) -> dict[str, Callable]:
    """CSV columns copied as they are from the serialized record."""
    return {name: (lambda record, name=name: record.get(name)) for name in names}


class WriteSerializerMixin(serializers.Serializer):
    """Rejects body fields the serializer does not know (e.g. `status`, which is derived), and
    carries the `reason` recorded in the history."""

    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=100, write_only=True,
        help_text="Why this change is made; stored in the record's history with your user name.",
    )

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                writable = sorted(name for name, f in self.fields.items() if not f.read_only)
                raise ValidationError(
                    {name: [f"Unknown or read-only field. Writable fields: {', '.join(writable)}."] for name in unknown}
                )
        return attrs


