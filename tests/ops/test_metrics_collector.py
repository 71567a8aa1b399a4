"""Gauges for Prometheus alerts: Gong quota and Claude budget, read from the database at scrape time."""

from __future__ import annotations

import pytest
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest

from gong.models import ApiQuota
from ops.metrics_collector import OpsCollector
from tests.ops.conftest import ledger_row

pytestmark = pytest.mark.django_db


def test_collector_exposes_gong_quota_and_claude_budget(settings):
    settings.GONG_DAILY_BUDGET = 9000
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 20.0
    now = timezone.now()
    ApiQuota.objects.update_or_create(name="gong", defaults=dict(next_slot_at=now, day=now.date(), day_count=42))
    ledger_row(at=now, cost="25.500000")
    registry = CollectorRegistry()
    registry.register(OpsCollector())
    text = generate_latest(registry).decode()
    assert "callcoach_gong_requests_today 42.0" in text
    assert "callcoach_gong_daily_budget 9000.0" in text
    assert "callcoach_claude_month_spent_usd 25.5" in text
    assert "callcoach_claude_month_budget_usd 20.0" in text
    assert "callcoach_claude_budget_held 1.0" in text
