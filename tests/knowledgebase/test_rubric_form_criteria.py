"""The rubric form without YAML: add a criterion (its key made from its name), remove one, and keep the weights at
100 with "Rebalance weights" — every step a plain form submit, nothing normalised silently."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from knowledgebase.admin.rubric_form import criterion_key_from_name
from knowledgebase.admin.rubric_weights import RebalanceError, weights_rebalance
from knowledgebase.models import RubricVersion
from knowledgebase.services import rubric_version_create_draft
from tests.factories.knowledgebase import criterion, rubric_content, rubric_published, staff_user
from tests.knowledgebase.test_rubric_form import _post_data

pytestmark = pytest.mark.django_db

NEW = {
    "name": "Next steps agreed",
    "weight": 20,
    "description": "Ends with a dated next step.",
    "positive": "Books the next meeting | keywords: calendar invite, next tuesday",
    "negative": "Leaves without a next step",
    **{f"anchor_{level}": f"Level {level} next steps." for level in range(1, 6)},
}


@pytest.fixture
def ops(client, django_user_model):
    client.force_login(staff_user(django_user_model, username="ops", group="coaching ops", edit_kb=True))
    return client


def _draft(content: dict) -> tuple[RubricVersion, str]:
    rubric = rubric_published(content=rubric_content(na_rule="The published rule."))  # the draft differs
    version = rubric_version_create_draft(rubric_id=rubric.pk, content=content)
    return version, reverse("admin:knowledgebase_rubricversion_form", args=[version.pk])


def _three() -> dict:
    return rubric_content(
        criteria=[criterion("open_questions", 50), criterion("pain_found", 30), criterion("budget_asked", 20)]
    )


def _visible(html: str) -> str:
    """The page's text without tags and hidden inputs (what a person reads)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<textarea\b.*?</textarea>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_weights_rebalance_keeps_the_changed_ones_and_scales_the_others():
    assert weights_rebalance([60, 30, 20], fixed={0}) == [60, 24, 16]
    assert weights_rebalance([50, 30], fixed=set()) == [63, 37]  # after a removal: all scaled
    assert sum(weights_rebalance([33, 33, 33, 1], fixed={3})) == 100
    assert weights_rebalance([10, 10, 10], fixed={0, 1, 2}) == [34, 33, 33]  # all changed: all scaled
    with pytest.raises(RebalanceError, match="already add up to 99: that leaves 1 for the other 2 criteria"):
        weights_rebalance([99, 30, 20], fixed={0})


def test_a_new_criterion_key_is_its_name_as_a_slug():
    assert criterion_key_from_name("Next steps agreed!") == "next_steps_agreed"
    assert criterion_key_from_name("Ça — va") == "ca_va"
    assert criterion_key_from_name("!!!") == ""


def test_ops_add_a_criterion_in_the_form_without_javascript(ops):
    version, url = _draft(rubric_content())
    data = _post_data(version, add_criterion="1")
    page = ops.post(url, data).content.decode()
    assert 'name="criteria-2-name"' in page and "New criterion" in page  # an empty third block
    assert "A new criterion was added at the end" in page
    assert RubricVersion.objects.get(pk=version.pk).content == version.content  # nothing saved yet
    data = _post_data(version, **{"criteria-TOTAL_FORMS": 3, "criteria-0-weight": 40})
    data.update({f"criteria-2-{name}": value for name, value in NEW.items()})
    assert ops.post(url, data).status_code == 302
    saved = RubricVersion.objects.get(pk=version.pk).content["criteria"]
    assert [(c["key"], c["name"], c["weight"]) for c in saved] == [
        ("open_questions", "Open Questions", 40),
        ("next_steps", "Next Steps", 40),
        ("next_steps_agreed", "Next steps agreed", 20),
    ]
    assert saved[2]["positive_indicators"] == [
        {"text": "Books the next meeting", "keywords": ["calendar invite", "next tuesday"]}
    ]
    assert saved[2]["anchors"]["3"] == "Level 3 next steps."
    page = ops.get(url).content.decode()
    assert "next_steps_agreed" not in _visible(page)  # keys stay out of what people read


def test_a_new_criterion_named_like_another_is_refused_in_plain_words(ops):
    version, url = _draft(rubric_content())
    data = _post_data(version, **{"criteria-TOTAL_FORMS": 3, "criteria-0-weight": 40})
    data.update({f"criteria-2-{name}": value for name, value in {**NEW, "name": "Next steps"}.items()})
    page = ops.post(url, data).content.decode()
    assert "“Next steps” is too close to the name of “Next Steps”: give each criterion a distinct name." in page
    assert RubricVersion.objects.get(pk=version.pk).content == version.content


def test_a_half_filled_new_criterion_shows_its_errors_and_saves_nothing(ops):
    version, url = _draft(rubric_content())
    data = _post_data(version, **{"criteria-TOTAL_FORMS": 3, "criteria-0-weight": 40})
    data.update({"criteria-2-name": "Budget", "criteria-2-weight": 20})
    page = ops.post(url, data).content.decode()
    assert page.count("This field is required.") == 8  # description, 2 indicator lists, 5 anchors
    assert RubricVersion.objects.get(pk=version.pk).content == version.content


def test_removing_a_criterion_needs_the_weights_at_100_and_rebalance_gets_them_there(ops):
    examples = [{"criterion": "pain_found", "level": 4, "excerpt": "What happens if you wait?", "why": "Impact."}]
    version, url = _draft({**_three(), "examples": examples})
    removal = _post_data(version, **{"criteria-1-DELETE": "on"})
    page = ops.post(url, removal).content.decode()
    assert "The weights add up to 70, not 100." in page and "Rebalance weights" in page
    page = ops.post(url, {**removal, "rebalance": "1"}).content.decode()
    assert "Weights rebalanced to 100: scaled them all in proportion. Not saved yet" in page
    assert 'name="criteria-0-weight" value="71"' in page and 'name="criteria-2-weight" value="29"' in page
    assert 'id="kb-weight-total">100<' in page
    rebalanced = {**removal, "criteria-0-weight": 71, "criteria-2-weight": 29}
    response = ops.post(url, rebalanced, follow=True)
    assert "1 calibration example(s) of “Pain Found” went with it." in response.content.decode()
    saved = RubricVersion.objects.get(pk=version.pk).content
    assert [(c["key"], c["weight"]) for c in saved["criteria"]] == [("open_questions", 71), ("budget_asked", 29)]
    assert "examples" not in saved


def test_rebalance_keeps_the_weight_the_editor_changed(ops):
    version, url = _draft(_three())
    page = ops.post(url, _post_data(version, **{"criteria-0-weight": 60, "rebalance": "1"})).content.decode()
    assert "kept Open Questions as you set it, scaled the others" in page
    assert 'name="criteria-0-weight" value="60"' in page
    assert 'name="criteria-1-weight" value="24"' in page and 'name="criteria-2-weight" value="16"' in page
    too_much = _post_data(version, **{"criteria-0-weight": 99, "rebalance": "1"})
    page = ops.post(url, too_much).content.decode()
    assert "The weights you changed already add up to 99" in page
    assert RubricVersion.objects.get(pk=version.pk).content == version.content


def test_schema_errors_name_the_criterion_not_its_position(ops):
    version, url = _draft(rubric_content())
    data = _post_data(version, **{"criteria-1-positive": "Asks | stat: talk_ratio"})
    page = ops.post(url, data).content.decode()
    assert "“Next Steps”" in page and "needs stat_min and/or stat_max" in page
    assert "criteria[1]" not in page
