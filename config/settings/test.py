"""pytest: a real PostgreSQL database (pytest-django creates test_<name>), tasks run synchronously."""

from config.settings.base import *  # noqa: F403
from config.settings.base import Q_CLUSTER
from config.settings.base import SECRET_KEY as _SECRET_KEY

SECRET_KEY = _SECRET_KEY or "django-insecure-test-only"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
# Static files straight from the apps (no collectstatic needed outside production).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tests drive fetches directly: no batching window (tests of the window set it themselves).
GONG_FETCH_WINDOW_S = 0.0
# Results must not depend on a developer's .env or shell: the offline analyzer, no key, no API endpoint. Tests
# that talk to the fake Anthropic server set all three themselves.
ANALYZER = "offline"
ANTHROPIC_API_KEY = ""
ANTHROPIC_BASE_URL = ""
