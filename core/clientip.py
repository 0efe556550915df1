"""The client's address, as the API throttle sees it: REMOTE_ADDR, or with TWINWATCH_NUM_PROXIES
proxies in front, the address the outermost trusted proxy put in X-Forwarded-For (as DRF does)."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "NUM_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not proxies or not forwarded:
        return remote
    addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
    if not addresses:
        return remote
    return addresses[-min(proxies, len(addresses))]
