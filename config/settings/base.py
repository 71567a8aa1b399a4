"""Settings shared by every environment. Only config/ reads the environment (through config.env)."""

from __future__ import annotations

import os
from pathlib import Path

from config.database import database_role_options
from config.env import (
    BASE_DIR,
    database_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    process_role,
)
from config.formats.en import formats as house_formats
from config.logging import logging_config

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
# Former keys, still accepted while rotating SECRET_KEY: sessions and, for erasure tombstones (core.tombstones),
# digests made under an old key keep matching, so an erasure stays in force across a rotation.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", [])
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# The public origin users and Gong reach us at (links in emails, the JWT `webhook_url` check).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's assets, served from our static files (no CDN)
    "django_q",
    "core",
    "gong",
    "knowledgebase",
    "analysis",
    "coaching",
    "mcp_bridge",
    "ops.apps.OpsConfig",
    "config.apps.ConfigAppConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.logging_context.RequestIdMiddleware",
    "core.nul.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coaching.sso.context.sso",
            ],
        },
    },
]

DATABASE_URL = database_url()
DATABASES = {"default": parse_database_url(DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT_S", 5))
# The web tier (gunicorn: workers x threads) borrows a connection from a per-process pool for each request and gives
# it back at the end, so a host holds at most GUNICORN_WORKERS x DB_POOL_MAX_SIZE connections however many threads
# serve; a request that waits DB_POOL_TIMEOUT_S for one gets 503 + Retry-After (config/errors.py). The queue worker
# and management commands keep one persistent connection per process (DB_CONN_MAX_AGE): they run one thing at a
# time, and qcluster forks its processes, which must not inherit a pool's open sockets and threads.
# DB_POOL_MAX_SIZE=0 turns the pool off (then every web thread keeps its own connection).
DB_POOL_MIN_SIZE = env_int("DB_POOL_MIN_SIZE", 2)
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 10)
DB_POOL_TIMEOUT_S = env_float("DB_POOL_TIMEOUT_S", 10.0)
# Queue workers commit asynchronously (synchronous_commit=off) unless this is true; webhook commits stay synchronous.
# Why that loses nothing that is not re-done: config/database.py.
Q_WORKER_SYNCHRONOUS_COMMIT = env_bool("Q_WORKER_SYNCHRONOUS_COMMIT", False)
PROCESS_ROLE = process_role()
DATABASES["default"]["OPTIONS"]["application_name"] = f"callcoach-{PROCESS_ROLE}"  # who holds which connection
DATABASES["default"]["OPTIONS"].update(
    database_role_options(
        PROCESS_ROLE,
        pool=(DB_POOL_MIN_SIZE, DB_POOL_MAX_SIZE, DB_POOL_TIMEOUT_S),
        worker_synchronous_commit=Q_WORKER_SYNCHRONOUS_COMMIT,
    )
)
if "pool" in DATABASES["default"]["OPTIONS"]:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses persistent connections with a pool
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# The house date formats ("3 Dec 2026", "3 Dec 2026, 14:05"): config/formats/en/formats.py, read by Django's own
# rendering (admin lists, change forms, the date filter) and by core.display.
FORMAT_MODULE_PATH = ["config.formats"]
# The same formats where no language is active (a command run with translations off, a worker).
DATE_FORMAT = house_formats.DATE_FORMAT
DATETIME_FORMAT = house_formats.DATETIME_FORMAT
TIME_FORMAT = house_formats.TIME_FORMAT
YEAR_MONTH_FORMAT = house_formats.YEAR_MONTH_FORMAT
MONTH_DAY_FORMAT = house_formats.MONTH_DAY_FORMAT
SHORT_DATE_FORMAT = house_formats.SHORT_DATE_FORMAT
SHORT_DATETIME_FORMAT = house_formats.SHORT_DATETIME_FORMAT

STATIC_URL = "static/"
# Where `manage.py collectstatic` (run by `make serve`) writes the admin's assets for production's manifest storage.
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "admin:login"
# The admin login page posts no `next` when visited directly: land on the dashboard, not /accounts/profile/ (404).
LOGIN_REDIRECT_URL = "admin:index"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "callcoach API",
    "DESCRIPTION": (
        "Gong webhooks in (`POST /webhooks/gong/`), coaching out: a read-only, paginated API for BI tools under "
        "`/api/v1/`, authenticated by `Authorization: Bearer <token>` with a token from "
        "`manage.py mcp_token --user EMAIL --scope read`. A token sees exactly what its user sees in the admin."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Queue (django-q2). At-least-once delivery: every task is idempotent. `timeout` < `retry` so a task is
# never handed to a second worker while the first may still be running it.
QUEUE_BROKER = env_str("QUEUE_BROKER", "orm")
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
Q_CLUSTER: dict = {
    "name": "callcoach",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": env_int("Q_TIMEOUT_S", 600),
    "retry": env_int("Q_RETRY_S", 720),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 5),
    "ack_failures": True,
    "save_limit": 1000,
    "catch_up": False,
    "label": "Task queue",
}
# Each qcluster task process raises its nice value by this much, so webhooks on the same host get the CPU first
# (config/worker.py); 0 = leave the priority alone.
Q_WORKER_NICE = env_int("Q_WORKER_NICE", 10)
if QUEUE_BROKER == "redis":
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
if Q_CLUSTER["timeout"] >= Q_CLUSTER["retry"]:
    raise ValueError("Q_TIMEOUT_S must be smaller than Q_RETRY_S (django-q2 would run a task twice at once)")

# --- Partitions
PARTITIONS_AHEAD_QUARTERS = env_int("PARTITIONS_AHEAD_QUARTERS", 2)
RETENTION_QUARTERS_COACHING = env_int("RETENTION_QUARTERS_COACHING", 20)
RETENTION_QUARTERS_LEDGER = env_int("RETENTION_QUARTERS_LEDGER", 20)
RETENTION_QUARTERS_WEBHOOK_EVENTS = env_int("RETENTION_QUARTERS_WEBHOOK_EVENTS", 2)

# --- Health
HEALTH_QUEUE_BACKLOG_MAX = env_int("HEALTH_QUEUE_BACKLOG_MAX", 5000)
HEALTH_QUEUE_OLDEST_MAX_S = env_float("HEALTH_QUEUE_OLDEST_MAX_S", 3600.0)

# --- Metrics (/metrics, Prometheus text). Reachable with `Authorization: Bearer METRICS_TOKEN` when a token is
# set, or from the networks listed (default loopback only).
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
# Shared directory for multi-process metrics (gunicorn workers + qcluster). prometheus_client reads the variable
# from the process environment when it is imported, so a value from .env is copied there.
PROMETHEUS_MULTIPROC_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
if PROMETHEUS_MULTIPROC_DIR:
    Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", PROMETHEUS_MULTIPROC_DIR)

# --- Demo: where `manage.py demo` keeps its dev webhook key pair, logins, worker log and mailbox (gitignored).
DEMO_DIR = Path(env_str("DEMO_DIR") or BASE_DIR / ".demo")

# --- Logging
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
LOG_FORMAT = env_str("LOG_FORMAT", "console")
LOGGING = logging_config(level=LOG_LEVEL, json_output=LOG_FORMAT == "json")

# --- Admin (django-unfold)
UNFOLD = {
    "SITE_TITLE": "callcoach",
    "SITE_HEADER": "callcoach",
    "SITE_SYMBOL": "record_voice_over",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    # A "Budget 85% used" label in the header while the Claude budget is at its warning ratio or spent (ops only).
    "ENVIRONMENT": "ops.banner.environment_callback",
    # The coaching dashboard on the admin index (calls this week, dimension averages, reps needing attention, cost).
    "DASHBOARD_CALLBACK": "coaching.views.dashboard_callback",
    "SIDEBAR": {
        "show_search": False,
        # The stock model list is for coaching ops, staff and superusers; reps and managers use the portal pages.
        "show_all_applications": "coaching.views.may_see_model_list",
        "navigation": [
            {
                "title": "Coaching",
                "items": [
                    {"title": "Dashboard", "icon": "dashboard", "link": "/admin/"},
                    {
                        "title": "Search calls",
                        "icon": "search",
                        "link": "/admin/gong/call/search/",
                        "permission": "coaching.views.may_view_calls",
                    },
                    {
                        "title": "Reps",
                        "icon": "groups",
                        "link": "/admin/gong/gonguser/",
                        "permission": "coaching.views.may_view_calls",
                    },
                    {
                        "title": "Unreviewed scores",
                        "icon": "rate_review",
                        "link": "/admin/coaching/dimensionscore/?reviewed=no",
                        "permission": "coaching.views.may_review",
                    },
                ],
            },
            {
                "title": "Ops",
                "separator": True,
                "items": [
                    {
                        "title": "Costs",
                        "icon": "payments",
                        "link": "/admin/ops/costs/",
                        "permission": "ops.permissions.request_is_ops",
                    },
                    {
                        "title": "Pipeline",
                        "icon": "route",
                        "link": "/admin/ops/pipeline/",
                        "permission": "ops.permissions.request_is_ops",
                    },
                    {
                        "title": "Gong quota",
                        "icon": "speed",
                        "link": "/admin/ops/gong-quota/",
                        "permission": "ops.permissions.request_is_ops",
                    },
                ],
            },
        ],
    },
}

# --- Per-domain settings, one module each (only config/ reads the environment).
from config.settings.analysis import *  # noqa: E402, F403
from config.settings.coaching import *  # noqa: E402, F403
from config.settings.gong import *  # noqa: E402, F403
from config.settings.knowledgebase import *  # noqa: E402, F403
from config.settings.mcp import *  # noqa: E402, F403
from config.settings.ops import *  # noqa: E402, F403
from config.settings.sso import *  # noqa: E402, F403
from config.settings.sso import SSO_ENABLED as _SSO_ENABLED  # noqa: E402

# Password login always (the first admin, the demo); OpenID Connect when configured.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if _SSO_ENABLED:
    AUTHENTICATION_BACKENDS.append("coaching.sso.backend.SsoBackend")
