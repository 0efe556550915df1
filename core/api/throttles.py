"""Throttles for the API (own module: DRF imports it while loading its views, so it must not import them).

Rates come from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] at request time, so they follow settings
(TWINWATCH_THROTTLE_ANON / TWINWATCH_THROTTLE_USER) and can be changed in tests. Over the rate: 429
with Retry-After."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _ConfigurableRate:
    def get_rate(self):
        # Read at request time, so the rates can be changed in settings (and in tests).
        return api_settings.user_settings.get("DEFAULT_THROTTLE_RATES", {}).get(self.scope) or super().get_rate()

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class AnonThrottle(_ConfigurableRate, throttling.AnonRateThrottle):
    pass


class UserThrottle(_ConfigurableRate, throttling.UserRateThrottle):
    """Signed-in clients only: DRF's UserRateThrottle also counts anonymous clients by address, which
    capped them at the user rate whatever their own (found by wrk: 600 a minute per worker)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
