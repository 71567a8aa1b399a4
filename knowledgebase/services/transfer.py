"""Rubrics and documents to and from files (so teams can keep them in git), and the shipped defaults.

Layout of a knowledge-base directory: ``rubrics/<key>.yaml|.yml|.json|.md`` and ``docs/<key>.md|.json``.
Every file is parsed and validated before anything is written, and all writes happen in one transaction, so a
bad file leaves the database as it was. Reading and writing files happens outside transactions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from pydantic import ValidationError

from core.errors import ApplicationError
from knowledgebase.formats import (
    DocumentFile,
    Format,
    RubricFile,
    document_file_dump,
    document_file_parse,
    format_for_suffix,
    rubric_file_dump,
    rubric_file_parse,
)
from knowledgebase.models import Document, Rubric, VersionStatus
from knowledgebase.schemas import validation_messages
from knowledgebase.services.documents import (
    document_create,
    document_update,
    document_version_create_draft,
    document_version_publish,
)
from knowledgebase.services.rubrics import (
    rubric_create,
    rubric_update,
    rubric_version_create_draft,
    rubric_version_publish,
)

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "defaults"
SUFFIXES: dict[str, dict[str, str]] = {
    "yaml": {"rubrics": ".yaml", "docs": ".md"},
    "json": {"rubrics": ".json", "docs": ".json"},
    "md": {"rubrics": ".md", "docs": ".md"},
}


@dataclass
class TransferReport:
    rubrics: int = 0
    documents: int = 0
    drafted: int = 0  # new draft versions created
    published: int = 0
    unchanged: int = 0  # content identical to what was there (no new version)
    skipped: list[str] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)

    def summary(self, verb: str) -> str:
        line = (
            f"{verb} {self.rubrics} rubrics and {self.documents} documents: {self.drafted} new versions, "
            f"{self.published} published, {self.unchanged} unchanged"
        )
        return line + (f", {len(self.skipped)} skipped ({'; '.join(self.skipped)})" if self.skipped else "")


@dataclass(frozen=True)
class KnowledgeFiles:
    rubrics: list[RubricFile]
    documents: list[DocumentFile]


def _parse(path: Path, *, kind: str):
    fmt = format_for_suffix(path.suffix)
    try:
        text = path.read_text(encoding="utf-8")
        if kind == "rubrics":
            return rubric_file_parse(text, fmt=fmt)
        return document_file_parse(text, fmt="json" if fmt == "json" else "md")
    except ValidationError as exc:
        raise ApplicationError(f"{path}: " + "; ".join(validation_messages(exc))) from exc
    except (ValueError, yaml.YAMLError, OSError) as exc:
        raise ApplicationError(f"{path}: {exc}") from exc


def kb_files_read(*, directory: Path) -> KnowledgeFiles:
    """Parse every rubric and document file under `directory` (ApplicationError naming the first bad file)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ApplicationError(f"{directory} is not a directory.")
    found: dict[str, list] = {"rubrics": [], "docs": []}
    for kind, allowed in (("rubrics", {"yaml", "json", "md"}), ("docs", {"json", "md"})):
        for path in sorted((directory / kind).glob("*")):
            if path.is_file() and format_for_suffix(path.suffix) in allowed:
                found[kind].append(_parse(path, kind=kind))
    for kind, items in found.items():
        keys = [item.key for item in items]
        if len(keys) != len(set(keys)):
            raise ApplicationError(f"{directory / kind}: the same key appears in more than one file.")
    return KnowledgeFiles(rubrics=found["rubrics"], documents=found["docs"])


def _tally(report: TransferReport, *, version, before: int | None, publish, user) -> None:
    """Count what a draft call did; `publish` is the publish service to call, or None."""
    if version.pk == before:
        report.unchanged += 1
    elif version.status == VersionStatus.DRAFT:
        report.drafted += 1
    if publish is not None and version.status == VersionStatus.DRAFT:
        publish(version_id=version.pk, user=user)
        report.published += 1


@transaction.atomic
def kb_import(*, files: KnowledgeFiles, publish: bool = False, author=None) -> TransferReport:
    """Create or update rubrics and documents from parsed files. New content becomes a draft (published with
    `publish`); content equal to the active version creates nothing."""
    report = TransferReport()
    for item in files.rubrics:
        identity = item.identity()
        rubric = Rubric.objects.filter(key=item.key).first()
        if rubric is None:
            rubric = rubric_create(**identity)
        else:
            rubric = rubric_update(rubric_id=rubric.pk, **{k: v for k, v in identity.items() if k != "key"})
        version = rubric_version_create_draft(
            rubric_id=rubric.pk, content=item.content, author=author, change_note="Imported from file"
        )
        publish_fn = rubric_version_publish if publish else None
        _tally(report, version=version, before=rubric.active_version_id, publish=publish_fn, user=author)
        report.rubrics += 1
    for item in files.documents:
        document = Document.objects.filter(key=item.key).first()
        if document is None:
            document = document_create(**item.identity())
        else:
            document = document_update(document_id=document.pk, kind=item.kind, product=item.product)
        version = document_version_create_draft(
            document_id=document.pk, title=item.title, body=item.body, author=author, change_note="Imported from file"
        )
        publish_fn = document_version_publish if publish else None
        _tally(report, version=version, before=document.active_version_id, publish=publish_fn, user=author)
        report.documents += 1
    return report


def _rubric_file(rubric: Rubric) -> RubricFile | None:
    version = rubric.active_version or rubric.versions.order_by("-number").first()
    if version is None:
        return None
    return RubricFile(
        key=rubric.key,
        name=rubric.name,
        dimension=rubric.dimension,
        role=rubric.role,
        call_type=rubric.call_type,
        description=rubric.description,
        version=version.number,
        sha256=version.sha256,
        content=version.content,
    )


def _document_file(document: Document) -> DocumentFile | None:
    version = document.active_version or document.versions.order_by("-number").first()
    if version is None:
        return None
    return DocumentFile(
        key=document.key,
        title=version.title,
        kind=document.kind,
        product=document.product,
        version=version.number,
        sha256=version.sha256,
        body=version.body,
    )


def kb_files_collect() -> KnowledgeFiles:
    """The active version (or, if none is published, the latest draft) of every rubric and document."""
    rubrics = [_rubric_file(rubric) for rubric in Rubric.objects.select_related("active_version").order_by("key")]
    documents = [_document_file(doc) for doc in Document.objects.select_related("active_version").order_by("key")]
    return KnowledgeFiles(rubrics=[r for r in rubrics if r], documents=[d for d in documents if d])


def kb_export(*, directory: Path, fmt: Format = "yaml") -> TransferReport:
    """Write every rubric and document to `directory` (rubrics/, docs/), one file each, named by key."""
    if fmt not in SUFFIXES:
        raise ApplicationError(f"Unknown format {fmt!r}; use yaml, json or md.")
    files = kb_files_collect()
    report = TransferReport(rubrics=len(files.rubrics), documents=len(files.documents))
    jobs = (("rubrics", files.rubrics, rubric_file_dump), ("docs", files.documents, document_file_dump))
    for kind, items, dump in jobs:
        suffix = SUFFIXES[fmt][kind]
        target = Path(directory) / kind
        target.mkdir(parents=True, exist_ok=True)
        for item in items:
            path = target / f"{item.key}{suffix}"
            path.write_text(dump(item, fmt=format_for_suffix(suffix)), encoding="utf-8")
            report.paths.append(path)
    return report
