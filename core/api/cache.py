"""Anonymous API reads answered from the cache, keyed by the register's version.

Researchers re-ask the same lists and records; between two writes the answer cannot change. An
anonymous GET of a list or a record is rendered once and kept in the cache (Redis when configured)
under a key made of the register's version (core.register_version: it moves on every write, bulk and
COPY included, so nothing stale is ever served), the release, the address with its query, the host
and scheme (the `next` links are absolute), the negotiated format, the language and the day. A repeat
costs one query on a sequence and a cache read. Answers over RESPONSE_CACHE_MAX_BYTES are not kept.
Throttles, authentication and content negotiation
run first, as for any request; signed-in readers, errors and streamed exports are never cached.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

from core.register_version import register_version, release

RESPONSE_CACHE_SECONDS = 3600
# What a browser or CDN may do with an anonymous answer (the public pages' policy, web.caching).
MAX_AGE = 60
STALE_WHILE_REVALIDATE = 300
# Larger answers (500-row pages, crawl pages of 1,000 rows: megabytes each, rarely asked twice) are not
# kept: a local-memory cache would otherwise hold hundreds of megabytes per process.
RESPONSE_CACHE_MAX_BYTES = 512 * 1024
# Headers the view sets that belong to the representation (the rest are added again on the way out).
KEPT_HEADERS = ("Content-Type", "Link", "Content-Disposition", "Content-Language")


class CachedResponse(HttpResponse):
    """A stored rendering, served as it was (already rendered: `render` has nothing to do)."""

    def render(self):
        return self


class AnonymousResponseCacheMixin:
    """For viewsets: `list` and `retrieve` of anonymous GET/HEAD requests, from the cache (the
    action's handler is wrapped once authentication, throttles and negotiation have run)."""

    cache_anonymous_reads = True

    def _response_cache_key_applies(self, request) -> bool:
        return (
            self.cache_anonymous_reads
            and request.method in ("GET", "HEAD")
            and not request.user.is_authenticated
            and request.auth is None
        )

    def _response_cache_key(self, request) -> str | None:
        if not self._response_cache_key_applies(request):
            return None
        parts = [
            register_version(),
            release(),
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            getattr(request, "accepted_media_type", ""),
            get_language(),
            settings.SITE_URL,
            dt.date.today().isoformat(),
        ]
        return "api-response:" + hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, throttles, negotiation first
        self._response_key = None
        if getattr(self, "action", None) in ("list", "retrieve"):
            self._response_key = self._response_cache_key(request)
            if self._response_key is not None:
                method = request.method.lower()
                setattr(self, method, functools.partial(self._from_cache, getattr(self, method)))

    def _from_cache(self, handler, request, *args, **kwargs):
        stored = cache.get(self._response_key)
        if stored is None:
            return handler(request, *args, **kwargs)
        content, headers = stored
        response = CachedResponse(content)
        for name, value in headers:
            response[name] = value
        self._response_key = None  # nothing to store again
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and getattr(self, "action", None) in ("list", "retrieve") and (
            response.status_code in (200, 304)
        ):
            # A CDN or browser may keep an anonymous answer briefly (the ETag revalidates it); an
            # answer to a signed-in reader stays private.
            if self._response_cache_key_applies(request):
                patch_cache_control(response, public=True, max_age=MAX_AGE, stale_while_revalidate=STALE_WHILE_REVALIDATE)
            else:
                patch_cache_control(response, private=True)
            patch_vary_headers(response, ("Authorization", "Cookie"))
        key = getattr(self, "_response_key", None)
        if (
            key is not None
            and response.status_code == 200
            and not getattr(response, "streaming", False)
            and not response.cookies
            and hasattr(response, "content")
        ):
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            if len(response.content) <= RESPONSE_CACHE_MAX_BYTES:
                headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
                cache.set(key, (response.content, headers), RESPONSE_CACHE_SECONDS)
        return response
