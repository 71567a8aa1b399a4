"""The life cycle every piece of versioned knowledge shares — rubrics and product documents alike: editable
drafts, immutable published versions, one active version per parent, rollback to an older published one.

rubrics.py and documents.py validate their own content and describe their models with a `Versioned` (RUBRIC,
DOCUMENT), whose methods are the steps, once. Each step runs in a transaction (the caller's, or its own for
publish and rollback) and locks the rows it changes, so two editors (or a redelivered task) cannot publish over
each other; every step is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import structlog
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from core.errors import ApplicationError, NotFound
from knowledgebase.models import VersionStatus

log = structlog.get_logger(__name__)

# What a draft holds besides its bookkeeping: {"content": ...} for a rubric, {"title": ..., "body": ...} for a
# document, plus the sha256 of that content.
Prepared = tuple[dict, str]


@dataclass(frozen=True)
class Versioned:
    kind: str  # "rubric" | "document": messages, log events, the version's foreign key to its parent
    parent_model: type[models.Model]
    version_model: type[models.Model]
    label: Callable[[models.Model], str]  # how a parent is named in messages

    def locked_parent(self, parent_id: int) -> models.Model:
        try:
            return self.parent_model.objects.select_for_update().get(pk=parent_id)
        except self.parent_model.DoesNotExist as exc:
            raise NotFound(f"{self.kind.capitalize()} {parent_id} not found.") from exc

    def locked_version(self, version_id: int) -> models.Model:
        try:
            return self.version_model.objects.select_for_update().select_related(self.kind).get(pk=version_id)
        except self.version_model.DoesNotExist as exc:
            raise NotFound(f"{self.kind.capitalize()} version {version_id} not found.") from exc

    def parent_update(
        self, *, parent_id: int, clean: Callable[[], dict], save: Callable[[models.Model], None]
    ) -> models.Model:
        """Change a parent's own fields (`clean()` returns them, checked), never its versions' content."""
        parent = self.locked_parent(parent_id)
        for name, value in clean().items():
            setattr(parent, name, value)
        save(parent)
        return parent

    def draft_create(
        self, *, parent_id: int, prepare: Callable[[models.Model], Prepared], author, change_note: str
    ) -> models.Model:
        """A new draft of the parent with the content `prepare(parent)` returns. Content identical to the active
        version (or to an existing draft) creates nothing and returns that version instead."""
        parent = self.locked_parent(parent_id)
        fields, sha = prepare(parent)
        if parent.active_version_id and parent.active_version.sha256 == sha:
            return parent.active_version
        same_draft = parent.versions.filter(status=VersionStatus.DRAFT, sha256=sha).order_by("-number").first()
        if same_draft is not None:
            return same_draft
        number = (parent.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = self.version_model.objects.create(
            **{self.kind: parent}, number=number, **fields, sha256=sha, author=author, change_note=change_note[:500]
        )
        ids = {f"{self.kind}_id": parent.pk, "version_id": version.pk}
        log.debug(f"kb.{self.kind}_draft_created", **ids, number=number)
        return version

    def draft_update(
        self, *, version_id: int, prepare: Callable[[models.Model], Prepared], change_note: str | None, author
    ) -> models.Model:
        """Edit a draft in place with the content `prepare(version)` returns. A published version is immutable:
        ApplicationError, nothing changes."""
        version = self.locked_version(version_id)
        if version.status != VersionStatus.DRAFT:
            raise ApplicationError(
                f"{self.label(getattr(version, self.kind))} v{version.number} is published and cannot be changed; "
                "create a new draft."
            )
        fields, sha = prepare(version)
        for name, value in fields.items():
            setattr(version, name, value)
        version.sha256 = sha
        if change_note is not None:
            version.change_note = change_note[:500]
        if author is not None:
            version.author = author
        version.save(update_fields=[*fields, "sha256", "change_note", "author"])
        return version

    @transaction.atomic
    def publish(self, *, version_id: int, user=None) -> models.Model:
        """Publish a draft and make it its parent's active version (a no-op if it already is)."""
        version = self.locked_version(version_id)
        parent = self.locked_parent(getattr(version, f"{self.kind}_id"))
        if version.status == VersionStatus.PUBLISHED:
            if parent.active_version_id == version.pk:
                return version
            raise ApplicationError(f"v{version.number} is already published; roll back to it to make it active.")
        version.status, version.published_at = VersionStatus.PUBLISHED, timezone.now()
        version.save(update_fields=["status", "published_at"])
        self._activate(parent, version, event="published", user=user)
        return version

    @transaction.atomic
    def rollback(self, *, parent_id: int, version_id: int, user=None) -> models.Model:
        """Re-activate an older published version of the parent (a no-op if it is already active)."""
        parent = self.locked_parent(parent_id)
        version = parent.versions.filter(pk=version_id).first()
        if version is None:
            raise NotFound(f"Version {version_id} does not belong to {self.kind} {self.label(parent)}.")
        if version.status != VersionStatus.PUBLISHED:
            raise ApplicationError(f"v{version.number} is a draft; publish it instead of rolling back to it.")
        if parent.active_version_id != version.pk:
            self._activate(parent, version, event="rolled_back", user=user)
        return version

    def _activate(self, parent, version, *, event: str, user) -> None:
        parent.active_version = version
        parent.save(update_fields=["active_version", "updated_at"])
        ids = {f"{self.kind}_id": parent.pk, "version_id": version.pk, "user_id": getattr(user, "pk", None)}
        _audit(user)(f"kb.{self.kind}_{event}", **ids)


def _audit(user):
    """A person publishing or rolling back is an audit event (info); the seed doing it is routine (debug)."""
    return log.info if user is not None else log.debug
