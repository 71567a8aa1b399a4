"""Development on a laptop: DEBUG as DJANGO_DEBUG says (off unless set), an insecure secret key if none is set,
readable logs."""

from config.settings.base import *  # noqa: F403
from config.settings.base import SECRET_KEY as _SECRET_KEY

SECRET_KEY = _SECRET_KEY or "django-insecure-local-development-only"
# Static files straight from the apps (collectstatic is only needed by production's manifest storage; STATIC_ROOT
# stays set so `make serve` can run it under any settings module).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
