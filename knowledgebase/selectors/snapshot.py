"""The analysis contract: which rubric and product docs a call is scored against, and one hash for them.

The hash goes into the analysis cache key, so it covers exactly what a prompt would contain: for each dimension
the most specific active rubric (role + call type > role > call type > generic), and every active document.
It is taken over content hashes and keys, never database ids or timestamps, so re-saving an unchanged rubric or
re-seeding a fresh database gives the same value, and any real edit gives a new one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Value

from knowledgebase.dimensions import DIMENSIONS
from knowledgebase.models import Document, DocumentVersion, Rubric, RubricVersion
from knowledgebase.schemas import sha256_of


@dataclass(frozen=True)
class RubricSnapshot:
    rubric_id: int
    version_id: int
    number: int
    key: str
    name: str
    dimension: str
    content: dict
    sha256: str


@dataclass(frozen=True)
class DocumentSnapshot:
    document_id: int
    version_id: int
    key: str
    title: str
    kind: str
    body: str
    sha256: str


@dataclass(frozen=True)
class KnowledgeSnapshot:
    """Active rubrics by dimension value and active documents (ordered by kind, key), with their hash."""

    rubrics: dict[str, RubricSnapshot]
    documents: tuple[DocumentSnapshot, ...]
    hash: str
    role: str = ""
    call_type: str = ""

    def versions(self) -> dict[str, dict[str, int]]:
        """Version ids to store on an analysis run: {"rubrics": {dimension: id}, "documents": {key: id}}."""
        return {
            "rubrics": {dimension: rubric.version_id for dimension, rubric in sorted(self.rubrics.items())},
            "documents": {document.key: document.version_id for document in self.documents},
        }


def _scope(role: str, call_type: str) -> tuple[str, str]:
    return (role or "").strip().upper(), (call_type or "").strip()


def _most_specific(rows: list[tuple], *, role: str, call_type: str) -> dict[str, tuple]:
    """rows: (dimension, role, call_type, ...); the best matching row per dimension."""
    best: dict[str, tuple[int, tuple]] = {}
    for row in rows:
        dimension, row_role, row_call_type = row[0], row[1], row[2]
        if row_role not in ("", role) or row_call_type not in ("", call_type):
            continue
        rank = 2 * bool(row_role) + bool(row_call_type)
        if dimension not in best or rank > best[dimension][0]:
            best[dimension] = (rank, row)
    return {dimension: row for dimension, (_, row) in best.items() if dimension in DIMENSIONS}


def _hash(rubric_entries: list[list[str]], document_entries: list[list[str]]) -> str:
    return sha256_of(sorted(rubric_entries) + sorted(document_entries))


def knowledge_snapshot_get(*, role: str = "", call_type: str = "") -> KnowledgeSnapshot:
    """Everything the analysis prompt needs for a call by a rep in `role` on a `call_type` call (blank = any)."""
    role, call_type = _scope(role, call_type)
    rubrics = list(
        Rubric.objects.filter(active_version__isnull=False, role__in={"", role}, call_type__in={"", call_type})
        .select_related("active_version")
        .order_by("dimension", "key")
    )
    rows = [(rubric.dimension, rubric.role, rubric.call_type, rubric) for rubric in rubrics]
    chosen = _most_specific(rows, role=role, call_type=call_type)
    snapshots = {}
    for dimension, row in chosen.items():
        rubric = row[3]
        version = rubric.active_version
        snapshots[dimension] = RubricSnapshot(
            rubric_id=rubric.pk,
            version_id=version.pk,
            number=version.number,
            key=rubric.key,
            name=rubric.name,
            dimension=dimension,
            content=version.content,
            sha256=version.sha256,
        )
    documents = tuple(
        DocumentSnapshot(
            document_id=document.pk,
            version_id=document.active_version.pk,
            key=document.key,
            title=document.active_version.title,
            kind=document.kind,
            body=document.active_version.body,
            sha256=document.active_version.sha256,
        )
        for document in Document.objects.filter(active_version__isnull=False)
        .select_related("active_version")
        .order_by("kind", "key")
    )
    digest = _hash(
        [["rubric", s.dimension, s.key, s.name, s.sha256] for s in snapshots.values()],
        [["document", d.kind, d.key, d.sha256] for d in documents],
    )
    return KnowledgeSnapshot(
        rubrics=dict(sorted(snapshots.items())),
        documents=documents,
        hash=digest,
        role=role,
        call_type=call_type,
    )


def knowledge_version_hash(*, role: str = "", call_type: str = "") -> str:
    """The same hash as ``knowledge_snapshot_get(...).hash`` from one narrow query (no content or bodies): the
    candidate rubrics and the active documents in one UNION ALL, so a cache lookup pays one round trip for it."""
    role, call_type = _scope(role, call_type)
    blank = Value("", output_field=CharField())
    rubrics = Rubric.objects.filter(
        active_version__isnull=False, role__in={"", role}, call_type__in={"", call_type}
    ).values_list(Value("rubric", output_field=CharField()), "dimension", "role", "call_type", "key", "name",
                  "active_version__sha256")  # fmt: skip
    documents = Document.objects.filter(active_version__isnull=False).values_list(
        Value("document", output_field=CharField()), "kind", blank, blank, "key", blank, "active_version__sha256"
    )
    rows = list(rubrics.union(documents, all=True))  # unordered: one rubric per scope, and _hash sorts
    chosen = _most_specific([row[1:] for row in rows if row[0] == "rubric"], role=role, call_type=call_type)
    return _hash(
        [["rubric", dimension, row[3], row[4], row[5]] for dimension, row in chosen.items()],
        [["document", kind, key, sha] for source, kind, _, _, key, _, sha in rows if source == "document"],
    )


def knowledge_snapshot_at(*, versions: dict, role: str = "", call_type: str = "") -> KnowledgeSnapshot | None:
    """The snapshot an analysis run was made with (`AnalysisRun.knowledge_versions`, from `versions()`), whatever
    is active now; None when a version in it no longer exists (versions are never deleted, but a run may predate
    its rubric's removal)."""
    rubric_ids = dict((versions or {}).get("rubrics") or {})
    document_ids = dict((versions or {}).get("documents") or {})
    rubric_rows = {v.pk: v for v in RubricVersion.objects.filter(pk__in=rubric_ids.values()).select_related("rubric")}
    document_rows = DocumentVersion.objects.filter(pk__in=document_ids.values()).select_related("document")
    document_rows = sorted(document_rows, key=lambda v: (v.document.kind, v.document.key))
    if (
        not rubric_ids
        or len(rubric_rows) != len(set(rubric_ids.values()))
        or len(document_rows) != len(set(document_ids.values()))
    ):
        return None
    snapshots = {
        dimension: RubricSnapshot(
            rubric_id=(version := rubric_rows[version_id]).rubric_id, version_id=version.pk, number=version.number,
            key=version.rubric.key, name=version.rubric.name, dimension=dimension, content=version.content,
            sha256=version.sha256,
        )
        for dimension, version_id in rubric_ids.items()
    }  # fmt: skip
    documents = tuple(
        DocumentSnapshot(
            document_id=v.document_id, version_id=v.pk, key=v.document.key, title=v.title, kind=v.document.kind,
            body=v.body, sha256=v.sha256,
        )
        for v in document_rows
    )  # fmt: skip
    digest = _hash(
        [["rubric", s.dimension, s.key, s.name, s.sha256] for s in snapshots.values()],
        [["document", d.kind, d.key, d.sha256] for d in documents],
    )
    role, call_type = _scope(role, call_type)
    return KnowledgeSnapshot(
        rubrics=dict(sorted(snapshots.items())), documents=documents, hash=digest, role=role, call_type=call_type
    )
