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
    pass
