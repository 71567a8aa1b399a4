import pytest

from core.errors import ApplicationError, NotFound
from knowledgebase.models import RubricVersion, VersionStatus
from knowledgebase.services import (
    document_rollback,
    document_version_create_draft,
    document_version_publish,
    document_version_update_draft,
    rubric_create,
    rubric_rollback,
    rubric_version_create_draft,
    rubric_version_publish,
    rubric_version_update_draft,
)
from tests.factories.knowledgebase import criterion, document_published, rubric_content, rubric_published

pytestmark = pytest.mark.django_db


def changed_content() -> dict:
    return rubric_content(criteria=[criterion("open_questions", 70), criterion("next_steps", 30)])


def test_a_new_draft_gets_the_next_number_and_is_not_active():
    rubric = rubric_published()
    draft = rubric_version_create_draft(rubric_id=rubric.pk, content=changed_content(), change_note="weights")
    rubric.refresh_from_db()
    assert (draft.number, draft.status, draft.change_note) == (2, VersionStatus.DRAFT, "weights")
    assert rubric.active_version.number == 1


def test_a_draft_identical_to_the_active_version_creates_nothing():
    rubric = rubric_published()
    again = rubric_version_create_draft(rubric_id=rubric.pk, content=rubric_content())
    assert again.pk == rubric.active_version_id
    assert RubricVersion.objects.filter(rubric=rubric).count() == 1


def test_resending_the_same_draft_returns_the_existing_draft():
    rubric = rubric_published()
    first = rubric_version_create_draft(rubric_id=rubric.pk, content=changed_content())
    second = rubric_version_create_draft(rubric_id=rubric.pk, content=changed_content())
    assert first.pk == second.pk


def test_invalid_content_raises_an_application_error_listing_the_problems():
    rubric = rubric_published()
    with pytest.raises(ApplicationError) as caught:
        rubric_version_create_draft(rubric_id=rubric.pk, content=rubric_content(criteria=[criterion("a", 10)]))
    assert "sum to 100" in caught.value.message
    assert caught.value.extra["errors"]


def test_a_draft_can_be_edited_in_place():
    rubric = rubric_published()
    draft = rubric_version_create_draft(rubric_id=rubric.pk, content=changed_content())
    rubric_version_update_draft(version_id=draft.pk, content=rubric_content(na_rule="Never N/A."))
    draft.refresh_from_db()
    assert draft.content["na_rule"] == "Never N/A."


def test_a_published_version_cannot_be_changed_through_services():
    rubric = rubric_published()
    published = rubric.active_version
    with pytest.raises(ApplicationError, match="is published and cannot be changed"):
        rubric_version_update_draft(version_id=published.pk, content=changed_content())
    published.refresh_from_db()
    assert published.content == RubricVersion.objects.get(pk=published.pk).content
    assert [c["weight"] for c in published.content["criteria"]] == [60, 40]


def test_publishing_a_draft_makes_it_active_and_is_idempotent():
    rubric = rubric_published()
    draft = rubric_version_create_draft(rubric_id=rubric.pk, content=changed_content())
    rubric_version_publish(version_id=draft.pk)
    rubric_version_publish(version_id=draft.pk)
    rubric.refresh_from_db()
    draft.refresh_from_db()
    assert rubric.active_version_id == draft.pk
    assert draft.status == VersionStatus.PUBLISHED and draft.published_at is not None


def test_rollback_reactivates_an_older_published_version():
    rubric = rubric_published()
    v1 = rubric.active_version
    v2 = rubric_version_publish(
        version_id=rubric_version_create_draft(rubric_id=rubric.pk, content=changed_content()).pk
    )
    rubric_rollback(rubric_id=rubric.pk, version_id=v1.pk)
    rubric.refresh_from_db()
    assert rubric.active_version_id == v1.pk
    assert RubricVersion.objects.get(pk=v2.pk).status == VersionStatus.PUBLISHED


def test_rollback_to_a_draft_or_another_rubrics_version_is_refused():
    rubric, other = rubric_published(), rubric_published(dimension="engagement")
    draft = rubric_version_create_draft(rubric_id=rubric.pk, content=changed_content())
    with pytest.raises(ApplicationError, match="is a draft"):
        rubric_rollback(rubric_id=rubric.pk, version_id=draft.pk)
    with pytest.raises(NotFound):
        rubric_rollback(rubric_id=rubric.pk, version_id=other.active_version_id)


def test_two_rubrics_cannot_cover_the_same_scope():
    rubric_published(dimension="discovery", role="AE")
    with pytest.raises(ApplicationError, match="already covers discovery"):
        rubric_create(key="another", name="Another", dimension="discovery", role="ae")


def test_document_versions_follow_the_same_life_cycle():
    document = document_published(body="Growth costs $89.")
    v1 = document.active_version
    same = document_version_create_draft(document_id=document.pk, body="Growth costs $89.\r\n")
    assert same.pk == v1.pk
    draft = document_version_create_draft(document_id=document.pk, body="Growth costs $99.")
    document_version_publish(version_id=draft.pk)
    with pytest.raises(ApplicationError, match="is published"):
        document_version_update_draft(version_id=draft.pk, body="Growth is free.")
    document_rollback(document_id=document.pk, version_id=v1.pk)
    document.refresh_from_db()
    assert document.active_version.body == "Growth costs $89."
