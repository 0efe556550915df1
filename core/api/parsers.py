"""A JSON parser that refuses NUL characters anywhere in the document (PostgreSQL cannot store them)."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from core.text import has_nul


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return has_nul(value)
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


class StrictJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if _contains_nul(data):
            raise ParseError("The JSON body contains a NUL character (\\u0000), which no field may hold.")
        return data
