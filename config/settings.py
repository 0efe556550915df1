"""Twinwatch settings. Everything comes from the environment.

DEBUG is off unless DJANGO_DEBUG=1: an unset variable means production, which refuses to start
without DJANGO_SECRET_KEY and TWINWATCH_SITE_URL (and needs DJANGO_ALLOWED_HOSTS, DATABASE_URL);
`manage.py check --deploy` then passes. Development (DJANGO_DEBUG=1) generates its own secret key
once per checkout in .data/secret_key (ignored by git).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


def development_secret_key(path: Path) -> str:
    """This checkout's own development key, created on first use (never in the repository)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="ascii").strip()


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = development_secret_key(BASE_DIR / ".data" / "secret_key")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set in production (DJANGO_DEBUG is unset or 0). "
        "For development, set DJANGO_DEBUG=1."
    )
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "knox",  # API tokens, stored hashed with an expiry (config/settings_api.py)
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_tasks_db",  # the database-backed queue of django.tasks (manage.py db_worker runs it)
    "core",
    "sources",
    "twinning",
    "campaigns",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.MethodNotAllowedFirstMiddleware",
    "core.middleware.RejectMalformedBodyMiddleware",
    "core.middleware.RejectNulMiddleware",
    "core.dbstate.DatabaseUnavailableMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "web.context_processors.site_context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://twinwatch@localhost:5432/twinwatch"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}

# A connection dropped while idle (a database restart) is noticed before use and reopened, instead
# of failing the request; while the database is down, core.dbstate answers 503 with Retry-After.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# PostgreSQL's JIT compiler suits long analytical queries, not a web register: at 300,000 pairings
# it spent 4-6 s compiling the plans of a list or an export whose work takes milliseconds. Off for
# every connection (a DBA can still turn it on per session).
DATABASES["default"].setdefault("OPTIONS", {})
# Parallel query likewise: starting its workers cost ~10 ms on the 2-core bench machine, more than a
# page's whole query, and under load they take the cores the web workers need. Serial for every
# connection; the few long scans opt in for their own transaction (the streamed export, the statistics:
# core.parallel.PARALLEL_SQL).
DATABASES["default"]["OPTIONS"]["options"] = " ".join(
    part
    for part in (DATABASES["default"]["OPTIONS"].get("options", ""), "-c jit=off -c max_parallel_workers_per_gather=0")
    if part
)

# The few large queries of fixed shape (the pairing list's JSON rows) are prepared once per connection
# (core.prepared). Turn off behind a pooler that shares server connections between clients
# (PgBouncer in transaction mode).
PREPARED_STATEMENTS = env_bool("TWINWATCH_PREPARED_STATEMENTS", True)

# Sessions live in signed cookies (signed with SECRET_KEY, readable by their holder: they hold only
# the user id and a password hash digest), so logging in needs no database write and works on a
# read-only database. A session cannot be ended server-side except by changing the user's password
# (which invalidates it) or the secret key; hence a shorter life than Django's two weeks.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
SESSION_COOKIE_AGE = int(os.environ.get("TWINWATCH_SESSION_HOURS") or 12) * 3600
SESSION_COOKIE_HTTPONLY = True

# Parallel test runs (several developers on one machine) can each name their own test database.
if os.environ.get("TWINWATCH_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TWINWATCH_TEST_DB"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (django.tasks): large spreadsheet imports confirmed in the admin are queued in the
# database and run by `manage.py db_worker` (started by ./run and docker-compose's `worker`), so no
# web request has to last as long as the import. TWINWATCH_TASKS_BACKEND may name another backend
# (the test settings use django.tasks' ImmediateBackend, which runs a task at once, in the caller).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TWINWATCH_TASKS_BACKEND") or "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# The cache holds API throttle counts and login failures, so every worker must share it: Redis when
# REDIS_URL is set (production with several workers; a deploy check says so), else per process.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Login rate limit (django-axes): after TWINWATCH_LOGIN_FAILURE_LIMIT wrong passwords for one username
# from one client address, that pair is locked out for TWINWATCH_LOGIN_LOCKOUT_MINUTES (other users
# and other addresses are not). The address is the one TWINWATCH_NUM_PROXIES trusts (core.clientip).
# Failures are counted in the shared cache when REDIS_URL is set, else in the database (one count
# for every worker either way); successful logins are not logged, so login writes no axes rows.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("TWINWATCH_LOGIN_FAILURE_LIMIT") or 10)
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("TWINWATCH_LOGIN_LOCKOUT_MINUTES") or 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_DISABLE_ACCESS_LOG = True
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler" if os.environ.get("REDIS_URL") else "core.auth.ReadOnlyTolerantAxesHandler"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hant", _("Traditional Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

# Where `export_dataset` writes and the public /data/ page reads bulk downloads.
EXPORT_DIR = Path(os.environ.get("TWINWATCH_EXPORT_DIR", BASE_DIR / "export"))

# Licence stated in bulk exports (datapackage.json)
TWINWATCH_DATA_LICENCE = {
    "name": os.environ.get("TWINWATCH_DATA_LICENCE_NAME", "CC-BY-4.0"),
    "path": os.environ.get("TWINWATCH_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"),
    "title": os.environ.get("TWINWATCH_DATA_LICENCE_TITLE", "Creative Commons Attribution 4.0"),
}

# Logging: everything to stderr (gunicorn and containers collect it); server errors carry the
# request's method, path, user id and status. TWINWATCH_LOG_LEVEL raises or lowers the app's level.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "core.errors.RequestContextFilter"}},
    "formatters": {
        "context": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(method)s %(path)s user=%(user_id)s status=%(status)s] %(message)s",
        },
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request_context"],
            "formatter": "context",
        },
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("TWINWATCH_LOG_LEVEL", "INFO")},
    "loggers": {
        # 5xx at ERROR with the traceback; 4xx at WARNING
        "django.request": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures and lockouts, not every start-up and clean-up
    },
}

