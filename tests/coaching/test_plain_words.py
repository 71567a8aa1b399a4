"""The portal speaks in names, not internals: criteria by name, calls by title or date, reviewers by name, a real
page title, the stock model list only for ops and staff, one unit per stat."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.selectors.stats import stat_display
from knowledgebase.models import Rubric, RubricVersion, VersionStatus
from tests.coaching.portal_world import login
from tests.factories.coaching import coached_call
from tests.factories.gong import GongUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_and_manager(client):
    manager = GongUserFactory(first_name="Mia", last_name="Manager", title="Sales Manager", role="MANAGER")
    rep = GongUserFactory(first_name="Rita", last_name="Rep", manager=manager)
    client.force_login(login("u-manager", group="manager", email=manager.email))
    return rep, manager


def test_missed_criteria_show_their_names_not_their_keys(client, rep_and_manager):
    rep, _manager = rep_and_manager
    call, _session, scores = coached_call(rep=rep)
    criteria = [
        {"key": "accuracy", "name": "Accurate product facts"},
        {"key": "honesty_and_precision", "name": "Honest about limits"},
    ]
    version = RubricVersion.objects.create(
        rubric=Rubric.objects.create(key="pk-ae", name="Product knowledge (AE)", dimension="product_knowledge"),
        number=1, status=VersionStatus.PUBLISHED, content={"criteria": criteria}, sha256="p" * 64,
        published_at=timezone.now(),
    )  # fmt: skip
    scores[0].rubric_version = version
    scores[0].criteria_missed = ["accuracy", "honesty_and_precision", "retired_key"]
    scores[0].save(update_fields=["rubric_version", "criteria_missed"])
    html = client.get(reverse("admin:gong_call_change", args=[call.pk])).content.decode()
    assert "Missed: Accurate product facts, Honest about limits, Retired key" in html
    assert "honesty_and_precision" not in html


def test_an_untitled_call_is_named_by_its_date_never_its_id(client, rep_and_manager):
    rep, _manager = rep_and_manager
    call, _session, _scores = coached_call(rep=rep)
    type(call).objects.filter(pk=call.pk).update(title="")
    call.refresh_from_db()
    day = timezone.localtime(call.started)
    html = client.get(reverse("admin:gong_gonguser_change", args=[rep.pk])).content.decode()
    assert f"Untitled call, {day.day} {day:%b %Y}" in html
    assert f">{call.pk}<" not in html


def test_the_index_is_the_coaching_dashboard_and_the_model_list_is_for_ops_and_staff(client, rep_and_manager):
    html = client.get(reverse("admin:index")).content.decode()
    assert "Site administration" not in html and "Coaching dashboard" in html
    assert "Knowledgebase" not in html and "All applications" not in html  # a manager gets the portal only
    client.force_login(login("u-ops", group="coaching ops"))
    html = client.get(reverse("admin:index")).content.decode()
    assert "Knowledgebase" in html or "Knowledge base" in html


def test_each_stat_has_one_unit():
    assert stat_display("talk_ratio", 0.62) == "62%"
    assert stat_display("longest_monologue_s", 45.0) == "0:45"  # m:ss whether under a minute or not
    assert stat_display("longest_monologue_s", 150.0) == "2:30"
    assert stat_display("patience_s", 1.24) == "1.2 s"
