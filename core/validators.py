"""Validators shared by forms, serializers and the importer."""

from __future__ import annotations

from django.core.exceptions import ValidationError

URL_FORBIDDEN = "\"'<>\\`{}|^"


def validate_url_characters(value: str) -> None:
    """A stored URL must be a valid RFC 3986 URI (the API promises `format: uri`): characters such
    as " ' < > are not allowed unencoded, and they are how markup breaks out of an attribute."""
    bad = sorted({c for c in value or "" if c in URL_FORBIDDEN or c.isspace() or ord(c) < 32})
    if bad:
        shown = " ".join(repr(c)[1:-1] if c.isspace() or ord(c) < 32 else c for c in bad)
        raise ValidationError(
            f"A web address cannot contain {shown} as they are; percent-encode them (e.g. %22 for \", %3C for <).",
            code="url_characters",
        )
