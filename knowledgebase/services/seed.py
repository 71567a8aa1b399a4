"""The knowledge base shipped with callcoach: default rubrics and the sample product docs (knowledgebase/defaults/).

Seeding only fills gaps. A rubric or document that already has any version — published or draft, shipped or
written by ops — is left exactly as it is, so re-running the seed (every `make demo`) never overwrites an edit.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from core.errors import ApplicationError
from knowledgebase.models import Document, Rubric
from knowledgebase.services.documents import document_create, document_version_create_draft, document_version_publish
from knowledgebase.services.rubrics import rubric_create, rubric_version_create_draft, rubric_version_publish
from knowledgebase.services.transfer import DEFAULTS_DIR, KnowledgeFiles, TransferReport, kb_files_read

SEED_NOTE = "Shipped default (seed_knowledgebase)"


def _seed_rubrics(files: KnowledgeFiles, report: TransferReport) -> None:
    for item in files.rubrics:
        rubric = Rubric.objects.filter(key=item.key).first()
        if rubric is not None and rubric.versions.exists():
            report.unchanged += 1
            continue
        try:
            with transaction.atomic():
                rubric = rubric or rubric_create(**item.identity())
                version = rubric_version_create_draft(rubric_id=rubric.pk, content=item.content, change_note=SEED_NOTE)
                rubric_version_publish(version_id=version.pk)
        except ApplicationError as exc:  # e.g. ops already made their own rubric for this scope
            report.skipped.append(f"{item.key}: {exc.message}")
            continue
        report.rubrics += 1
        report.published += 1


def _seed_documents(files: KnowledgeFiles, report: TransferReport) -> None:
    for item in files.documents:
        document = Document.objects.filter(key=item.key).first()
        if document is not None and document.versions.exists():
            report.unchanged += 1
            continue
        document = document or document_create(**item.identity())
        version = document_version_create_draft(
            document_id=document.pk, title=item.title, body=item.body, change_note=SEED_NOTE
        )
        document_version_publish(version_id=version.pk)
        report.documents += 1
        report.published += 1


def kb_seed(*, directory: Path = DEFAULTS_DIR) -> TransferReport:
    """Create and publish v1 of every default rubric and document that has no version yet (idempotent).

    The report counts what was created (`rubrics`, `documents`), what was already there (`unchanged`) and
    defaults that could not be placed (`skipped`, with the reason)."""
    files = kb_files_read(directory=directory)
    report = TransferReport()
    with transaction.atomic():
        _seed_rubrics(files, report)
        _seed_documents(files, report)
    return report
