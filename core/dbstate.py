"""When the database is down or read-only: recognise it, answer 503 instead of 500, and let login
work on a read-only database (issue 12 item 10)."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.http import HttpResponse, JsonResponse

logger = logging.getLogger("twinwatch.db")

READ_ONLY_SQLSTATE = "25006"  # read_only_sql_transaction
RETRY_AFTER_SECONDS = 5


def is_read_only_error(exc: BaseException) -> bool:
    cause = exc
    while cause is not None:
        if getattr(cause, "sqlstate", None) == READ_ONLY_SQLSTATE:
            return True
        cause = cause.__cause__
    return False


def is_unavailable_error(exc: BaseException) -> bool:
    return isinstance(exc, (OperationalError, InterfaceError)) or (isinstance(exc, DatabaseError) and is_read_only_error(exc))


@contextmanager
def tolerate_read_only(what: str):
    """Run a bookkeeping write (last login, login-attempt counts) in a savepoint; on a read-only
    database skip it with a warning instead of failing the request."""
    try:
        with transaction.atomic():
            yield
    except DatabaseError as exc:
        if not is_read_only_error(exc):
            raise
        logger.warning("Database is read-only: %s not recorded.", what)


def unavailable_response(request, exc: BaseException) -> HttpResponse:
    read_only = is_read_only_error(exc)
    if read_only:
        message = "The register is read-only for maintenance: reading works, changes cannot be saved just now. Please try again later."
    else:
        message = "The register's database is temporarily unavailable. Please try again in a few seconds."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Temporarily unavailable · Twinwatch</title>"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>"
            "<body style=\"font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem\">"
            f"<h1>Temporarily unavailable</h1><p>{message}</p></body></html>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A dropped or refused database connection (OperationalError, InterfaceError) or a write on a
    read-only database becomes a 503 with Retry-After (JSON under /api/), not a 500. Django drops the
    broken connection at the end of the request; CONN_HEALTH_CHECKS reconnects on the next one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_unavailable_error(exception):
            return None
        logger.warning("Database unavailable (%s: %s): 503 for %s %s", type(exception).__name__,
                       str(exception).strip().splitlines()[0] if str(exception).strip() else "", request.method, request.path)
        return unavailable_response(request, exception)
