import pytest

from knowledgebase.selectors import knowledge_snapshot_get, knowledge_version_hash
from knowledgebase.services import (
    document_version_create_draft,
    document_version_publish,
    rubric_version_create_draft,
    rubric_version_publish,
)
from tests.factories.knowledgebase import criterion, document_published, rubric_content, rubric_published

pytestmark = pytest.mark.django_db


def test_the_most_specific_active_rubric_wins_for_each_dimension():
    generic = rubric_published(dimension="discovery")
    for_se = rubric_published(dimension="discovery", role="SE")
    for_se_demo = rubric_published(dimension="discovery", role="SE", call_type="demo")
    for_demo = rubric_published(dimension="discovery", call_type="demo")
    assert knowledge_snapshot_get().rubrics["discovery"].rubric_id == generic.pk
    assert knowledge_snapshot_get(role="se").rubrics["discovery"].rubric_id == for_se.pk
    assert knowledge_snapshot_get(role="SE", call_type="demo").rubrics["discovery"].rubric_id == for_se_demo.pk
    assert knowledge_snapshot_get(role="AE", call_type="demo").rubrics["discovery"].rubric_id == for_demo.pk


def test_snapshot_carries_active_content_documents_and_version_ids():
    rubric = rubric_published(dimension="engagement")
    document = document_published(key="pricing-and-packaging")
    snapshot = knowledge_snapshot_get()
    assert snapshot.rubrics["engagement"].content == rubric.active_version.content
    assert [d.key for d in snapshot.documents] == ["pricing-and-packaging"]
    assert snapshot.versions() == {
        "rubrics": {"engagement": rubric.active_version_id},
        "documents": {"pricing-and-packaging": document.active_version_id},
    }


def test_hash_is_stable_when_nothing_really_changes():
    rubric = rubric_published()
    document_published(body="Body.")
    before = knowledge_version_hash()
    rubric_version_create_draft(rubric_id=rubric.pk, content=rubric_content())  # identical: no new version
    assert knowledge_version_hash() == before == knowledge_snapshot_get().hash


def test_hash_ignores_unpublished_drafts():
    rubric = rubric_published()
    before = knowledge_version_hash()
    changed = rubric_content(criteria=[criterion("open_questions", 50), criterion("next_steps", 50)])
    rubric_version_create_draft(rubric_id=rubric.pk, content=changed)
    assert knowledge_version_hash() == before


def test_hash_changes_when_a_rubric_change_is_published():
    rubric = rubric_published()
    before = knowledge_version_hash()
    changed = rubric_content(criteria=[criterion("open_questions", 50), criterion("next_steps", 50)])
    rubric_version_publish(version_id=rubric_version_create_draft(rubric_id=rubric.pk, content=changed).pk)
    after = knowledge_version_hash()
    assert after != before
    assert after == knowledge_snapshot_get().hash


def test_hash_changes_when_a_document_change_is_published():
    document = document_published(body="Growth costs $89.")
    before = knowledge_version_hash()
    draft = document_version_create_draft(document_id=document.pk, body="Growth costs $99.")
    document_version_publish(version_id=draft.pk)
    assert knowledge_version_hash() != before


def test_hash_depends_on_which_rubric_applies_to_the_role():
    rubric_published(dimension="product_knowledge")
    rubric_published(
        dimension="product_knowledge",
        role="SE",
        content=rubric_content(criteria=[criterion("depth", 100)]),
    )
    assert knowledge_version_hash(role="SE") == knowledge_snapshot_get(role="SE").hash
    assert knowledge_version_hash(role="SE") != knowledge_version_hash(role="AE")


def test_hash_changes_when_a_rubric_is_renamed_because_the_prompt_names_it():
    from knowledgebase.services import rubric_update

    rubric = rubric_published()
    before = knowledge_version_hash()
    rubric_update(rubric_id=rubric.pk, name="Discovery (SPIN, 2027 edition)")
    assert knowledge_version_hash() != before
    assert knowledge_version_hash() == knowledge_snapshot_get().hash


def test_the_snapshot_a_run_was_made_with_is_rebuilt_from_its_versions_whatever_is_active_now():
    from knowledgebase.selectors import knowledge_snapshot_at

    rubric = rubric_published(content=rubric_content())
    document_published(title="Price list", body="Growth costs $89.")
    then = knowledge_snapshot_get()
    rubric_version_publish(
        version_id=rubric_version_create_draft(
            rubric_id=rubric.pk, content=rubric_content(criteria=[criterion("open_questions", 100)])
        ).pk
    )
    document_published(title="New list", body="Growth costs $99.")
    assert knowledge_snapshot_get().hash != then.hash
    again = knowledge_snapshot_at(versions=then.versions())
    assert again == then  # the same rubrics, documents and hash
    assert knowledge_snapshot_at(versions={"rubrics": {"discovery": 10**9}, "documents": {}}) is None
