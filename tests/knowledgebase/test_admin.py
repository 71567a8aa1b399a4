import html
import re

import pytest
from django.urls import reverse

from knowledgebase.formats import rubric_content_yaml
from knowledgebase.models import Rubric, RubricVersion, VersionStatus
from knowledgebase.services import kb_seed, rubric_version_create_draft
from tests.factories.knowledgebase import criterion, rubric_content, rubric_published, staff_user

pytestmark = pytest.mark.django_db


def visible_text(page: str) -> str:
    """The page as read: no tags, scripts or styles, and not the collapsed full YAML diff (the advanced view, where
    criteria are by key as in the YAML editor)."""
    page = re.sub(r"<(script|style)\b.*?</\1>|<details\b.*?</details>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture
def ops(client, django_user_model):
    client.force_login(staff_user(django_user_model, username="ops", group="coaching ops", edit_kb=True))
    return client


@pytest.fixture
def manager(client, django_user_model):
    client.force_login(staff_user(django_user_model, username="boss", group="manager"))
    return client


def add_url() -> str:
    return reverse("admin:knowledgebase_rubricversion_add")


def post_draft(client, rubric, content_yaml: str, note: str = "tweak"):
    return client.post(add_url(), {"rubric": rubric.pk, "change_note": note, "content_yaml": content_yaml})


def changed_yaml() -> str:
    return rubric_content_yaml(rubric_content(criteria=[criterion("open_questions", 70), criterion("next_steps", 30)]))


def test_ops_edit_creates_a_draft_and_shows_the_diff(ops):
    rubric = rubric_published()
    response = post_draft(ops, rubric, changed_yaml())
    draft = RubricVersion.objects.get(rubric=rubric, number=2)
    assert draft.status == VersionStatus.DRAFT and draft.author.username == "ops"
    assert response.status_code == 302 and "/diff/" in response.url
    page = ops.get(response.url).content.decode()
    assert "Open Questions: weight changed 60 → 70" in page  # by name; the key is nowhere on the page
    assert "open_questions" not in visible_text(page)
    assert "Publish v2" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (rubric_content(criteria=[criterion("a", 60), criterion("b", 30)]), "weights must sum to 100 (they sum to 90)"),
        (
            rubric_content(criteria=[criterion("a", 100, anchors={"1": "x", "2": "x", "3": "x", "5": "x"})]),
            "missing: 4",
        ),
        (rubric_content(criteria=[criterion("a", 100, positive_indicators=[])]), "needs at least one indicator"),
    ],
    ids=["weights", "anchors", "indicators"],
)
def test_invalid_rubric_content_shows_field_errors_in_the_form(ops, content, message):
    rubric = rubric_published()
    response = post_draft(ops, rubric, rubric_content_yaml(content))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert RubricVersion.objects.filter(rubric=rubric).count() == 1


def test_broken_yaml_is_a_form_error_not_a_500(ops):
    rubric = rubric_published()
    response = post_draft(ops, rubric, "criteria: [unclosed")
    assert response.status_code == 200
    assert "Not valid YAML" in response.content.decode()


def test_submitting_unchanged_content_creates_no_version(ops):
    rubric = rubric_published()
    response = post_draft(ops, rubric, rubric_content_yaml(rubric.active_version.content))
    assert response.status_code == 302
    assert RubricVersion.objects.filter(rubric=rubric).count() == 1
    assert "No changes" in ops.get(response.url).content.decode()


def test_a_published_version_is_read_only_in_the_admin(ops):
    rubric = rubric_published()
    url = reverse("admin:knowledgebase_rubricversion_change", args=[rubric.active_version_id])
    page = ops.get(url)
    assert page.status_code == 200 and 'name="content_yaml"' not in page.content.decode()
    response = ops.post(url, {"change_note": "sneaky", "content_yaml": changed_yaml()})
    assert response.status_code == 403
    version = RubricVersion.objects.get(pk=rubric.active_version_id)
    assert version.change_note == "" and version.content == rubric.active_version.content


def test_ops_can_edit_a_draft_in_place(ops):
    rubric = rubric_published()
    draft = rubric_version_create_draft(rubric_id=rubric.pk, content=rubric_content(na_rule="Draft rule."))
    url = reverse("admin:knowledgebase_rubricversion_change", args=[draft.pk])
    assert 'name="content_yaml"' in ops.get(url).content.decode()
    response = ops.post(url, {"change_note": "second pass", "content_yaml": changed_yaml()})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.change_note == "second pass" and draft.content["criteria"][0]["weight"] == 70


def test_publish_and_rollback_buttons_call_the_services(ops):
    rubric = rubric_published()
    v1 = rubric.active_version
    draft = rubric_version_create_draft(rubric_id=rubric.pk, content=rubric_content(na_rule="New rule."))
    publish = reverse("admin:knowledgebase_rubricversion_publish_detail", args=[draft.pk])
    confirm = ops.get(publish).content.decode()
    assert "N/A rule changed" in confirm
    assert ops.post(publish).status_code == 302
    rubric.refresh_from_db()
    assert rubric.active_version_id == draft.pk
    rollback = reverse("admin:knowledgebase_rubricversion_rollback_detail", args=[v1.pk])
    assert ops.post(rollback).status_code == 302
    rubric.refresh_from_db()
    assert rubric.active_version_id == v1.pk


