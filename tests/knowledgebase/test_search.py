import pytest

from knowledgebase.selectors import kb_search
from knowledgebase.services import document_version_create_draft
from tests.factories.knowledgebase import document_published

pytestmark = pytest.mark.django_db


def test_search_finds_a_document_by_a_word_in_its_body():
    document_published(key="integrations", title="Integrations", body="Teams connect Dynamics through Segment.")
    document_published(key="pricing", title="Pricing", body="Growth costs $89 per user per month.")
    hits = kb_search(query="dynamics")
    assert [hit.key for hit in hits] == ["integrations"]
    assert "«Dynamics»" in hits[0].snippet
    assert hits[0].rank > 0


def test_search_uses_english_stemming_and_ignores_empty_queries():
    document_published(key="sync", title="Warehouse", body="Beacon syncs with Snowflake every 15 minutes.")
    assert [hit.key for hit in kb_search(query="syncing")] == ["sync"]
    assert kb_search(query="   ") == []


def test_search_only_looks_at_active_versions():
    document = document_published(key="pricing", title="Pricing", body="Growth costs $89.")
    document_version_create_draft(document_id=document.pk, body="Growth now includes a unicorn.")
    assert kb_search(query="unicorn") == []
    assert [hit.key for hit in kb_search(query="growth")] == ["pricing"]
