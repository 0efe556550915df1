"""Strict checks on untrusted text, shared by URLs, query parameters, forms and the importer."""

from __future__ import annotations

NUL = "\x00"


def is_ascii_digits(value: str) -> bool:
    """True for "0"–"9" only. `str.isdigit()` also accepts "²" (which `int()` then refuses) and
    `str.isdecimal()` accepts Arabic-Indic or full-width digits (which `int()` silently converts)."""
    return bool(value) and value.isascii() and value.isdigit()


def has_nul(value: str) -> bool:
    """PostgreSQL text cannot hold a NUL character; it must be refused before it reaches the database."""
    return NUL in value
