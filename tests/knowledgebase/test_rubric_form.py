"""A rubric draft edited as a form (criteria, weights, indicators, anchors, caps, N/A rule), and the preview that
re-scores recent calls with the draft before it is published."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from knowledgebase.admin.rubric_form import indicator_line, indicators_parse
from knowledgebase.models import Rubric, RubricVersion, VersionStatus
from knowledgebase.services import rubric_version_create_draft
from tests.factories.coaching import coached_call
from tests.factories.gong import GongUserFactory
from tests.factories.knowledgebase import criterion, rubric_content, rubric_published, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops(client, django_user_model):
    client.force_login(staff_user(django_user_model, username="ops", group="coaching ops", edit_kb=True))
    return client


def _draft(content=None) -> RubricVersion:
    """A draft v2 (different content from the published v1: an identical draft would be v1 itself)."""
    rubric = rubric_published()
    changed = rubric_content(criteria=[criterion("open_questions", 50), criterion("next_steps", 50)])
    return rubric_version_create_draft(rubric_id=rubric.pk, content=content or changed)


def _post_data(version: RubricVersion, **changes) -> dict:
    """The form as the browser posts it, from the version's content, with `changes` ({field name: value})."""
    from knowledgebase.admin.rubric_form import rubric_form_initial

    meta, criteria = rubric_form_initial(version.content)
    data = {"na_rule": meta["na_rule"], "error_cap": meta["error_cap"] or "", "change_note": "form edit"}
    data.update({"criteria-TOTAL_FORMS": len(criteria), "criteria-INITIAL_FORMS": len(criteria)})
    data.update({"criteria-MIN_NUM_FORMS": 1, "criteria-MAX_NUM_FORMS": 1000})
    for index, initial in enumerate(criteria):
        for name, value in initial.items():
            if name in ("caps_score", "once_is_enough"):
                if value:
                    data[f"criteria-{index}-{name}"] = "on"
                continue
            data[f"criteria-{index}-{name}"] = value
    data.update(changes)
    return data


def test_indicators_read_and_write_as_lines():
    stat = {"text": "Lets the customer talk", "keywords": [], "stat": "talk_ratio", "stat_min": 0.3, "stat_max": 0.6}
    words = {"text": "Asks about budget", "keywords": ["budget", "spend"]}
    assert indicator_line(stat) == "Lets the customer talk | stat: talk_ratio 0.3..0.6"
    assert indicators_parse(f"{indicator_line(stat)}\n\n{indicator_line(words)}") == [stat, words]
    with pytest.raises(Exception, match="line 1: unknown part"):
        indicators_parse("Asks | colour: blue")


def test_ops_edit_a_draft_as_a_form_weights_must_sum_to_100(ops):
    version = _draft()
    url = reverse("admin:knowledgebase_rubricversion_form", args=[version.pk])
    page = ops.get(url).content.decode()
    assert "Open Questions" in page and 'name="criteria-0-weight"' in page and "When to score N/A" in page
    unbalanced = _post_data(version, **{"criteria-0-weight": 70})
    html = ops.post(url, unbalanced).content.decode()
    assert "The weights add up to 120, not 100." in html
    assert RubricVersion.objects.get(pk=version.pk).content == version.content  # nothing saved
    changes = {
        "criteria-0-weight": 70,
        "criteria-1-weight": 30,
        "criteria-1-anchor_5": "Agrees a dated next step with the economic buyer.",
        "criteria-1-caps_score": "on",
        "criteria-1-once_is_enough": "on",
        "criteria-0-positive": "Asks open questions | keywords: what, how | stat: question_count 5..",
        "error_cap": 2,
    }
    response = ops.post(url, _post_data(version, **changes))
    assert response.status_code == 302
    saved = RubricVersion.objects.get(pk=version.pk)
    assert saved.status == VersionStatus.DRAFT and saved.change_note == "form edit"
    first, second = saved.content["criteria"]
    assert (first["weight"], second["weight"], second.get("caps_score")) == (70, 30, True)
    assert (first.get("once_is_enough"), second.get("once_is_enough")) == (None, True)
    again = ops.post(url, _post_data(saved, **{"criteria-0-weight": 60, "criteria-1-weight": 40}))
    assert again.status_code == 302  # an edit elsewhere keeps the tick (the form does not drop it)
    assert RubricVersion.objects.get(pk=version.pk).content["criteria"][1]["once_is_enough"] is True
    assert saved.content["error_cap"] == 2
    assert second["anchors"]["5"] == "Agrees a dated next step with the economic buyer."
    assert first["positive_indicators"] == [
        {"text": "Asks open questions", "keywords": ["what", "how"], "stat": "question_count", "stat_min": 5.0}
    ]
    assert saved.sha256 != version.sha256


def test_a_published_version_has_no_form_and_the_draft_page_links_to_form_and_preview(ops):
    version = _draft()
    rubric = Rubric.objects.get(pk=version.rubric_id)
    published = reverse("admin:knowledgebase_rubricversion_form", args=[rubric.active_version_id])
    assert ops.get(published).status_code == 403
    page = ops.get(reverse("admin:knowledgebase_rubricversion_change", args=[version.pk])).content.decode()
    assert "Edit as a form" in page and "Preview on recent calls" in page and "Advanced: content as YAML" in page


def test_the_preview_rescores_recent_calls_with_the_draft(ops):
    call_command("seed_knowledgebase", verbosity=0)
    rep = GongUserFactory(first_name="Rita", last_name="Rep")
    for _ in range(2):
        coached_call(rep=rep)
    active = Rubric.objects.get(key="discovery").active_version
    content = {
        **active.content,
        "criteria": [
            {**item, "positive_indicators": [{"text": "Asks how many reps", "keywords": ["how many reps"]}]}
            if index == 0
            else item
            for index, item in enumerate(active.content["criteria"])
        ],
    }
    draft = rubric_version_create_draft(rubric_id=active.rubric_id, content=content)
    html = ops.get(reverse("admin:knowledgebase_rubricversion_rescore", args=[draft.pk])).content.decode()
    assert html.count("Rita Rep") == 2
    assert 'id="rescore-moved">2 of 2 would move.' in html  # the draft hears "how many reps" on both calls
    assert "offline" in html and "$0" in html


def test_only_knowledge_base_editors_see_the_preview(client, django_user_model):
    version = _draft()
    client.force_login(staff_user(django_user_model, username="boss", group="manager"))
    assert client.get(reverse("admin:knowledgebase_rubricversion_rescore", args=[version.pk])).status_code == 403
