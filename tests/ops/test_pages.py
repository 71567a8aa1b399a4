"""The ops admin pages: who may open them, and that they show the ledger's figures."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coaching.access import GROUP_MANAGER, GROUP_OPS, GROUP_REP, GROUP_STAFF
from gong.models import ApiQuota, CallStatus
from ops import services
from tests.factories.gong import CallFactory, TranscriptFactory
from tests.ops.conftest import ledger_row

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ops.urls")]

PAGES = ["/admin/ops/costs/", "/admin/ops/pipeline/", "/admin/ops/gong-quota/"]


@pytest.fixture
def login(client, django_user_model):
    def as_member(group: str | None, *, is_staff: bool = True):
        user = django_user_model.objects.create_user(f"u-{group}-{is_staff}", "u@example.com", "pw", is_staff=is_staff)
        if group:
            user.groups.add(Group.objects.get_or_create(name=group)[0])
        client.force_login(user)
        return client

    return as_member


@pytest.mark.parametrize("group", [GROUP_OPS, GROUP_STAFF])
def test_ops_and_staff_open_every_ops_page(login, group):
    client = login(group)
    for page in PAGES:
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize("group", [GROUP_REP, GROUP_MANAGER])
def test_reps_and_managers_are_refused_with_403(login, group):
    client = login(group)
    for page in PAGES:
        assert client.get(page).status_code == 403, page


def test_people_outside_the_admin_are_sent_to_the_login_page(client, login):
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    response = login(GROUP_OPS, is_staff=False).get(PAGES[0])
    assert response.status_code == 302


def test_cost_page_shows_the_window_total_and_offline_label(admin_client_logged_in):
    today = timezone.localtime().replace(hour=12)
    ledger_row(at=today, cost="1.234500", input_tokens=100, cache_read_tokens=300)
    ledger_row(at=today - dt.timedelta(hours=1), cost="0.765500")
    start = today.date() - dt.timedelta(days=1)
    response = admin_client_logged_in.get(f"/admin/ops/costs/?start={start}&end={today.date()}")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="ops-cost-total">$2.00<' in body
    assert 'id="ops-prompt-cache">75%<' in body  # 300 cache-read of 400 prompt tokens
    assert "offline</span> at $0" in body
    assert "<svg" in body and "cdn" not in body.lower()
    assert "not counted:" not in body  # no preview spend this window
    ledger_row(at=today - dt.timedelta(hours=2), cost="0.500000", purpose="rubric_preview")
    body = admin_client_logged_in.get(f"/admin/ops/costs/?start={start}&end={today.date()}").content.decode()
    assert 'id="ops-cost-total">$2.50<' in body  # spend is spend …
    assert "not counted: $0.50 of rubric previews and re-tests" in body  # … but not the cost of an analysis


def test_pipeline_page_lists_stuck_and_failed_calls_with_reasons(admin_client_logged_in):
    failed = CallFactory(status=CallStatus.FAILED, status_reason="Gong returned 404 for the transcript")
    body = admin_client_logged_in.get("/admin/ops/pipeline/").content.decode()
    assert f'data-call="{failed.pk}"' in body
    assert "Gong returned 404 for the transcript" in body


def test_retry_button_sends_selected_calls_back_and_says_so(admin_client_logged_in):
    call = CallFactory(status=CallStatus.FAILED, status_reason="analysis crashed")
    TranscriptFactory(call=call)
    done = CallFactory(status=CallStatus.ANALYZED)
    with mock.patch.object(services, "call_analysis_enqueue", autospec=True):
        response = admin_client_logged_in.post("/admin/ops/pipeline/", {"call_id": [call.pk, done.pk]}, follow=True)
    call.refresh_from_db()
    body = response.content.decode()
    assert call.status == CallStatus.TRANSCRIBED
    assert f"Call {call.pk}: sent back to analysis" in body
    assert f"Call {done.pk}: Call {done.pk} is analyzed: nothing to retry" in body


def test_retry_post_is_refused_for_a_rep(login):
    call = CallFactory(status=CallStatus.FAILED)
    response = login(GROUP_REP).post("/admin/ops/pipeline/", {"call_id": [call.pk]})
    call.refresh_from_db()
    assert response.status_code == 403
    assert call.status == CallStatus.FAILED


def test_gong_quota_page_shows_todays_requests_and_warns_near_the_budget(admin_client_logged_in, settings):
    settings.GONG_DAILY_BUDGET = 1000
    now = timezone.now()
    ApiQuota.objects.update_or_create(
        name="gong", defaults=dict(next_slot_at=now, day=now.astimezone(dt.UTC).date(), day_count=850)
    )
    body = admin_client_logged_in.get("/admin/ops/gong-quota/").content.decode()
    assert 'id="ops-requests-today">850 / 1,000<' in body
    assert "Gong quota warning" in body


def test_gong_quota_counts_zero_on_a_new_utc_day(admin_client_logged_in):
    yesterday = timezone.now() - dt.timedelta(days=1)
    ApiQuota.objects.update_or_create(
        name="gong", defaults=dict(next_slot_at=yesterday, day=yesterday.astimezone(dt.UTC).date(), day_count=9)
    )
    body = admin_client_logged_in.get("/admin/ops/gong-quota/").content.decode()
    assert 'id="ops-requests-today">0 / ' in body
    assert "Gong quota warning" not in body


def test_ops_pages_read_a_bounded_number_of_queries(admin_client_logged_in):
    """A page's queries do not grow with the ledger (no query per row), and stay few."""

    def queries(page: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client_logged_in.get(page).status_code == 200
        return len(captured)

    def rows(count: int) -> None:
        for _ in range(count):
            call = CallFactory(status=CallStatus.FAILED, status_reason="x")
            ledger_row(at=timezone.now(), cost="0.010000", call_id=call.pk)

    rows(3)
    before = {page: queries(page) for page in PAGES}
    rows(6)
    after = {page: queries(page) for page in PAGES}
    assert after == before
    # Costs also shows the scorer's agreement with managers' Gong scorecards (two queries whatever the data).
    assert max(after.values()) <= 30, after


def test_sidebar_links_to_the_ops_pages_only_for_ops(login):
    ops_body = login(GROUP_OPS).get("/admin/").content.decode()
    assert 'href="/admin/ops/costs/"' in ops_body
    rep_body = login(GROUP_REP).get("/admin/").content.decode()
    assert 'href="/admin/ops/costs/"' not in rep_body
