"""Production: secrets required, JSON logs, secure cookies."""

from django.core.exceptions import ImproperlyConfigured

from config.env import embedded_cluster_in_use, raw
from config.logging import logging_config
from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASE_URL, LOG_LEVEL, SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
if embedded_cluster_in_use(DATABASE_URL):
    raise ImproperlyConfigured(
        "the database is the embedded PostgreSQL that `make` started under .pgdata/ for demos and development; "
        "set DATABASE_URL to a PostgreSQL server you run and back up"
    )
if raw("ANALYZER") is None:
    raise ImproperlyConfigured(
        "ANALYZER must be set explicitly in production: ANALYZER=claude (with ANTHROPIC_API_KEY) to score calls "
        "with Claude, or ANALYZER=offline for the deterministic keyword baseline (labelled offline everywhere)"
    )

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGGING = logging_config(level=LOG_LEVEL, json_output=True)
