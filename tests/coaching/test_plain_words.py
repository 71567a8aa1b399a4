"""The portal speaks in names, not internals: criteria by name, calls by title or date, reviewers by name, a real
page title, the stock model list only for ops and staff, one unit per stat."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.selectors.stats import stat_display
from knowledgebase.models import Rubric, RubricVersion, VersionStatus
from knowledgebase.services import rubric_version_create_draft
from tests.coaching.portal_world import login
from tests.factories.coaching import coached_call
from tests.factories.gong import GongUserFactory
from tests.factories.knowledgebase import criterion, rubric_content, rubric_published, staff_user

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


def test_the_rubric_diff_and_publish_pages_name_criteria_never_by_key(client, django_user_model):
    """Criteria by name on the comparison and the publish / roll-back confirmations: the new version's name, the old
    one's for a removed criterion. Keys stay only in the collapsed full YAML diff (the advanced, YAML view)."""
    client.force_login(staff_user(django_user_model, username="u-kb-ops", group="coaching ops", edit_kb=True))
    rubric = rubric_published()  # open_questions "Open Questions" 60, next_steps "Next Steps" 40
    v1 = rubric.active_version
    renamed = criterion("open_questions", 50, name="Asks open questions")
    added = criterion("budget_and_timeline", 50, name="Budget and timeline")
    draft = rubric_version_create_draft(rubric_id=rubric.pk, content=rubric_content(criteria=[renamed, added]))
    lines = [
        "Asks open questions: renamed (was “Open Questions”)",
        "Asks open questions: weight changed 60 → 50",
        "Budget and timeline: added (weight 50)",
        "Next Steps: removed (was weight 40)",
    ]
    diff = reverse("admin:knowledgebase_rubric_diff", args=[rubric.pk]) + f"?old={v1.pk}&new={draft.pk}"
    publish = reverse("admin:knowledgebase_rubricversion_publish_detail", args=[draft.pk])
    pages = {"diff": client.get(diff).content.decode(), "publish": client.get(publish).content.decode()}
    client.post(publish)
    rollback = reverse("admin:knowledgebase_rubricversion_rollback_detail", args=[v1.pk])
    pages["rollback"] = client.get(rollback).content.decode()
    for name, page in pages.items():
        text = _visible_text(page)
        if name != "rollback":
            assert all(line in text for line in lines), (name, text)
        for key in ("open_questions", "next_steps", "budget_and_timeline"):
            assert key not in text, (name, key)
    assert "Open Questions: renamed (was “Asks open questions”)" in _visible_text(pages["rollback"])
    assert "Next Steps: added (weight 40)" in _visible_text(pages["rollback"])
    assert "Budget and timeline: removed (was weight 50)" in _visible_text(pages["rollback"])
    assert "key: open_questions" in pages["diff"]  # the full YAML diff is still there, collapsed


def _visible_text(page: str) -> str:
    """What a person reads: no tags, scripts or styles, nor the collapsed full YAML diff."""
    page = re.sub(r"<(script|style)\b.*?</\1>|<details\b.*?</details>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_a_rubric_version_page_names_its_criteria_and_keeps_keys_to_the_yaml_view(client, django_user_model):
    """The read-only criteria table on a version's own page (published or draft) and on its rubric's page shows
    names; keys appear only in the YAML view (the editor's textarea or the read-only YAML), where keys are edited."""
    client.force_login(staff_user(django_user_model, username="u-kb-ops", group="coaching ops", edit_kb=True))
    plain = {
        "description": "Plain.",
        "positive_indicators": [{"text": "Asks"}],
        "negative_indicators": [{"text": "Pitches"}],
    }
    criteria = [criterion("open_questions", 60, **plain), criterion("next_steps", 40, name="Agrees a next step")]
    criteria[1].update(plain)
    rubric = rubric_published(content=rubric_content(criteria=criteria))
    draft = rubric_version_create_draft(rubric_id=rubric.pk, content=rubric_content(criteria=criteria, na_rule="x"))
    urls = {
        "published": reverse("admin:knowledgebase_rubricversion_change", args=[rubric.active_version_id]),
        "draft": reverse("admin:knowledgebase_rubricversion_change", args=[draft.pk]),
        "rubric": reverse("admin:knowledgebase_rubric_change", args=[rubric.pk]),
    }
    for name, url in urls.items():
        page = client.get(url).content.decode()
        outside_yaml = re.sub(r"<textarea\b.*?</textarea>|<pre class=\"kb-pre\".*?</pre>", " ", page, flags=re.S)
        text = _visible_text(outside_yaml)
        assert "Open Questions" in text and "Agrees a next step" in text, name
        for key in ("open_questions", "next_steps"):
            assert key not in text, (name, key)
        if name != "rubric":
            assert "key: open_questions" in page, name  # the YAML view keeps the keys
