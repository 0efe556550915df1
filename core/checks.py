"""The project's own `manage.py check --deploy` checks: what Django's cannot know about Twinwatch."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

LOCAL_CACHES = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")


@register("twinwatch", deploy=True)
def site_url_is_https(app_configs, **kwargs):
    url = urlsplit(getattr(settings, "SITE_URL", ""))
    if url.scheme != "https" or not url.netloc:
        return [
            Warning(
                f"TWINWATCH_SITE_URL is “{settings.SITE_URL}”; feeds, API links and the data package name it.",
                hint="Set TWINWATCH_SITE_URL to the public https:// address, e.g. https://twinwatch.example.",
                id="twinwatch.W001",
            )
        ]
    return []


@register("twinwatch", deploy=True)
def throttle_cache_is_shared(app_configs, **kwargs):
    """Throttle counts (and login lockouts) live in the default cache: with several worker
    processes, a per-process cache multiplies every limit by the number of workers."""
    workers = os.environ.get("WEB_CONCURRENCY", "1")
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in LOCAL_CACHES and (not workers.isascii() or not workers.isdigit() or int(workers) > 1):
        return [
            Warning(
                f"The default cache is per process ({backend.rsplit('.', 1)[-1]}) with WEB_CONCURRENCY={workers} "
                "workers: each counts API throttles and login failures on its own.",
                hint="Set REDIS_URL (e.g. redis://redis:6379/0) so that every worker shares one cache.",
                id="twinwatch.W002",
            )
        ]
    return []


@register("twinwatch", deploy=True)
def number_of_proxies_is_stated(app_configs, **kwargs):
    """Without SECURE_SSL_REDIRECT the app does not terminate TLS itself, so (in production) a proxy
    does: then the number of proxies must be stated, or every client shares the proxy's address."""
    if not settings.DEBUG and not settings.SECURE_SSL_REDIRECT and not settings.NUM_PROXIES:
        return [
            Warning(
                "HTTPS redirection is off (DJANGO_SECURE_SSL_REDIRECT=0), so a reverse proxy terminates TLS, but "
                "TWINWATCH_NUM_PROXIES is 0: every client would share the proxy's address (one throttle, one "
                "login lockout for all) and X-Forwarded-Proto would be ignored.",
                hint="Set TWINWATCH_NUM_PROXIES to the number of reverse proxies in front of the app.",
                id="twinwatch.W003",
            )
        ]
    return []
