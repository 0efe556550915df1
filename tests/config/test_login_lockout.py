"""Admin login is rate limited per username and client address (django-axes, issue 12 item 5)."""

import pytest
from django.conf import settings

from tests.core.factories import UserFactory

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def staff(db):
    user = UserFactory(username="alice", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    other = UserFactory(username="bob", is_staff=True)
    other.set_password(PASSWORD)
    other.save()
    return user, other


def login(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra)


def logged_in(response) -> bool:
    return response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_the_limit_defaults_to_ten():
    assert settings.AXES_FAILURE_LIMIT == 10


def test_ten_wrong_passwords_then_the_right_one_does_not_log_in(client, staff):
    for _ in range(9):
        assert login(client, "alice", "wrong").status_code == 200
    assert login(client, "alice", "wrong").status_code == 429  # the tenth failure locks
    response = login(client, "alice", PASSWORD)
    assert not logged_in(response)
    assert response.status_code == 429
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_nine_wrong_passwords_then_the_right_one_logs_in(client, staff):
    for _ in range(9):
        login(client, "alice", "wrong")
    assert logged_in(login(client, "alice", PASSWORD))


def test_another_user_from_the_same_address_still_logs_in(client, staff):
    for _ in range(10):
        login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 429
    assert logged_in(login(client, "bob", PASSWORD))


def test_the_same_user_from_another_address_still_logs_in(client, staff):
    for _ in range(10):
        login(client, "alice", "wrong", REMOTE_ADDR="203.0.113.1")
    assert login(client, "alice", PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 429
    assert logged_in(login(client, "alice", PASSWORD, REMOTE_ADDR="203.0.113.2"))


def test_a_forged_forwarded_for_does_not_escape_the_lockout_without_proxies(client, staff, settings):
    settings.NUM_PROXIES = 0
    for n in range(10):
        login(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_behind_one_proxy_clients_are_told_apart_by_forwarded_for(client, staff, settings):
    settings.NUM_PROXIES = 1
    for _ in range(10):
        login(client, "alice", "wrong", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    # a client prepending its own address cannot pose as another: the proxy's entry is the last one
    assert login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.7").status_code == 429
    assert logged_in(login(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8"))
