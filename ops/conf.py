"""Ops settings (defined, with their defaults and comments, in config/settings/ops.py, which every settings
module star-imports through base.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def ops_setting(name: str) -> Any:
    return getattr(settings, name)
