"""Writing rubrics: drafts are editable, published versions never change, one version is active per rubric.

Every function is idempotent under at-least-once delivery: re-sending the same draft returns the version that
already holds that content, and publishing or rolling back to the version that is already active is a no-op.
"""

from __future__ import annotations

import structlog
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from pydantic import ValidationError

from core.errors import ApplicationError, NotFound
from knowledgebase.dimensions import DIMENSIONS
from knowledgebase.models import Rubric, RubricVersion, VersionStatus
from knowledgebase.schemas import RubricContent, rubric_content_parse, rubric_content_sha256, validation_messages

log = structlog.get_logger(__name__)


def _audit(user):
    """A person publishing or rolling back is an audit event (info); the seed doing it is routine (debug)."""
    return log.info if user is not None else log.debug


RUBRIC_FIELDS = ("name", "dimension", "role", "call_type", "description")


def rubric_content_normalize(*, content: dict | RubricContent) -> tuple[dict, str]:
    """(normalised content, sha256); ApplicationError listing every problem when the content is invalid."""
    try:
        parsed = content if isinstance(content, RubricContent) else rubric_content_parse(content)
    except ValidationError as exc:
        errors = validation_messages(exc)
        raise ApplicationError("Invalid rubric: " + "; ".join(errors), extra={"errors": errors}) from exc
    normalized = parsed.normalized()
    return normalized, rubric_content_sha256(normalized)


def _locked_rubric(rubric_id: int) -> Rubric:
    try:
        return Rubric.objects.select_for_update().get(pk=rubric_id)
    except Rubric.DoesNotExist as exc:
        raise NotFound(f"Rubric {rubric_id} not found.") from exc


def _locked_version(version_id: int) -> RubricVersion:
    try:
        return RubricVersion.objects.select_for_update().select_related("rubric").get(pk=version_id)
    except RubricVersion.DoesNotExist as exc:
        raise NotFound(f"Rubric version {version_id} not found.") from exc


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(RUBRIC_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown rubric fields: {', '.join(sorted(unknown))}")
    cleaned = {name: (value or "").strip() for name, value in fields.items()}
    if "role" in cleaned:
        cleaned["role"] = cleaned["role"].upper()
    if "dimension" in cleaned and cleaned["dimension"] not in DIMENSIONS:
        raise ApplicationError(f"Unknown dimension {cleaned['dimension']!r}; use one of {', '.join(DIMENSIONS)}")
    if "name" in cleaned and not cleaned["name"]:
        raise ApplicationError("A rubric needs a name.")
    return cleaned


def _save_scope_checked(rubric: Rubric) -> None:
    try:
        with transaction.atomic():
            rubric.save()
    except IntegrityError as exc:
        raise ApplicationError(
            f"Another rubric already covers {rubric.dimension} for role {rubric.role or 'any'} and call type "
            f"{rubric.call_type or 'any'} (or the key {rubric.key!r} is taken)."
        ) from exc


@transaction.atomic
def rubric_create(
    *, key: str, name: str, dimension: str, role: str = "", call_type: str = "", description: str = ""
) -> Rubric:
    """Create a rubric (no versions yet). Re-creating the same key with the same scope returns the existing one."""
    fields = _clean_fields(
        {"name": name, "dimension": dimension, "role": role, "call_type": call_type, "description": description}
    )
    existing = Rubric.objects.filter(key=key).first()
    if existing is not None:
        if (existing.dimension, existing.role, existing.call_type) != (
            fields["dimension"],
            fields["role"],
            fields["call_type"],
        ):
            raise ApplicationError(f"Rubric {key!r} already exists with a different scope.")
        return existing
    rubric = Rubric(key=key, **fields)
    _save_scope_checked(rubric)
    log.debug("kb.rubric_created", rubric_id=rubric.pk, key=key)
    return rubric


@transaction.atomic
def rubric_update(*, rubric_id: int, **fields: str) -> Rubric:
    """Change a rubric's name, description or scope (never its versions' content)."""
    rubric = _locked_rubric(rubric_id)
    for name, value in _clean_fields(fields).items():
        setattr(rubric, name, value)
    _save_scope_checked(rubric)
    return rubric


@transaction.atomic
def rubric_version_create_draft(
    *, rubric_id: int, content: dict | RubricContent, author=None, change_note: str = ""
) -> RubricVersion:
    """A new draft with `content`, validated. Content identical to the active version (or to an existing draft)
    creates nothing and returns that version instead."""
    normalized, sha = rubric_content_normalize(content=content)
    rubric = _locked_rubric(rubric_id)
    if rubric.active_version_id and rubric.active_version.sha256 == sha:
        return rubric.active_version
    same_draft = rubric.versions.filter(status=VersionStatus.DRAFT, sha256=sha).order_by("-number").first()
    if same_draft is not None:
        return same_draft
    number = (rubric.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = RubricVersion.objects.create(
        rubric=rubric, number=number, content=normalized, sha256=sha, author=author, change_note=change_note[:500]
    )
    log.debug("kb.rubric_draft_created", rubric_id=rubric.pk, version_id=version.pk, number=number)
    return version


@transaction.atomic
def rubric_version_update_draft(
    *, version_id: int, content: dict | RubricContent, change_note: str | None = None, author=None
) -> RubricVersion:
    """Edit a draft in place. A published version is immutable: ApplicationError, nothing changes."""
    version = _locked_version(version_id)
    if version.status != VersionStatus.DRAFT:
        raise ApplicationError(
            f"{version.rubric.name} v{version.number} is published and cannot be changed; create a new draft."
        )
    normalized, sha = rubric_content_normalize(content=content)
    version.content, version.sha256 = normalized, sha
    if change_note is not None:
        version.change_note = change_note[:500]
    if author is not None:
        version.author = author
    version.save(update_fields=["content", "sha256", "change_note", "author"])
    return version


@transaction.atomic
def rubric_version_publish(*, version_id: int, user=None) -> RubricVersion:
    """Publish a draft and make it the rubric's active version (a no-op if it already is)."""
    version = _locked_version(version_id)
    rubric = _locked_rubric(version.rubric_id)
    if version.status == VersionStatus.PUBLISHED:
        if rubric.active_version_id == version.pk:
            return version
        raise ApplicationError(f"v{version.number} is already published; roll back to it to make it active.")
    version.status, version.published_at = VersionStatus.PUBLISHED, timezone.now()
    version.save(update_fields=["status", "published_at"])
    rubric.active_version = version
    rubric.save(update_fields=["active_version", "updated_at"])
    _audit(user)("kb.rubric_published", rubric_id=rubric.pk, version_id=version.pk, user_id=getattr(user, "pk", None))
    return version


@transaction.atomic
def rubric_rollback(*, rubric_id: int, version_id: int, user=None) -> RubricVersion:
    """Re-activate an older published version of the rubric (a no-op if it is already active)."""
    rubric = _locked_rubric(rubric_id)
    version = rubric.versions.filter(pk=version_id).first()
    if version is None:
        raise NotFound(f"Version {version_id} does not belong to rubric {rubric.name}.")
    if version.status != VersionStatus.PUBLISHED:
        raise ApplicationError(f"v{version.number} is a draft; publish it instead of rolling back to it.")
    if rubric.active_version_id != version.pk:
        rubric.active_version = version
        rubric.save(update_fields=["active_version", "updated_at"])
        _audit(user)(
            "kb.rubric_rolled_back", rubric_id=rubric.pk, version_id=version.pk, user_id=getattr(user, "pk", None)
        )
    return version
