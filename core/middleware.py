"""Request-level guards that every page, the admin and the API share."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse

from core.text import has_nul

NUL_MESSAGE = "contains a NUL character (%00), which no address, parameter or form field may hold."


def _nul_names(querydict) -> list[str]:
    return [
        key.replace("\x00", "%00")
        for key, values in querydict.lists()
        if has_nul(key) or any(has_nul(v) for v in values)
    ]


class RejectNulMiddleware:
    """400 for a NUL character in the path, the query string or form data, before any view (or
    PostgreSQL, which cannot store it) sees it, naming where it was. JSON bodies are checked by the
    API's parser (core.api.parsers)."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = ["path"] if has_nul(request.path) else _nul_names(request.GET)
        if not where and request.method == "POST" and request.content_type.startswith(self.FORM_TYPES):
            where = _nul_names(request.POST)
        if not where:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({name: [f"The {name} {NUL_MESSAGE}" if name == "path" else f"“{name}” {NUL_MESSAGE}"] for name in where}, status=400)
        return HttpResponseBadRequest(
            f"Bad request: “{where[0]}” {NUL_MESSAGE}", content_type="text/plain; charset=utf-8"
        )


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY (feature -> allow-list) as the Permissions-Policy header:
    the site uses no camera, microphone, location and so on, so nothing it embeds may either."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        self.header = ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
