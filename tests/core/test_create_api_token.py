"""`manage.py create_api_token USERNAME [--expiry-days N]` prints a key once; only its hash is kept."""

import io

import pytest
from django.core.management import CommandError, call_command
from knox.crypto import hash_token
from knox.models import AuthToken

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_prints_only_the_key_which_authenticates(api, curator):
    key, note = run("curator", "--expiry-days", "30")
    token = AuthToken.objects.get()
    assert token.user == curator and token.digest == hash_token(key)
    assert (token.expiry - token.created).days in (29, 30)
    assert "\n" not in key and len(key) == 64 and key not in note
    assert "not stored" in note and "curator" in note
    response = api.post("/api/v1/places/", {"name": "Leeds", "country": "gb"}, format="json",
                        HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 201, response.content


def test_each_run_makes_a_new_key(curator):
    assert run("curator")[0] != run("curator")[0]
    assert AuthToken.objects.count() == 2


@pytest.mark.parametrize("args, message", [
    (("nobody",), "No user named 'nobody'"),
    (("curator", "--expiry-days", "0"), "at least one day"),
])
def test_refuses_what_would_not_work(curator, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not AuthToken.objects.exists()


def test_refuses_a_deactivated_user(curator):
    curator.is_active = False
    curator.save()
    with pytest.raises(CommandError, match="deactivated"):
        run("curator")
