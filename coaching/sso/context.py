"""Template context: whether the login page offers single sign-on, and its button's label."""

from __future__ import annotations

from django.conf import settings


def sso(request) -> dict:
    return {"sso_enabled": settings.SSO_ENABLED, "sso_button_label": settings.SSO_BUTTON_LABEL}
