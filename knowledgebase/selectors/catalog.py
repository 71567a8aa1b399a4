"""Listing and fetching rubrics, documents and their versions."""

from __future__ import annotations

from django.db.models import QuerySet

from core.errors import NotFound
from knowledgebase.models import Document, DocumentVersion, Rubric, RubricVersion


def rubric_list(*, dimension: str | None = None, role: str | None = None) -> QuerySet[Rubric]:
    """Rubrics with their active version, ordered by dimension and scope; optionally filtered."""
    rubrics = Rubric.objects.select_related("active_version").order_by("dimension", "role", "call_type", "key")
    if dimension:
        rubrics = rubrics.filter(dimension=dimension)
    if role is not None:
        rubrics = rubrics.filter(role=role.strip().upper())
    return rubrics


def rubric_get(*, rubric_id: int | None = None, key: str | None = None) -> Rubric:
    """One rubric by id or key; NotFound when missing."""
    try:
        if rubric_id is not None:
            return Rubric.objects.select_related("active_version").get(pk=rubric_id)
        return Rubric.objects.select_related("active_version").get(key=key)
    except (Rubric.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(f"Rubric {rubric_id or key!r} not found.") from exc


def rubric_version_get(*, version_id: int) -> RubricVersion:
    try:
        return RubricVersion.objects.select_related("rubric", "author").get(pk=version_id)
    except (RubricVersion.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(f"Rubric version {version_id!r} not found.") from exc


def rubric_version_list(*, rubric_id: int) -> QuerySet[RubricVersion]:
    """All versions of a rubric, newest first."""
    return RubricVersion.objects.filter(rubric_id=rubric_id).select_related("author").order_by("-number")


def document_list(*, kind: str | None = None, product: str | None = None) -> QuerySet[Document]:
    """Documents with their active version, ordered by kind and key."""
    documents = Document.objects.select_related("active_version").order_by("kind", "key")
    if kind:
        documents = documents.filter(kind=kind)
    if product:
        documents = documents.filter(product=product)
    return documents


def document_get(*, document_id: int | None = None, key: str | None = None) -> Document:
    """One document by id or key; NotFound when missing."""
    try:
        if document_id is not None:
            return Document.objects.select_related("active_version").get(pk=document_id)
        return Document.objects.select_related("active_version").get(key=key)
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(f"Document {document_id or key!r} not found.") from exc


def document_version_get(*, version_id: int) -> DocumentVersion:
    try:
        return DocumentVersion.objects.select_related("document", "author").get(pk=version_id)
    except (DocumentVersion.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(f"Document version {version_id!r} not found.") from exc


def document_version_list(*, document_id: int) -> QuerySet[DocumentVersion]:
    return DocumentVersion.objects.filter(document_id=document_id).select_related("author").order_by("-number")