# Optional error reporting: when SENTRY_DSN is set, sentry-sdk sends server errors (with the Django
# integration) and no personal data (no user ids, addresses, cookies or bodies). SENTRY_ENVIRONMENT
# names the deployment; SENTRY_TRACES_SAMPLE_RATE (0 by default) turns on performance tracing.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        environment=os.environ.get("SENTRY_ENVIRONMENT") or ("development" if DEBUG else "production"),
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0),
    )

# Content Security Policy (Django's own, enforced everywhere): scripts only from this site, or inline
# with the request's nonce. Inline styles are allowed (the self-contained 500 page, the admin); the API
# docs pages loosen scripts for their inline start-up code (config.api_router).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
        "browsing-topics",
    )
}

# Public site
SITE_URL = os.environ.get("TWINWATCH_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
if not SITE_URL:
    raise ImproperlyConfigured(
        "TWINWATCH_SITE_URL (the public https:// address, used in feeds and API links) must be set in production."
    )
CORRECTIONS_EMAIL = os.environ.get("TWINWATCH_CORRECTIONS_EMAIL", "corrections@twinwatch.invalid")
# Public forms (suggest a correction, follow by e-mail): refused when sent sooner than this after being
# shown (bots), and at most this many per client address per hour (core.ratelimit).
PUBLIC_FORM_MIN_SECONDS = int(os.environ.get("TWINWATCH_PUBLIC_FORM_MIN_SECONDS") or 3)
CORRECTIONS_PER_HOUR = int(os.environ.get("TWINWATCH_CORRECTIONS_PER_HOUR") or 10)
FOLLOWS_PER_HOUR = int(os.environ.get("TWINWATCH_FOLLOWS_PER_HOUR") or 10)

# E-mail (follow confirmations and digests): SMTP from the environment — EMAIL_URL
# (smtp://user:password@host:587, smtps://… for implicit TLS, ?tls=0 to turn STARTTLS off) or
# EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD / EMAIL_USE_TLS — else printed to
# the console (development, and production until SMTP is configured).
def email_settings(environ) -> dict:
    from urllib.parse import parse_qs, unquote, urlsplit

    if environ.get("EMAIL_URL"):
        url = urlsplit(environ["EMAIL_URL"])
        query = parse_qs(url.query)
        implicit = url.scheme == "smtps"
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": url.hostname or "localhost",
            "EMAIL_PORT": url.port or (465 if implicit else 587),
            "EMAIL_HOST_USER": unquote(url.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(url.password or ""),
            "EMAIL_USE_SSL": implicit,
            "EMAIL_USE_TLS": not implicit and query.get("tls", ["1"])[0].lower() not in {"0", "false", "no"},
        }
    if environ.get("EMAIL_HOST"):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": environ["EMAIL_HOST"],
            "EMAIL_PORT": int(environ.get("EMAIL_PORT") or 587),
            "EMAIL_HOST_USER": environ.get("EMAIL_HOST_USER") or environ.get("EMAIL_USER", ""),
            "EMAIL_HOST_PASSWORD": environ.get("EMAIL_HOST_PASSWORD") or environ.get("EMAIL_PASSWORD", ""),
            "EMAIL_USE_TLS": (environ.get("EMAIL_USE_TLS") or "1").strip().lower() in {"1", "true", "yes", "on"},
        }
    return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


globals().update(email_settings(os.environ))
DEFAULT_FROM_EMAIL = os.environ.get("TWINWATCH_FROM_EMAIL", "Twinwatch <noreply@twinwatch.invalid>")

# How many reverse proxies stand in front of the app (0: clients connect directly). Only then are
# X-Forwarded-For (throttling, axes) and X-Forwarded-Proto trusted. Production must say (a deploy check).
NUM_PROXIES = int(os.environ.get("TWINWATCH_NUM_PROXIES") or 0)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    if NUM_PROXIES:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is hard to undo (browsers ship the list): opt in with DJANGO_SECURE_HSTS_PRELOAD=1.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # not preloading is the decision above, not an oversight
    SECURE_CONTENT_TYPE_NOSNIFF = True

from config.settings_api import *  # noqa: E402,F401,F403  (DRF, django-filter, drf-spectacular)