def test_publish_selected_action_publishes_drafts_from_the_list(ops):
    rubric = rubric_published()
    draft = rubric_version_create_draft(rubric_id=rubric.pk, content=rubric_content(na_rule="Listed."))
    changelist = reverse("admin:knowledgebase_rubricversion_changelist")
    response = ops.post(changelist, {"action": "publish_selected", "_selected_action": [draft.pk]})
    assert response.status_code == 302
    rubric.refresh_from_db()
    assert rubric.active_version_id == draft.pk


def test_manager_can_view_but_every_change_is_forbidden(manager):
    rubric = rubric_published()
    draft = rubric_version_create_draft(rubric_id=rubric.pk, content=rubric_content(na_rule="Draft."))
    for url in [
        reverse("admin:knowledgebase_rubric_changelist"),
        reverse("admin:knowledgebase_rubric_change", args=[rubric.pk]),
        reverse("admin:knowledgebase_rubricversion_change", args=[draft.pk]),
        reverse("admin:knowledgebase_rubric_diff", args=[rubric.pk]),
        reverse("admin:knowledgebase_document_changelist"),
    ]:
        assert manager.get(url).status_code == 200, url
    draft_url = reverse("admin:knowledgebase_rubricversion_change", args=[draft.pk])
    assert 'name="content_yaml"' not in manager.get(draft_url).content.decode()
    rubric_page = manager.get(reverse("admin:knowledgebase_rubric_change", args=[rubric.pk])).content.decode()
    assert draft_url in rubric_page  # the version list is visible
    assert reverse("admin:knowledgebase_rubric_edit_rubric", args=[rubric.pk]) not in rubric_page
    forbidden = [
        manager.post(draft_url, {"change_note": "x", "content_yaml": changed_yaml()}),
        manager.post(add_url(), {"rubric": rubric.pk, "content_yaml": changed_yaml()}),
        manager.post(reverse("admin:knowledgebase_rubricversion_publish_detail", args=[draft.pk])),
        manager.post(reverse("admin:knowledgebase_rubric_change", args=[rubric.pk]), {"name": "Renamed"}),
    ]
    assert [response.status_code for response in forbidden] == [403, 403, 403, 403]
    changelist = reverse("admin:knowledgebase_rubricversion_changelist")
    manager.post(changelist, {"action": "publish_selected", "_selected_action": [draft.pk]})
    rubric.refresh_from_db()
    draft.refresh_from_db()
    assert rubric.active_version.number == 1 and draft.status == VersionStatus.DRAFT
    assert rubric.name != "Renamed"


def test_a_new_user_can_find_edit_compare_and_publish_the_discovery_rubric(ops):
    kb_seed()
    listing = ops.get(reverse("admin:knowledgebase_rubric_changelist"), {"q": "discovery"}).content.decode()
    discovery = Rubric.objects.get(key="discovery")
    assert reverse("admin:knowledgebase_rubric_change", args=[discovery.pk]) in listing
    edit = ops.get(reverse("admin:knowledgebase_rubric_edit_rubric", args=[discovery.pk]), follow=True)
    form_yaml = edit.context["adminform"].form.initial["content_yaml"]
    response = post_draft(
        ops, discovery, form_yaml.replace("weight: 25", "weight: 30", 1).replace("weight: 10", "weight: 5")
    )
    diff_page = ops.get(response.url).content.decode()
    assert "Current state and pain (SPIN situation and problem): weight changed 25 → 30" in diff_page
    assert "current_state_and_pain" not in visible_text(diff_page)
    draft = RubricVersion.objects.get(rubric=discovery, number=2)
    ops.post(reverse("admin:knowledgebase_rubricversion_publish_detail", args=[draft.pk]))
    page = ops.get(reverse("admin:knowledgebase_rubric_change", args=[discovery.pk])).content.decode()
    discovery.refresh_from_db()
    assert discovery.active_version.number == 2
    assert reverse("admin:knowledgebase_rubricversion_change", args=[draft.pk]) in page


def test_ops_can_create_and_publish_a_document(ops):
    response = ops.post(
        reverse("admin:knowledgebase_document_add"),
        {"key": "faq", "title": "FAQ", "kind": "product", "product": "Beacon"},
    )
    assert response.status_code == 302
    from knowledgebase.models import Document

    document = Document.objects.get(key="faq")
    response = ops.post(
        reverse("admin:knowledgebase_documentversion_add"),
        {"document": document.pk, "title": "FAQ", "body": "Beacon syncs every 15 minutes.\r\n", "change_note": ""},
    )
    version = document.versions.get()
    assert response.status_code == 302 and version.body == "Beacon syncs every 15 minutes."
    ops.post(reverse("admin:knowledgebase_documentversion_publish_detail", args=[version.pk]))
    document.refresh_from_db()
    assert document.active_version_id == version.pk
    diff = ops.get(reverse("admin:knowledgebase_document_diff", args=[document.pk]))
    assert diff.status_code == 200


def test_the_diff_says_when_a_criterion_starts_capping_or_counting_once(ops):
    """Both flags change how the dimension is scored; a diff that hid them said 'unchanged' for a scoring change."""
    rubric = rubric_published()
    flagged = rubric_content(
        criteria=[criterion("open_questions", 60, caps_score=True), criterion("next_steps", 40, once_is_enough=True)]
    )
    response = post_draft(ops, rubric, rubric_content_yaml(flagged))
    page = ops.get(response.url).content.decode()
    assert "Open Questions: caps the score changed" in page
    assert "Next Steps: once in the call is enough changed" in page
    assert "once_is_enough" not in visible_text(page) and "caps_score" not in visible_text(page)
