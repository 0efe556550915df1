"""Building blocks of serializers that build their rows directly (`to_representation` without DRF's
per-field calls, which cost more than a page's queries): the same text as DRF's fields give, which each
serializer's tests hold equal to its declared fields."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import get_language


def datetime_text(value, tz=None):
    """DRF's DateTimeField output (in the current time zone, or `tz` when the caller has read it
    already; UTC written `Z`) without its per-call field machinery."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(tz or timezone.get_current_timezone())
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_LABELS: dict[tuple, dict] = {}


def choice_label(model, field_name: str, value, language: str | None = None):
    """`get_<field>_display()` without its cost (it hashes every lazily translated choice per call):
    the labels are read once per field and language (`language`: the active one, when the caller
    has already read it)."""
    key = (model, field_name, language or get_language())
    labels = _LABELS.get(key)
    if labels is None:
        labels = _LABELS[key] = {v: str(label) for v, label in model._meta.get_field(field_name).flatchoices}
    return labels.get(value, value)


def partial_date(value, language: str | None = None):
    """PartialDateAPIField's output."""
    return value.as_dict(language) if value is not None else None
