"""Request-level guards that every page, the admin and the API share."""

from __future__ import annotations

import codecs
import logging

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve

from core.errors import is_api
from core.text import has_nul

logger = logging.getLogger(__name__)

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
        if is_api(request):
            return JsonResponse({name: [f"The {name} {NUL_MESSAGE}" if name == "path" else f"“{name}” {NUL_MESSAGE}"] for name in where}, status=400)
        return HttpResponseBadRequest(
            f"Bad request: “{where[0]}” {NUL_MESSAGE}", content_type="text/plain; charset=utf-8"
        )


class RejectMalformedBodyMiddleware:
    """400 naming the problem for a body that cannot be read as its Content-Type says: a charset
    Python does not know, or a multipart form without a (valid) boundary. These are the client's
    mistakes, so one warning line without a traceback (Django logs the parser's exception with one).
    Invalid JSON is the API parser's 400 (core.api.parsers); an unreadable Content-Length counts as
    no body (Django and DRF both)."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        charset = request.content_params.get("charset") if request.content_type else None
        if charset and request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                codecs.lookup(charset)
            except LookupError:
                return self.refuse(request, f"the charset “{charset}” in its Content-Type is not one known (use utf-8)")
        if request.method == "POST" and request.content_type.startswith(self.FORM_TYPES):
            try:
                request.POST  # parsed once here, kept for the view
            except MultiPartParserError as exc:
                return self.refuse(request, f"it could not be read as {request.content_type} ({exc})")
        return self.get_response(request)

    @staticmethod
    def refuse(request, why: str):
        message = f"The request body was refused: {why}."
        logger.warning("Malformed request body on %s %s: %s", request.method, request.path, why)
        if is_api(request):
            return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
        return HttpResponseBadRequest(f"Bad request. {message}", content_type="text/plain; charset=utf-8")


def allowed_methods(view) -> list[str] | None:
    """The HTTP methods a class-based view answers (as in its Allow header), or None when that
    cannot be known from the view function (a plain function view)."""
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    if cls is None:
        return None
    actions = getattr(view, "actions", None)  # a DRF viewset route: only the methods it maps
    methods = set(actions) if actions is not None else {m for m in cls.http_method_names if hasattr(cls, m)}
    if "get" in methods:
        methods.add("head")  # both Django and DRF answer HEAD with the GET handler
    if hasattr(cls, "options"):
        methods.add("options")
    return [m.upper() for m in cls.http_method_names if m in methods]


class MethodNotAllowedFirstMiddleware:
    """405 with an Allow header (JSON) for a method an API route does not have, before anything
    else can answer: body parsing (400), authentication (401), permissions (403), the object lookup
    (404) or throttling (429). Every class-based view under /api/ is covered, a new route included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api(request):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            allowed = allowed_methods(match.func) if match is not None else None
            if allowed is not None and request.method not in allowed:
                response = JsonResponse({"detail": f"Method “{request.method}” not allowed. Allowed: {', '.join(allowed)}."}, status=405, json_dumps_params={"ensure_ascii": False})
                response["Allow"] = ", ".join(allowed)
                return response
        return self.get_response(request)


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
