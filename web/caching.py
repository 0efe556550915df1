"""HTTP caching of public pages for anonymous readers, keyed by the register's version.

An anonymous GET of a public page gets an ETag made of the register's version (core.register_version),
the release, the language, the address and the day, and `Cache-Control: public, max-age=60,
stale-while-revalidate=300`: a browser or proxy re-asking with If-None-Match gets a 304 for one query,
and the rendered page is kept in the cache under the same key, so any anonymous reader of an unchanged
page costs one query and a cache read. A write moves the version, so every key and ETag changes at once.

Never for a logged-in reader (the page may show them more), nor for a response that set a cookie or
used a CSRF token (a form's token is the reader's own), nor for anything but a 200.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from core.register_version import register_version, release

MAX_AGE = 60
STALE_WHILE_REVALIDATE = 300
PAGE_CACHE_SECONDS = 3600
VARY = ("Cookie", "Accept-Language")


def _cacheable(request, response) -> bool:
    return (
        response.status_code == 200
        and not getattr(response, "streaming", False)
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
    )


def _mark(response, etag: str) -> None:
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=MAX_AGE, stale_while_revalidate=STALE_WHILE_REVALIDATE)
    patch_vary_headers(response, VARY)


def public_page(view):
    """Decorate a read-only public page view (no form posting back, nothing per reader)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = hashlib.sha256(
            f"{register_version()}|{release()}|{get_language()}|{request.get_host()}|{request.get_full_path()}|"
            f"{dt.date.today()}".encode()
        ).hexdigest()[:32]
        etag = f'"{key}"'
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            _mark(not_modified, etag)
            return not_modified
        stored = cache.get("public-page:" + key)
        if stored is not None:
            headers, body = stored
            response = HttpResponse(body)
            for name, value in headers:
                response[name] = value
        else:
            response = view(request, *args, **kwargs)
            if not _cacheable(request, response):
                return response
            if hasattr(response, "render") and callable(response.render):
                response.render()
            cache.set("public-page:" + key, (list(response.items()), response.content), PAGE_CACHE_SECONDS)
        _mark(response, etag)
        return response

    return wrapper
