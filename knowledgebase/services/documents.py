"""Writing product documents: the same draft → publish → rollback life cycle as rubrics, over a Markdown body."""

from __future__ import annotations

import structlog
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from core.errors import ApplicationError, NotFound
from knowledgebase.models import Document, DocumentKind, DocumentVersion, VersionStatus
from knowledgebase.schemas import document_body_normalize, document_sha256

log = structlog.get_logger(__name__)


def _audit(user):
    """A person publishing or rolling back is an audit event (info); the seed doing it is routine (debug)."""
    return log.info if user is not None else log.debug


DOCUMENT_FIELDS = ("title", "kind", "product")


def _locked_document(document_id: int) -> Document:
    try:
        return Document.objects.select_for_update().get(pk=document_id)
    except Document.DoesNotExist as exc:
        raise NotFound(f"Document {document_id} not found.") from exc


def _locked_version(version_id: int) -> DocumentVersion:
    try:
        return DocumentVersion.objects.select_for_update().select_related("document").get(pk=version_id)
    except DocumentVersion.DoesNotExist as exc:
        raise NotFound(f"Document version {version_id} not found.") from exc


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


def _clean_text(*, title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), document_body_normalize(body or "")
    if not title or not body:
        raise ApplicationError("A document version needs a title and a non-empty body.")
    if len(title) > 200:
        raise ApplicationError("The title is longer than 200 characters.")
    return title, body


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
    document = _locked_document(document_id)
    for name, value in _clean_fields(fields).items():
        setattr(document, name, value)
    document.save()
    return document


@transaction.atomic
def document_version_create_draft(
    *, document_id: int, body: str, title: str | None = None, author=None, change_note: str = ""
) -> DocumentVersion:
    """A new draft of the document. Text identical to the active version (or an existing draft) creates nothing
    and returns that version."""
    document = _locked_document(document_id)
    title, body = _clean_text(title=title or document.title, body=body)
    sha = document_sha256(title=title, body=body)
    if document.active_version_id and document.active_version.sha256 == sha:
        return document.active_version
    same_draft = document.versions.filter(status=VersionStatus.DRAFT, sha256=sha).order_by("-number").first()
    if same_draft is not None:
        return same_draft
    number = (document.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        title=title,
        body=body,
        sha256=sha,
        author=author,
        change_note=change_note[:500],
    )
    log.debug("kb.document_draft_created", document_id=document.pk, version_id=version.pk, number=number)
    return version


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
    version = _locked_version(version_id)
    if version.status != VersionStatus.DRAFT:
        raise ApplicationError(
            f"{version.document.title} v{version.number} is published and cannot be changed; create a new draft."
        )
    version.title, version.body = _clean_text(title=title or version.title, body=body)
    version.sha256 = document_sha256(title=version.title, body=version.body)
    if change_note is not None:
        version.change_note = change_note[:500]
    if author is not None:
        version.author = author
    version.save(update_fields=["title", "body", "sha256", "change_note", "author"])
    return version


@transaction.atomic
def document_version_publish(*, version_id: int, user=None) -> DocumentVersion:
    """Publish a draft and make it the document's active version (a no-op if it already is)."""
    version = _locked_version(version_id)
    document = _locked_document(version.document_id)
    if version.status == VersionStatus.PUBLISHED:
        if document.active_version_id == version.pk:
            return version
        raise ApplicationError(f"v{version.number} is already published; roll back to it to make it active.")
    version.status, version.published_at = VersionStatus.PUBLISHED, timezone.now()
    version.save(update_fields=["status", "published_at"])
    document.active_version = version
    document.save(update_fields=["active_version", "updated_at"])
    _audit(user)(
        "kb.document_published", document_id=document.pk, version_id=version.pk, user_id=getattr(user, "pk", None)
    )
    return version


@transaction.atomic
def document_rollback(*, document_id: int, version_id: int, user=None) -> DocumentVersion:
    """Re-activate an older published version of the document (a no-op if it is already active)."""
    document = _locked_document(document_id)
    version = document.versions.filter(pk=version_id).first()
    if version is None:
        raise NotFound(f"Version {version_id} does not belong to document {document.title}.")
    if version.status != VersionStatus.PUBLISHED:
        raise ApplicationError(f"v{version.number} is a draft; publish it instead of rolling back to it.")
    if document.active_version_id != version.pk:
        document.active_version = version
        document.save(update_fields=["active_version", "updated_at"])
        _audit(user)(
            "kb.document_rolled_back", document_id=document.pk, version_id=version.pk, user_id=getattr(user, "pk", None)
        )
    return version
