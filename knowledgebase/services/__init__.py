"""Write side of the knowledge base. Other apps import from here (``knowledgebase.services``)."""

from knowledgebase.services.documents import (
    document_create,
    document_rollback,
    document_update,
    document_version_create_draft,
    document_version_publish,
    document_version_submit,
    document_version_update_draft,
)
from knowledgebase.services.rubrics import (
    rubric_content_normalize,
    rubric_create,
    rubric_rollback,
    rubric_update,
    rubric_version_create_draft,
    rubric_version_publish,
    rubric_version_update_draft,
)
from knowledgebase.services.seed import kb_seed
from knowledgebase.services.transfer import (
    DEFAULTS_DIR,
    KnowledgeFiles,
    TransferReport,
    kb_export,
    kb_files_collect,
    kb_files_read,
    kb_import,
)

__all__ = [
    "DEFAULTS_DIR",
    "KnowledgeFiles",
    "TransferReport",
    "document_create",
    "document_rollback",
    "document_update",
    "document_version_create_draft",
    "document_version_publish",
    "document_version_submit",
    "document_version_update_draft",
    "kb_export",
    "kb_files_collect",
    "kb_files_read",
    "kb_import",
    "kb_seed",
    "rubric_content_normalize",
    "rubric_create",
    "rubric_rollback",
    "rubric_update",
    "rubric_version_create_draft",
    "rubric_version_publish",
    "rubric_version_update_draft",
]
