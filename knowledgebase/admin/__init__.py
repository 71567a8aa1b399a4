"""Knowledge-base admin: rubrics and product documents, edited by coaching ops, readable by all staff."""

from knowledgebase.admin.documents import DocumentAdmin, DocumentVersionAdmin
from knowledgebase.admin.rubrics import RubricAdmin, RubricVersionAdmin

__all__ = ["DocumentAdmin", "DocumentVersionAdmin", "RubricAdmin", "RubricVersionAdmin"]
