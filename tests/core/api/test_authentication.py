"""API tokens are stored hashed, expire, and every failure is a 401 in JSON (never a server error)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from tests.core.factories import api_token_key

pytestmark = pytest.mark.django_db

WRITE = "/api/v1/places/"
BODY = {"name": "Leeds", "country": "gb", "region": "England"}


def test_a_hashed_token_authenticates_and_its_key_is_stored_nowhere(api, curator):
    key = api_token_key(curator)
    token = AuthToken.objects.get()
    assert key not in token.digest and len(token.digest) == 128  # a SHA-512 hex digest
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        assert all(key not in value for row in cursor.fetchall() for value in row)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.post(WRITE, BODY, format="json")
    assert response.status_code == 201, response.content


def test_tokens_expire_after_the_configured_days(curator):
    api_token_key(curator)
    token = AuthToken.objects.get()
    assert (token.expiry - token.created).days in (89, 90)  # TWINWATCH_API_TOKEN_DAYS, 90 by default


def test_an_expired_token_answers_401_in_json_and_is_deleted(api, curator):
    key = api_token_key(curator, expiry_days=1)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        response = api.post(WRITE, BODY, format="json")
        also_a_read = api.get(WRITE)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Invalid token."}
    assert response["WWW-Authenticate"] == "Token"
    assert also_a_read.status_code == 401  # a bad token is never silently anonymous
    assert not AuthToken.objects.exists()


@pytest.mark.parametrize("header", [
    "Token not-a-key-that-exists",
    "Token",  # no key
    "Token a b",  # spaces
    b"Token \xff\xfe\xc3(".decode("latin-1"),  # not ASCII: an invalid token, not a server error
])
def test_bad_token_headers_answer_401_in_json(api, curator, header):
    api_token_key(curator)
    response = api.get(WRITE, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401, response.content
    assert "detail" in response.json()


def test_a_deactivated_users_token_stops_working(api, curator):
    key = api_token_key(curator)
    curator.is_active = False
    curator.save()
    response = api.get(WRITE, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401 and "inactive" in response.json()["detail"]
