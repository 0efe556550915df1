"""Error responses and logging: JSON for API clients on every status, HTML pages for people, and
request context (method, path, user, status) on every logged server error."""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False})


def bad_request(request, exception):
    if is_api(request):
        return _json(400, "Bad request.")
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        return _json(403, "You do not have permission to perform this action.")
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return _json(404, f"Not found: no API resource at {request.path}. The API's index is /api/v1/.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        return _json(500, "Server error. It has been logged; please try again later.")
    return defaults.server_error(request)


class RequestContextFilter(logging.Filter):
    """Adds `method`, `path`, `user_id` and `status` to every record (from the request Django's
    request logger attaches, "-" when there is none), for the format in LOGGING."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.method = getattr(request, "method", None) or "-"
        record.path = getattr(request, "path", None) or "-"
        user = getattr(request, "user", None) if request is not None else None
        record.user_id = getattr(user, "pk", None) or "-"
        record.status = getattr(record, "status_code", None) or "-"
        return True
