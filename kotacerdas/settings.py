"""Kota Cerdas settings: one file, driven by environment variables (healthchecks style).

SQLite and in-process everything by default, so `make run` works on a fresh machine; the same code runs on
PostgreSQL (`DB=postgres`), Redis (`REDIS_URL`) and an MQTT broker (`MQTT_URL`) at scale.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str = "0") -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, "") or default)


# pytest sets PYTEST_VERSION before it imports anything of ours.
TESTING = "PYTEST_VERSION" in os.environ
DEMO = envbool("DEMO")
DEBUG = envbool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEMO or TESTING:
        # A demo or test install may run with a throw-away key; a real deployment must set its own.
        SECRET_KEY = "kotacerdas-demo-key-not-for-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY is required unless DEMO=1 (see README.md)")

DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_ROOT = os.environ.get("SITE_ROOT", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "huey.contrib.djhuey",
    "kotacerdas.core",
    "kotacerdas.regions",
    "kotacerdas.agencies",
    "kotacerdas.accounts",
    "kotacerdas.complaints",
    "kotacerdas.open311",
    "kotacerdas.lapor",
    "kotacerdas.sensors",
    "kotacerdas.traffic",
    "kotacerdas.parking",
    "kotacerdas.jobs",
    "kotacerdas.planning",
    "kotacerdas.openinfo",
    "kotacerdas.command_center",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kotacerdas.core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kotacerdas.core.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kotacerdas.core.middleware.CityTimezoneMiddleware",
]

ROOT_URLCONF = "kotacerdas.urls"
WSGI_APPLICATION = "kotacerdas.wsgi.application"
ASGI_APPLICATION = "kotacerdas.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kotacerdas" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kotacerdas.core.context_processors.site",
            ],
        },
    }
]

# Databases ----------------------------------------------------------------------------------------------
# Default engine is SQLite, so a checkout runs with no server. DB=postgres switches to PostgreSQL.
DB = os.environ.get("DB", "sqlite")
if DB == "postgres":
    import dj_database_url

    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kotacerdas"),
            conn_max_age=envint("DB_CONN_MAX_AGE", 0),
        )
    }
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("TEST_DB_NAME", "test_kotacerdas")
    # A connection pool per process (psycopg_pool through Django). Under ASGI every request's ORM work runs in a
    # thread of its own, so without a pool a burst of requests (200 live-room viewers refetching after one event)
    # opens a connection each and goes past PostgreSQL's max_connections (100); with it they wait up to
    # DB_POOL_TIMEOUT for one of DB_POOL_MAX_SIZE connections. Size it so that web workers × max size, plus the
    # worker nodes, stays under max_connections. DB_POOL_MAX_SIZE=0 turns the pool off (then DB_CONN_MAX_AGE applies).
    if envint("DB_POOL_MAX_SIZE", 20) > 0:
        if DATABASES["default"].get("CONN_MAX_AGE"):
            raise ImproperlyConfigured("DB_CONN_MAX_AGE must be 0 with the connection pool (DB_POOL_MAX_SIZE > 0)")
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, envint("DB_POOL_MAX_SIZE", 20)), "max_size": envint("DB_POOL_MAX_SIZE", 20),
            "timeout": envint("DB_POOL_TIMEOUT", 30)}
elif DB == "sqlite":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(DATA_DIR / "kotacerdas.sqlite3")),
            "OPTIONS": {
                # WAL lets the web server, the worker and the MQTT bridge read while one of them writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
else:
    raise ImproperlyConfigured(f"DB must be sqlite or postgres, not {DB!r}")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTHENTICATION_BACKENDS = ["kotacerdas.accounts.backends.EmailOrUsernameBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if TESTING:
    # Hashing with PBKDF2 dominates a test suite that logs personas in; MD5 is fine for throw-away test users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Internationalisation: Indonesian first, English second --------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kotacerdas" / "locale"]
USE_I18N = True
USE_TZ = True
# Stored in UTC; shown in the city's zone (WIB for Medan, WITA for Manado), set by setup_region.
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "kotacerdas" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if DEBUG or TESTING:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# Uploads: photos are checked and resized by kotacerdas.lib.images; Django's own cap guards the request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Tasks: the Django tasks API (django-tasks backport) run by Huey ---------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
MQTT_URL = os.environ.get("MQTT_URL", "")
TASKS_BROKER = os.environ.get("TASKS_BROKER", "redis" if REDIS_URL else "sqlite")
TASKS = {"default": {"BACKEND": "huey.contrib.djhuey.tasks_backend.HueyBackend"}}
if TASKS_BROKER == "redis":
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": os.environ.get("HUEY_NAME", "kotacerdas"),
        "url": REDIS_URL or "redis://127.0.0.1:6379/0",
        "immediate": TESTING and not envbool("HUEY_REAL_WORKER"),
        "consumer": {"workers": envint("WORKERS", 2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "kotacerdas",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        # Tests run tasks in-process unless a test starts a real consumer on purpose.
        "immediate": TESTING and not envbool("HUEY_REAL_WORKER"),
        "consumer": {"workers": envint("WORKERS", 2), "worker_type": "thread"},
    }

# E-mail and messaging: console by default; a real SMTP server or WhatsApp/SMS gateway is a setting ------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kota Cerdas <noreply@kotacerdas.local>")
MESSAGING_BACKEND = os.environ.get("MESSAGING_BACKEND", "kotacerdas.core.messaging.ConsoleMessagingBackend")

# Working-day calendar (egov-rules §8.3; both points are [U] in the sources, so they are settings) --------
# Perpres 21/2023 Pasal 6: cuti bersama reduces working days, so by default it is skipped like a holiday.
CALENDAR_CUTI_BERSAMA_IS_HOLIDAY = envbool("CALENDAR_CUTI_BERSAMA_IS_HOLIDAY", "1")
# UU 14/2008 counts "sejak diterimanya"; day 1 = the first working day after receipt (conservative) by default.
CALENDAR_RECEIPT_DAY_COUNTS = envbool("CALENDAR_RECEIPT_DAY_COUNTS", "0")
# Perpres 21/2023: offices start 07:30 local time, 37.5 h/week over five days -> 16:00 close (Friday later
# in practice; one closing hour keeps the rule simple). Reports after closing count from the next working day.
OFFICE_HOURS_START = os.environ.get("OFFICE_HOURS_START", "07:30")
OFFICE_HOURS_END = os.environ.get("OFFICE_HOURS_END", "16:00")

# Complaint privacy: may the OPD handling a disposisi see an anonim reporter's identity? (egov-rules §9 rule 5, U)
COMPLAINTS_ANONIM_VISIBLE_TO_OPD = envbool("COMPLAINTS_ANONIM_VISIBLE_TO_OPD", "0")

# SP4N-LAPOR! connector (kotacerdas/lapor): off by default. LAPOR! has no public API document; the adapter talks to
# one internal contract (kotacerdas.lapor.gateway), implemented by `python -m kotacerdas.fake_lapor` for CI and demos.
LAPOR_ENABLED = envbool("LAPOR_ENABLED")
LAPOR_BASE_URL = os.environ.get("LAPOR_BASE_URL", "")
LAPOR_TOKEN = os.environ.get("LAPOR_TOKEN", "")
LAPOR_TIMEOUT = float(os.environ.get("LAPOR_TIMEOUT", "10") or 10)
LAPOR_MAX_ATTEMPTS = envint("LAPOR_MAX_ATTEMPTS", 20)
LAPOR_DEAD_AFTER_HOURS = envint("LAPOR_DEAD_AFTER_HOURS", 24)

# Open311: per-IP rate limit (per-key limits live on each ApiKey); trust X-Forwarded-For only behind a proxy.
OPEN311_RATE_LIMIT_PER_IP = envint("OPEN311_RATE_LIMIT_PER_IP", 300)
OPEN311_TRUST_X_FORWARDED_FOR = envbool("OPEN311_TRUST_X_FORWARDED_FOR")

# Live room: fragments computed for one event serve the other viewers of the same scope that refetch after it, for
# this many seconds (time-dependent figures such as "overdue" may be that old); 0 = computed for every request.
COMMAND_CENTER_FRAGMENT_SHARE_SECONDS = envint("COMMAND_CENTER_FRAGMENT_SHARE_SECONDS", 0 if TESTING else 30)

# Cache: per process by default; shared through Redis when there is one (rate limits across uvicorn workers).
# "shared": values that one process computes for all (the performance figures the Huey worker computes ahead of
# the leaders' page views); in the embedded default a table in the database (created by command_center's
# migration 0003 through `createcachetable`), else the same Redis.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": os.environ.get("HUEY_NAME", "kotacerdas")}}
    CACHES["shared"] = CACHES["default"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
              "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kotacerdas_cache",
                         "OPTIONS": {"MAX_ENTRIES": 5000}}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "kotacerdas.core.api.StandardPagination",
    "DEFAULT_SCHEMA_CLASS": "kotacerdas.core.schema.ProjectAutoSchema",
    "EXCEPTION_HANDLER": "kotacerdas.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kota Cerdas API",
    "DESCRIPTION": "REST API for staff and integrators. Open311 GeoReport v2 lives under /open311/.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several apps have a `status`, `stage` or `channel` field with their own choices: each set gets a name of
    # its own instead of a hash suffix.
    "ENUM_NAME_OVERRIDES": {
        "ComplaintStatusEnum": "kotacerdas.complaints.models.Status",
        "ComplaintChannelEnum": "kotacerdas.complaints.models.Channel",
        "SlaStageEnum": "kotacerdas.complaints.models.SlaStage",
        "ParkingChannelEnum": "kotacerdas.parking.models.Channel",
        "ViolationStatusEnum": "kotacerdas.parking.models.ViolationStatus",
        "JukirStatusEnum": "kotacerdas.parking.models.JukirStatus",
        "ApplicationStageEnum": "kotacerdas.jobs.models.Stage",
        "VacancyStatusEnum": "kotacerdas.jobs.models.VacancyStatus",
        "CompanyStatusEnum": "kotacerdas.jobs.models.CompanyStatus",
        "CardStatusEnum": "kotacerdas.jobs.models.CardStatus",
        "PlanningStageEnum": "kotacerdas.planning.rules.Stage",
        "UsulanStatusEnum": "kotacerdas.planning.models.UsulanStatus",
        "RequestChannelEnum": "kotacerdas.openinfo.models.RequestChannel",
        "InfoRequestStatusEnum": "kotacerdas.openinfo.models.RequestStatus",
        "ObjectionStatusEnum": "kotacerdas.openinfo.models.ObjectionStatus",
    },
}

# Logging: personal data (NIK, phone, e-mail) is masked by a filter on every handler ---------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "kotacerdas.core.logging.MaskPersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_pii"], "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Huey installs its own handler unless told otherwise; route it through ours so masking applies once.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Command Center map: an optional XYZ tile URL (e.g. a city's own tile server); empty = the region GeoJSON is the
# whole basemap, so the room works offline.
COMMAND_CENTER_TILE_URL = os.environ.get("COMMAND_CENTER_TILE_URL", "")

# Siduta: a Kemendagri code prefix ("12.71" for Medan) limits job-seeker registration to NIKs issued there;
# empty = any valid Indonesian NIK (kotacerdas/jobs/rules.py).
JOBS_RESIDENT_PREFIX = os.environ.get("JOBS_RESIDENT_PREFIX", "")
# PPID: the usernames of the Atasan PPID (comma-separated); empty = every city-wide pimpinan (Sekda, Wali Kota).
PPID_ATASAN_USERNAMES = tuple(u.strip() for u in os.environ.get("PPID_ATASAN_USERNAMES", "").split(",") if u.strip())

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# An optional local_settings.py is imported last (healthchecks convention) for site-specific overrides.
if (BASE_DIR / "kotacerdas" / "local_settings.py").exists():
    from .local_settings import *  # noqa: F403
