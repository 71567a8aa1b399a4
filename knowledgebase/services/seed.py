"""The knowledge base shipped with callcoach: generic default rubrics (knowledgebase/defaults/rubrics/), and for
the demo the simulator's sample product (knowledgebase/defaults/demo/: its product documents, and the keywords
its planted behaviours use, added to the default rubrics' indicators). A real deployment seeds the generic
rubrics only: nothing of the simulator reaches a request unless `--demo` loaded it.

Seeding only fills gaps. A rubric or document that already has any version — published or draft, shipped or
written by ops — is left exactly as it is, so re-running the seed (every `make demo`) never overwrites an edit.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from core.errors import ApplicationError
from knowledgebase.formats import yaml_load
from knowledgebase.models import Document, Rubric
from knowledgebase.schemas import RubricContent
from knowledgebase.services.documents import document_create, document_version_create_draft, document_version_publish
from knowledgebase.services.rubrics import rubric_create, rubric_version_create_draft, rubric_version_publish
from knowledgebase.services.transfer import DEFAULTS_DIR, KnowledgeFiles, TransferReport, kb_files_read

SEED_NOTE = "Shipped default (seed_knowledgebase)"
DEMO_DIR = DEFAULTS_DIR / "demo"


def _with_keywords(content: dict, overlay: dict) -> dict:
    """Rubric content with the overlay's keywords added to its indicators (by criterion key and position)."""
    criteria = []
    for criterion in content["criteria"]:
        extra = overlay.get(criterion["key"], {})
        criterion = dict(criterion)
        for sign in ("positive", "negative"):
            lists = extra.get(sign, [])
            criterion[f"{sign}_indicators"] = [
                {**indicator, "keywords": [*indicator.get("keywords", []), *(lists[i] if i < len(lists) else [])]}
                for i, indicator in enumerate(criterion[f"{sign}_indicators"])
            ]
        criteria.append(criterion)
    return {**content, "criteria": criteria}


def demo_files(files: KnowledgeFiles, *, directory: Path = DEMO_DIR) -> KnowledgeFiles:
    """The default files plus the demo's: its product documents, and its keywords on the rubrics' indicators."""
    demo = kb_files_read(directory=directory)
    overlay = yaml_load((directory / "indicators.yaml").read_text(encoding="utf-8")) or {}
    rubrics = [
        item.model_copy(
            update={
                "content": RubricContent.model_validate(
                    _with_keywords(item.content.normalized(), overlay.get(item.key, {}))
                )
            }
        )
        for item in files.rubrics
    ]
    return KnowledgeFiles(rubrics=rubrics + demo.rubrics, documents=files.documents + demo.documents)


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


def kb_seed(*, directory: Path = DEFAULTS_DIR, demo: bool = False) -> TransferReport:
    """Create and publish v1 of every default rubric and document that has no version yet (idempotent).

    `demo` adds the simulator's sample product (see the module docstring). The report counts what was created
    (`rubrics`, `documents`), what was already there (`unchanged`) and defaults that could not be placed
    (`skipped`, with the reason)."""
    files = kb_files_read(directory=directory)
    if demo:
        files = demo_files(files)
    report = TransferReport()
    with transaction.atomic():
        _seed_rubrics(files, report)
        _seed_documents(files, report)
    return report
