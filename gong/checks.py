"""Start-up checks (`manage.py check`, and every migrate/runserver): a webhook key that cannot be read is an error
now, not a 503 on the first delivery."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def webhook_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from gong.auth import webhook_auth_config

    try:
        webhook_auth_config()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), hint="Paste the whole key Gong shows under 'Show public key'.", id="gong.E001")]
    return []
