"""A per-client-address rate limit for public forms, counted in the shared cache (Redis in production,
see CACHES) by the address core.clientip trusts: at most `limit` hits per `window` seconds."""

from __future__ import annotations

from django.core.cache import cache

from core.clientip import client_ip


def rate_limited(request, *, scope: str, limit: int, window: int) -> bool:
    """Count this request against `scope` for its client address; True when it is over the limit."""
    key = f"ratelimit:{scope}:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
