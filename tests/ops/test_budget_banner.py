"""The budget banner in the admin and the once-a-month ops alert."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from ops import banner
from ops.services import budget_alert_check
from tests.ops.conftest import ledger_row

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ops.urls")]


@pytest.fixture
def budget(settings):
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 100.0
    settings.ANALYSIS_BUDGET_WARN_RATIO = 0.8
    settings.OPS_ALERT_EMAILS = ["ops@example.com"]
    return settings


def test_no_banner_below_the_warning_ratio(admin_client_logged_in, budget):
    ledger_row(at=timezone.now(), cost="79.990000")
    body = admin_client_logged_in.get("/admin/").content.decode()
    assert "ops-budget-banner" not in body
    assert "Budget" not in body.split("<body", 1)[1].split("</header>", 1)[0]


def test_banner_and_header_label_show_past_the_warning_ratio(admin_client_logged_in, budget):
    ledger_row(at=timezone.now(), cost="85.000000")
    body = admin_client_logged_in.get("/admin/").content.decode()
    assert 'id="ops-budget-banner"' in body
    assert "Claude budget warning:</strong> $85.00 of $100.00 (85%)" in body
    assert "Budget 85% used" in body  # unfold ENVIRONMENT label in the header
    assert 'href="/admin/ops/costs/"' in body


def test_banner_says_analyses_are_held_once_the_budget_is_spent(admin_client_logged_in, budget):
    ledger_row(at=timezone.now(), cost="100.000000")
    body = admin_client_logged_in.get("/admin/ops/pipeline/").content.decode()
    assert "Claude budget reached:" in body
    assert "New analyses are held" in body


def test_banner_is_not_shown_to_reps(client, django_user_model, budget):
    ledger_row(at=timezone.now(), cost="99.000000")
    rep = django_user_model.objects.create_user("rep", "rep@example.com", "pw", is_staff=True)
    client.force_login(rep)
    assert "ops-budget-banner" not in client.get("/admin/").content.decode()


def test_banner_reading_is_cached_briefly(budget, django_assert_num_queries):
    ledger_row(at=timezone.now(), cost="90.000000")
    first = banner.budget_banner_get()
    with django_assert_num_queries(0):
        assert banner.budget_banner_get() == first
    cache.clear()
    ledger_row(at=timezone.now(), cost="20.000000")
    assert banner.budget_banner_get().level == "held"


def test_alert_is_logged_and_emailed_once_per_month_and_level(budget, caplog):
    ledger_row(at=timezone.now(), cost="81.000000")
    with caplog.at_level(logging.WARNING):
        assert budget_alert_check() == "warning"
        assert budget_alert_check() is None
        cache.clear()  # another worker process (or this one restarted): its own cache knows nothing
        assert budget_alert_check() is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.com"]
    assert "budget warning" in mail.outbox[0].subject
    assert "$81.00 of $100.00" in mail.outbox[0].body
    assert any("budget_alert" in str(record.msg) for record in caplog.records)
    ledger_row(at=timezone.now(), cost="19.000000")
    assert budget_alert_check() == "held"
    assert len(mail.outbox) == 2
    assert "new analyses are held" in mail.outbox[1].subject


def test_no_alert_while_the_budget_is_fine_or_unset(budget):
    ledger_row(at=timezone.now(), cost="10.000000")
    assert budget_alert_check() is None
    budget.ANALYSIS_MONTHLY_BUDGET_USD = 0.0
    ledger_row(at=timezone.now(), cost="1000.000000")
    assert budget_alert_check() is None
    assert mail.outbox == []


def test_admin_pages_pay_no_budget_query_when_no_budget_is_set(settings, rf, admin_user, django_assert_num_queries):
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 0.0
    request = rf.get("/admin/")
    request.user = admin_user
    with django_assert_num_queries(0):
        assert banner.environment_callback(request) is None
