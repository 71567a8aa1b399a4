"""Ops settings with their defaults from config/settings/ops.py, for deployments whose settings module does
not star-import it yet (the values are still overridable in tests and per environment)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from config.settings import ops as defaults


def ops_setting(name: str) -> Any:
    return getattr(settings, name, getattr(defaults, name))
