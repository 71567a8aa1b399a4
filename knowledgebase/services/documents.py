"""Writing product documents: the draft → publish → rollback life cycle of knowledgebase/services/lifecycle.py
(shared with rubrics), over a title and a Markdown body."""

from __future__ import annotations

import structlog
from django.db import IntegrityError, transaction

from core.errors import ApplicationError, NotFound
from knowledgebase.models import Document, DocumentKind, DocumentVersion
from knowledgebase.schemas import document_body_normalize, document_sha256
from knowledgebase.services.lifecycle import Prepared, Versioned

log = structlog.get_logger(__name__)


DOCUMENT_FIELDS = ("title", "kind", "product")
DOCUMENT = Versioned(kind="document", parent_model=Document, version_model=DocumentVersion, label=lambda d: d.title)


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(DOCUMENT_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown document fields: {', '.join(sorted(unknown))}")
    cleaned = {name: (value or "").strip() for name, value in fields.items()}
    if "kind" in cleaned and cleaned["kind"] not in DocumentKind.values:
        kinds = ", ".join(DocumentKind.values)
        raise ApplicationError(f"Unknown document kind {cleaned['kind']!r}; use one of {kinds}")
    if "title" in cleaned and not cleaned["title"]:
        raise ApplicationError("A document needs a title.")
    return cleaned


def _prepared(*, title: str, body: str) -> Prepared:
    """A version's title and body, cleaned and checked, and their sha256."""
    title, body = (title or "").strip(), document_body_normalize(body or "")
    if not title or not body:
        raise ApplicationError("A document version needs a title and a non-empty body.")
    if len(title) > 200:
        raise ApplicationError("The title is longer than 200 characters.")
    return {"title": title, "body": body}, document_sha256(title=title, body=body)


@transaction.atomic
def document_create(*, key: str, title: str, kind: str = DocumentKind.PRODUCT, product: str = "") -> Document:
    """Create a document (no versions yet). Re-creating an existing key returns the existing document."""
    fields = _clean_fields({"title": title, "kind": kind, "product": product})
    existing = Document.objects.filter(key=key).first()
    if existing is not None:
        return existing
    document = Document(key=key, **fields)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:
        raise ApplicationError(f"The document key {key!r} is taken.") from exc
    log.debug("kb.document_created", document_id=document.pk, key=key)
    return document


@transaction.atomic
def document_update(*, document_id: int, **fields: str) -> Document:
    """Change a document's title (as listed), kind or product; the versions' text is untouched."""
    return DOCUMENT.parent_update(
        parent_id=document_id, clean=lambda: _clean_fields(fields), save=lambda document: document.save()
    )


@transaction.atomic
def document_version_create_draft(
    *, document_id: int, body: str, title: str | None = None, author=None, change_note: str = ""
) -> DocumentVersion:
    """A new draft of the document. Text identical to the active version (or an existing draft) creates nothing
    and returns that version."""

    def prepare(document: Document) -> Prepared:
        return _prepared(title=title or document.title, body=body)

    return DOCUMENT.draft_create(parent_id=document_id, prepare=prepare, author=author, change_note=change_note)


@transaction.atomic
def document_version_submit(
    *, key: str, body: str, title: str | None = None, kind: str = "", author=None, change_note: str = ""
) -> tuple[Document, DocumentVersion, int | None]:
    """A new draft of document `key`, creating the document first when it is new (then `title` is needed).

    One transaction: a draft that is invalid (an empty body, a title too long) leaves no new, empty document
    behind. Returns (document, draft or the unchanged version, the active version id before).
    """
    document = Document.objects.filter(key=key).first()
    if document is None:
        if not (title or "").strip():
            raise NotFound(f"No document with key {key!r}; give a title (and a kind) to create it.")
        document = document_create(key=key, title=title, kind=kind or DocumentKind.PRODUCT)
    active_before = document.active_version_id
    version = document_version_create_draft(
        document_id=document.pk, body=body, title=title, author=author, change_note=change_note
    )
    return document, version, active_before


@transaction.atomic
def document_version_update_draft(
    *, version_id: int, body: str, title: str | None = None, change_note: str | None = None, author=None
) -> DocumentVersion:
    """Edit a draft in place. A published version is immutable: ApplicationError, nothing changes."""

    def prepare(version: DocumentVersion) -> Prepared:
        return _prepared(title=title or version.title, body=body)

    return DOCUMENT.draft_update(version_id=version_id, prepare=prepare, change_note=change_note, author=author)


@transaction.atomic
def document_rollback(*, document_id: int, version_id: int, user=None) -> DocumentVersion:
    """Re-activate an older published version of the document (a no-op if it is already active)."""
    return DOCUMENT.rollback(parent_id=document_id, version_id=version_id, user=user)


# Publishing a draft: the same step for every kind of versioned knowledge (lifecycle.py).
document_version_publish = DOCUMENT.publish
