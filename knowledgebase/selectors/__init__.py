"""Read side of the knowledge base. Other apps import from here (``knowledgebase.selectors``)."""

from knowledgebase.selectors.catalog import (
    document_get,
    document_list,
    document_version_get,
    document_version_list,
    rubric_get,
    rubric_list,
    rubric_version_get,
    rubric_version_list,
)
from knowledgebase.selectors.diff import DocumentDiff, RubricDiff, document_version_diff, rubric_version_diff
from knowledgebase.selectors.search import KbSearchHit, kb_search
from knowledgebase.selectors.snapshot import (
    DocumentSnapshot,
    KnowledgeSnapshot,
    RubricSnapshot,
    knowledge_snapshot_at,
    knowledge_snapshot_get,
    knowledge_version_hash,
)

__all__ = [
    "DocumentDiff",
    "DocumentSnapshot",
    "KbSearchHit",
    "KnowledgeSnapshot",
    "RubricDiff",
    "RubricSnapshot",
    "document_get",
    "document_list",
    "document_version_diff",
    "document_version_get",
    "document_version_list",
    "kb_search",
    "knowledge_snapshot_at",
    "knowledge_snapshot_get",
    "knowledge_version_hash",
    "rubric_get",
    "rubric_list",
    "rubric_version_diff",
    "rubric_version_get",
    "rubric_version_list",
]
