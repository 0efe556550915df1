"""Issue 12 item 4: a different X-Forwarded-For per request does not escape the throttle; behind a
configured number of proxies the client's own address is counted."""

import pytest
from django.conf import settings as django_settings


@pytest.fixture
def three_per_minute(settings):
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "5/minute"},
    }


def _get(api, xff=None, remote="10.0.0.9"):
    extra = {"REMOTE_ADDR": remote}
    if xff:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return api.get("/api/v1/places/", **extra).status_code


@pytest.mark.django_db
def test_forged_forwarded_for_is_ignored_by_default(api, three_per_minute):
    assert django_settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    codes = [_get(api, xff=f"203.0.113.{i}") for i in range(6)]
    assert codes == [200, 200, 200, 429, 429, 429]


@pytest.mark.django_db
def test_behind_one_proxy_the_client_address_is_counted(api, three_per_minute, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # a client prepending a forged address still ends up counted by the address the proxy saw
    codes = [_get(api, xff=f"198.51.100.{i}, 203.0.113.7", remote="10.0.0.1") for i in range(4)]
    assert codes == [200, 200, 200, 429]
    # another real client (another address appended by the proxy) has its own allowance
    assert _get(api, xff="203.0.113.8", remote="10.0.0.1") == 200
