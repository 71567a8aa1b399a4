"""Readable differences between two versions: criterion by criterion for rubrics, line by line for docs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from core.errors import ApplicationError
from knowledgebase.formats import rubric_content_yaml
from knowledgebase.selectors.catalog import document_version_get, rubric_version_get

Segments = list[tuple[str, str]]  # (op, text) with op in "equal" | "insert" | "delete"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str
    segments: Segments  # word-level diff of old → new, for highlighting


@dataclass(frozen=True)
class CriterionChange:
    key: str  # matches the criterion across versions; never shown
    name: str
    status: str  # "added" | "removed" | "changed" | "unchanged"
    weight_old: int | None
    weight_new: int | None
    changes: list[FieldChange] = field(default_factory=list)


@dataclass(frozen=True)
class RubricDiff:
    rubric_name: str
    old_label: str
    new_label: str
    old_sha256: str
    new_sha256: str
    criteria: list[CriterionChange]
    na_rule: FieldChange | None
    summary: list[str]  # one line per change, by criterion name, e.g. "Open questions: weight changed 20 → 25"
    unified: str  # unified diff of the two YAML renderings

    @property
    def identical(self) -> bool:
        return self.old_sha256 == self.new_sha256


@dataclass(frozen=True)
class DocumentDiff:
    document_title: str
    old_label: str
    new_label: str
    title: FieldChange | None
    unified: str
    lines: list[tuple[str, str]]  # (op, line) with op in " " | "+" | "-" | "@"
    identical: bool


def word_segments(old: str, new: str) -> Segments:
    """Word-level diff of two texts (whitespace kept with the word before it)."""
    old_words, new_words = old.split(" "), new.split(" ")
    segments: Segments = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(("equal", " ".join(old_words[a1:a2])))
            continue
        if op in ("delete", "replace"):
            segments.append(("delete", " ".join(old_words[a1:a2])))
        if op in ("insert", "replace"):
            segments.append(("insert", " ".join(new_words[b1:b2])))
    return segments


def _field(name: str, old: str, new: str) -> FieldChange | None:
    return None if old == new else FieldChange(field=name, old=old, new=new, segments=word_segments(old, new))


def _indicator_lines(indicators: list[dict]) -> str:
    lines = []
    for indicator in indicators:
        extra = [f"keywords: {', '.join(indicator.get('keywords') or [])}"] if indicator.get("keywords") else []
        if indicator.get("stat"):
            extra.append(f"{indicator['stat']} in [{indicator.get('stat_min', '')}, {indicator.get('stat_max', '')}]")
        lines.append(f"• {indicator['text']}" + (f" ({'; '.join(extra)})" if extra else ""))
    return "\n".join(lines)


def _yes_no(flag) -> str:
    return "yes" if flag else "no"


def _criterion_changes(old: dict, new: dict) -> list[FieldChange]:
    pairs = [
        ("name", old["name"], new["name"]),
        ("weight", str(old["weight"]), str(new["weight"])),
        ("description", old["description"], new["description"]),
    ]
    for side in ("positive", "negative"):
        name = f"{side}_indicators"
        pairs.append((f"{side} indicators", _indicator_lines(old[name]), _indicator_lines(new[name])))
    pairs += [(f"anchor {level}", old["anchors"][level], new["anchors"][level]) for level in sorted(new["anchors"])]
    for flag, label in (("caps_score", "caps the score"), ("once_is_enough", "once in the call is enough")):
        pairs.append((label, _yes_no(old.get(flag)), _yes_no(new.get(flag))))
    return [change for name, a, b in pairs if (change := _field(name, a, b))]


def _summary_line(name: str, change: FieldChange) -> str:
    if change.field == "weight":
        return f"{name}: weight changed {change.old} → {change.new}"
    if change.field == "name":
        return f"{name}: renamed (was “{change.old}”)"
    return f"{name}: {change.field} changed"


def _criteria_diff(old_content: dict, new_content: dict) -> tuple[list[CriterionChange], list[str]]:
    """Criteria are matched by key (their stable id) and named by name: the new version's, or the old one's for a
    removed criterion. Keys are never in the summary: people read it."""
    old_by_key = {c["key"]: c for c in old_content.get("criteria", [])}
    new_by_key = {c["key"]: c for c in new_content.get("criteria", [])}
    changes, summary = [], []
    for key, new in new_by_key.items():
        old = old_by_key.get(key)
        if old is None:
            changes.append(CriterionChange(key, new["name"], "added", None, new["weight"]))
            summary.append(f"{new['name']}: added (weight {new['weight']})")
            continue
        fields = _criterion_changes(old, new)
        changes.append(
            CriterionChange(
                key, new["name"], "changed" if fields else "unchanged", old["weight"], new["weight"], fields
            )
        )
        summary += [_summary_line(new["name"], change) for change in fields]
    for key, old in old_by_key.items():
        if key not in new_by_key:
            changes.append(CriterionChange(key, old["name"], "removed", old["weight"], None))
            summary.append(f"{old['name']}: removed (was weight {old['weight']})")
    return changes, summary


def _unified(old: str, new: str, *, old_label: str, new_label: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_label, new_label, lineterm="")
    return "\n".join(lines)


def rubric_version_diff(*, old_id: int, new_id: int) -> RubricDiff:
    """What changed between two versions of the same rubric (NotFound / ApplicationError on bad ids)."""
    old, new = rubric_version_get(version_id=old_id), rubric_version_get(version_id=new_id)
    if old.rubric_id != new.rubric_id:
        raise ApplicationError("Both versions must belong to the same rubric.")
    criteria, summary = _criteria_diff(old.content, new.content)
    na_rule = _field("N/A rule", old.content.get("na_rule", ""), new.content.get("na_rule", ""))
    if na_rule:
        summary.append("N/A rule changed")
    old_label, new_label = f"v{old.number} ({old.status})", f"v{new.number} ({new.status})"
    return RubricDiff(
        rubric_name=new.rubric.name,
        old_label=old_label,
        new_label=new_label,
        old_sha256=old.sha256,
        new_sha256=new.sha256,
        criteria=criteria,
        na_rule=na_rule,
        summary=summary,
        unified=_unified(
            rubric_content_yaml(old.content), rubric_content_yaml(new.content), old_label=old_label, new_label=new_label
        ),
    )


def document_version_diff(*, old_id: int, new_id: int) -> DocumentDiff:
    """Line diff of two versions of the same document."""
    old, new = document_version_get(version_id=old_id), document_version_get(version_id=new_id)
    if old.document_id != new.document_id:
        raise ApplicationError("Both versions must belong to the same document.")
    old_label, new_label = f"v{old.number} ({old.status})", f"v{new.number} ({new.status})"
    unified = _unified(old.body, new.body, old_label=old_label, new_label=new_label)
    lines = []
    for line in unified.splitlines()[2:]:
        op = line[:1] if line[:1] in "+-@" else " "
        lines.append((op, line[1:] if op != "@" else line))
    return DocumentDiff(
        document_title=new.document.title,
        old_label=old_label,
        new_label=new_label,
        title=_field("title", old.title, new.title),
        unified=unified,
        lines=lines,
        identical=old.sha256 == new.sha256,
    )
