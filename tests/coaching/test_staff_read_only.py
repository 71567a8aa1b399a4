"""'Staff: everything, read-only' (README): staff see every page and change nothing — no score override (service,
call-page form, admin), no pipeline retry (button, POST, admin action), no KB edit, no rep login link."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from coaching.models import DimensionScore
from coaching.services.review import ReviewNotAllowed, score_override
from gong.models import Call, CallStatus
from knowledgebase.models import Rubric
from tests.coaching.portal_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def staff(client, world):
    client.force_login(world.logins["staff"])
    return client


def test_staff_may_not_override_a_score_through_the_service(world):
    score = world.scores["own"][0]
    with pytest.raises(ReviewNotAllowed):
        score_override(score_id=score.pk, manager_score=5, note="Looks fine to me", user=world.logins["staff"])
    assert DimensionScore.objects.get(pk=score.pk).manager_score is None


def test_staff_see_the_call_page_without_the_review_form_and_a_posted_review_changes_nothing(staff, world):
    call, score = world.calls["own"], world.scores["own"][0]
    url = reverse("admin:gong_call_change", args=[call.pk])
    page = staff.get(url)
    assert page.status_code == 200 and f'id="score-{score.pk}"' in page.content.decode()
    assert 'name="manager_score"' not in page.content.decode()
    payload = {"score_id": score.pk, "call_started": score.call_started.isoformat(), "manager_score": "5", "note": "x"}
    staff.post(url, payload)
    assert DimensionScore.objects.get(pk=score.pk).manager_score is None
    assert "Unreviewed scores" not in staff.get("/admin/").content.decode()


def test_staff_may_not_change_a_score_in_the_admin(staff, world):
    score = world.scores["own"][0]
    url = reverse("admin:coaching_dimensionscore_change", args=[score.pk])
    assert staff.get(url).status_code == 200  # read-only view
    staff.post(url, {"manager_score": "5", "manager_note": "x"})
    assert DimensionScore.objects.get(pk=score.pk).manager_score is None


def test_the_staff_group_holds_view_permissions_only():
    codenames = set(Group.objects.get(name="staff").permissions.values_list("codename", flat=True))
    assert codenames and all(name.startswith("view_") for name in codenames), codenames


def test_staff_see_the_pipeline_page_without_retry_and_a_posted_retry_changes_nothing(staff, world):
    call = world.calls["colleague"]
    Call.objects.filter(pk=call.pk).update(status=CallStatus.FAILED, status_reason="analysis failed: boom")
    page = staff.get("/admin/ops/pipeline/")
    assert page.status_code == 200 and "Retry selected calls" not in page.content.decode()
    assert staff.post("/admin/ops/pipeline/", {"call_id": [call.pk]}).status_code == 403
    staff.post(reverse("admin:gong_call_changelist"), {"action": "retry_calls", "_selected_action": [call.pk]})
    call.refresh_from_db()
    assert (call.status, call.status_reason) == (CallStatus.FAILED, "analysis failed: boom")


def test_staff_may_not_edit_the_knowledge_base_or_link_logins(staff, world):
    assert staff.get(reverse("admin:knowledgebase_rubric_add")).status_code == 403
    before = Rubric.objects.count()
    staff.post(reverse("admin:knowledgebase_rubric_add"), {"name": "Mine", "dimension": "discovery"})
    assert Rubric.objects.count() == before
    staff.post(reverse("admin:gong_gonguser_link", args=[world.rep.pk]), {"username": "u-staff"})
    world.rep.refresh_from_db()
    assert world.rep.django_user_id != world.logins["staff"].pk


def test_coaching_ops_still_override_and_retry(client, world):
    client.force_login(world.logins["ops"])
    score = world.scores["own"][0]
    score_override(score_id=score.pk, manager_score=2, note="Calibrated", user=world.logins["ops"])
    assert DimensionScore.objects.get(pk=score.pk).manager_score == 2
    assert "Retry selected calls" in client.get("/admin/ops/pipeline/").content.decode()
