"""Database outages (issue 12 item 10): a refused connection is a 503 with Retry-After (HTML, or
JSON under /api/), never a 500; a read-only database keeps public pages and admin login working."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction

from tests.core.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, django
django.setup()
from django.test import Client
out = {}
for path in ("/", "/pairings/", "/api/v1/places/"):
    r = Client(raise_request_exception=False).get(path)
    out[path] = [r.status_code, r.get("Retry-After"), r["Content-Type"], r.content.decode()[:2000]]
print(json.dumps(out))
"""


def test_connection_health_checks_are_on():
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_database_that_refuses_connections_is_a_503_with_retry_after(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://twinwatch@/twinwatch?host={tmp_path}/no-such-socket-dir",
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DJANGO_DEBUG": "1",
    }
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    for path in ("/", "/pairings/"):
        code, retry_after, content_type, body = answers[path]
        assert (code, retry_after) == (503, "5"), (path, answers[path])
        assert content_type.startswith("text/html") and "temporarily unavailable" in body
    code, retry_after, content_type, body = answers["/api/v1/places/"]
    assert (code, retry_after, content_type) == (503, "5", "application/json")
    assert "temporarily unavailable" in json.loads(body)["detail"]


@pytest.fixture
def read_only_db(db, world):
    """The rest of the test runs in a read-only transaction, as on a read-only replica or with
    default_transaction_read_only=on."""
    user = UserFactory(username="reader", is_staff=True, is_superuser=True)
    user.set_password("a long enough password")
    user.save()
    savepoint = transaction.savepoint()
    with connection.cursor() as cursor:
        cursor.execute("SET transaction_read_only = on")
        cursor.execute("SHOW transaction_read_only")
        assert cursor.fetchone()[0] == "on"
    yield user
    transaction.savepoint_rollback(savepoint)  # writable again, for the test's own clean-up


def test_public_pages_work_on_a_read_only_database(client, read_only_db, world):
    for path in ("/", "/pairings/", f"/pairings/{world.newcastle_taiyuan.slug}/", "/api/v1/pairings/"):
        assert client.get(path).status_code == 200, path


def test_admin_login_works_on_a_read_only_database(client, read_only_db):
    response = client.post("/admin/login/?next=/admin/", {"username": "reader", "password": "a long enough password", "next": "/admin/"})
    assert (response.status_code, response.headers.get("Location")) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_a_write_on_a_read_only_database_is_a_clear_503(api, read_only_db):
    api.force_authenticate(read_only_db)
    response = api.post("/api/v1/places/", {"name": "Leeds", "country": "GB"}, format="json")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "read-only" in response.json()["detail"]
