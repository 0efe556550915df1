"""Issue 12 item 8: DEBUG fails closed, production refuses to start half-configured, and the
project's own deploy checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from core import checks

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "x.example",
    "TWINWATCH_SITE_URL": "https://x.example",
}


def run(code: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TWINWATCH_SITE", "TWINWATCH_NUM"))}
    base["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


SETUP = "import django; django.setup(); from django.conf import settings; "


def test_debug_is_off_when_unset_and_production_needs_a_secret_key():
    result = run(SETUP + "print(settings.DEBUG)")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_production_needs_the_site_url():
    env = {**PRODUCTION}
    del env["TWINWATCH_SITE_URL"]
    result = run(SETUP + "print(settings.DEBUG)", **env)
    assert result.returncode != 0 and "TWINWATCH_SITE_URL" in result.stderr


def test_a_wrong_host_gets_a_bare_400_without_settings_when_debug_is_unset():
    code = SETUP + (
        "from django.test import Client; r = Client(HTTP_HOST='evil.example').get('/'); "
        "print(settings.DEBUG, r.status_code); print(r.content.decode())"
    )
    result = run(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    first, body = result.stdout.split("\n", 1)
    assert first == "False 400"
    for leak in ("DATABASE", "SECRET", "Traceback", "postgres://", "settings"):
        assert leak not in body


def test_development_key_is_per_checkout_and_not_in_the_repository():
    one = run(SETUP + "print(settings.SECRET_KEY)", DJANGO_DEBUG="1")
    two = run(SETUP + "print(settings.SECRET_KEY)", DJANGO_DEBUG="1")
    assert one.returncode == 0, one.stderr
    key = one.stdout.strip()
    assert len(key) >= 50 and key == two.stdout.strip()
    assert (ROOT / ".data" / "secret_key").read_text().strip() == key
    tracked = subprocess.run(["git", "ls-files", ".data"], cwd=ROOT, capture_output=True, text=True).stdout
    assert tracked == ""
    assert key not in (ROOT / "config" / "settings.py").read_text()


def test_production_settings_pass_check_deploy():
    result = run(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_site_url_must_be_https(settings):
    settings.SITE_URL = "http://x.example"
    assert [w.id for w in checks.site_url_is_https(None)] == ["twinwatch.W001"]
    settings.SITE_URL = "https://x.example"
    assert checks.site_url_is_https(None) == []


def test_deploy_check_throttle_cache_shared_with_several_workers(settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert [w.id for w in checks.throttle_cache_is_shared(None)] == ["twinwatch.W002"]
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert checks.throttle_cache_is_shared(None) == []
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://r"}}
    assert checks.throttle_cache_is_shared(None) == []


@pytest.mark.parametrize("ssl_redirect, proxies, expected", [(False, 0, ["twinwatch.W003"]), (False, 1, []), (True, 0, [])])
def test_deploy_check_number_of_proxies_stated_behind_a_proxy(settings, ssl_redirect, proxies, expected):
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = ssl_redirect
    settings.NUM_PROXIES = proxies
    assert [w.id for w in checks.number_of_proxies_is_stated(None)] == expected


def test_hsts_preload_is_opt_in():
    code = SETUP + "print(settings.SECURE_HSTS_SECONDS > 0, settings.SECURE_HSTS_PRELOAD)"
    assert run(code, **PRODUCTION).stdout.strip() == "True False"
    assert run(code, **PRODUCTION, DJANGO_SECURE_HSTS_PRELOAD="1").stdout.strip() == "True True"


SENTRY_STATE = SETUP + (
    "import sentry_sdk; client = sentry_sdk.get_client(); "
    "print(client.is_active(), client.options.get('send_default_pii'), "
    "sorted(client.integrations).count('django'))"
)


def test_settings_load_without_sentry_and_it_stays_off():
    result = run(SENTRY_STATE, DJANGO_DEBUG="1", SENTRY_DSN="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_with_a_sentry_dsn_sentry_starts_with_django_and_no_personal_data():
    # a well-formed DSN for a host that doesn't exist: nothing is sent while the settings load
    result = run(SENTRY_STATE, **PRODUCTION, SENTRY_DSN="https://public@sentry.invalid/1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "1"]


def test_connections_run_without_postgres_jit(db):
    """JIT compilation cost seconds per list at 300,000 pairings for queries that take milliseconds."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.django_db
def test_a_runaway_query_in_a_test_is_cancelled():
    """The suite's connections cancel a statement after two minutes: a plan gone wrong fails its test
    with the SQL in its error, instead of holding CI until its time limit (a world import did, at 696855c)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "2min"


def test_connections_plan_serially_and_the_long_scans_opt_in(db):
    """Parallel workers cost more to start than a page's query takes: every connection plans serially;
    a whole-table scan turns them on for the rest of its transaction."""
    from django.db import connection, transaction

    from core.parallel import WORKERS, with_parallel_workers

    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
        with transaction.atomic():
            cursor.execute(with_parallel_workers("SELECT 41 + 1"))
            cursor.nextset()
            assert cursor.fetchone() == (42,)
            cursor.execute("SHOW max_parallel_workers_per_gather")
            assert cursor.fetchone()[0] == str(WORKERS) != "0"


@pytest.mark.django_db(transaction=True)
def test_parallel_workers_last_as_long_as_their_transaction():
    """`core.parallel.parallel_workers`: the ORM aggregates inside it may plan with parallel workers; the
    queries after it plan serially again (autocommit: the setting ended with its transaction)."""
    from django.db import connection

    from core.parallel import WORKERS, parallel_workers

    def workers():
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    with parallel_workers():
        assert workers() == str(WORKERS)
    assert workers() == "0"
