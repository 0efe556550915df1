"""Content negotiation: an unknown `?format=` is a bad parameter (400 naming the formats the endpoint
gives), like every other bad parameter, not DRF's 404 (which the schema can't describe: the
resource exists)."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class StrictFormatNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        found = [renderer for renderer in renderers if renderer.format == format]
        if not found:
            formats = ", ".join(sorted({renderer.format for renderer in renderers if renderer.format != "api"}))
            raise ValidationError({self.settings.URL_FORMAT_OVERRIDE: [f"Give one of: {formats}."]})
        return found
