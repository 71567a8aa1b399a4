"""Writing rubrics: drafts are editable, published versions never change, one version is active per rubric
(the life cycle is knowledgebase/services/lifecycle.py, shared with product documents).

Every function is idempotent under at-least-once delivery: re-sending the same draft returns the version that
already holds that content, and publishing or rolling back to the version that is already active is a no-op.
"""

from __future__ import annotations

import structlog
from django.db import IntegrityError, transaction
from pydantic import ValidationError

from core.errors import ApplicationError
from knowledgebase.dimensions import DIMENSIONS
from knowledgebase.models import Rubric, RubricVersion
from knowledgebase.schemas import RubricContent, rubric_content_parse, rubric_content_sha256, validation_messages
from knowledgebase.services.lifecycle import Prepared, Versioned

log = structlog.get_logger(__name__)


RUBRIC_FIELDS = ("name", "dimension", "role", "call_type", "description")
RUBRIC = Versioned(kind="rubric", parent_model=Rubric, version_model=RubricVersion, label=lambda rubric: rubric.name)


def rubric_content_normalize(*, content: dict | RubricContent) -> tuple[dict, str]:
    """(normalised content, sha256); ApplicationError listing every problem when the content is invalid."""
    try:
        parsed = content if isinstance(content, RubricContent) else rubric_content_parse(content)
    except ValidationError as exc:
        errors = validation_messages(exc)
        raise ApplicationError("Invalid rubric: " + "; ".join(errors), extra={"errors": errors}) from exc
    normalized = parsed.normalized()
    return normalized, rubric_content_sha256(normalized)


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
    return RUBRIC.parent_update(parent_id=rubric_id, clean=lambda: _clean_fields(fields), save=_save_scope_checked)


@transaction.atomic
def rubric_version_create_draft(
    *, rubric_id: int, content: dict | RubricContent, author=None, change_note: str = ""
) -> RubricVersion:
    """A new draft with `content`, validated. Content identical to the active version (or to an existing draft)
    creates nothing and returns that version instead."""
    normalized, sha = rubric_content_normalize(content=content)
    prepared = ({"content": normalized}, sha)
    return RUBRIC.draft_create(
        parent_id=rubric_id, prepare=lambda rubric: prepared, author=author, change_note=change_note
    )


@transaction.atomic
def rubric_version_update_draft(
    *, version_id: int, content: dict | RubricContent, change_note: str | None = None, author=None
) -> RubricVersion:
    """Edit a draft in place. A published version is immutable: ApplicationError, nothing changes."""

    def prepare(version: RubricVersion) -> Prepared:
        normalized, sha = rubric_content_normalize(content=content)
        return {"content": normalized}, sha

    return RUBRIC.draft_update(version_id=version_id, prepare=prepare, change_note=change_note, author=author)


@transaction.atomic
def rubric_rollback(*, rubric_id: int, version_id: int, user=None) -> RubricVersion:
    """Re-activate an older published version of the rubric (a no-op if it is already active)."""
    return RUBRIC.rollback(parent_id=rubric_id, version_id=version_id, user=user)


# Publishing a draft: the same step for every kind of versioned knowledge (lifecycle.py).
rubric_version_publish = RUBRIC.publish
