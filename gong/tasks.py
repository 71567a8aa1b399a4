"""Queue entry points (django-q2 calls these by dotted path). Tasks take ids, call a service, return a summary.

At-least-once delivery: every service here is idempotent (claims are conditional updates; stores are upserts).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from core.logging_context import log_context
from gong.services.fetch import calls_fetch_pending as _calls_fetch_pending
from gong.services.sync import gong_sync as _gong_sync
from gong.services.users import users_sync as _users_sync


def calls_fetch_pending() -> str:
    """Fetch every due pending call (after webhooks, and every minute as a sweep for lost tasks)."""
    with log_context(task="gong.tasks.calls_fetch_pending"):
        return _calls_fetch_pending().summary()


def gong_sync(lookback_hours: int | None = None) -> str:
    """Poll Gong for calls whose webhook never came (lookback ≥ 24h) and fetch them."""
    since = timezone.now() - timedelta(hours=max(24, lookback_hours)) if lookback_hours else None
    with log_context(task="gong.tasks.gong_sync"):
        return _gong_sync(since=since).summary()


def users_sync() -> str:
    """Sync Gong users and the manager hierarchy (daily, and when a participant's user is unknown)."""
    with log_context(task="gong.tasks.users_sync"):
        return _users_sync().summary()
