"""Each throttle counts its own clients: anonymous ones by address at the anonymous rate, signed-in ones
by account at the user rate."""

from django.test import override_settings

from tests.core.factories import api_token_key

RATES = {"anon": "5/minute", "user": "2/minute"}


@override_settings(REST_FRAMEWORK={**__import__("django.conf").conf.settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES})
def test_anonymous_clients_get_the_anonymous_rate_even_when_it_is_the_larger(api, db, curator):
    assert [api.get("/api/v1/places/").status_code for _ in range(6)] == [200] * 5 + [429]
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(curator)}")
    assert [api.get("/api/v1/places/").status_code for _ in range(3)] == [200, 200, 429]
