"""File formats for rubrics and documents: YAML / JSON / Markdown with YAML front matter.

A rubric file holds the rubric's identity and scope plus one version's content; a document file holds its
identity in front matter and the body below it. Parsing returns pydantic models, so a malformed file fails
with a message naming the file and the field, and dumping is deterministic (export → import → export gives
the same bytes).
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from knowledgebase.dimensions import Dimension
from knowledgebase.models import DocumentKind
from knowledgebase.schemas import RubricContent, Slug, document_body_normalize

Format = Literal["yaml", "json", "md"]
FRONT_MATTER = "---"


class RubricFile(BaseModel):
    """A rubric as kept in git: identity, scope and one version's content."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: Slug
    name: str = Field(min_length=1, max_length=200)
    dimension: Dimension
    role: str = Field(default="", max_length=10)
    call_type: str = Field(default="", max_length=40)
    description: str = ""
    # Informational on export (which version this is); ignored on import.
    version: int | None = None
    sha256: str | None = None
    content: RubricContent

    def identity(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "dimension": str(self.dimension.value),
            "role": self.role.upper(),
            "call_type": self.call_type,
            "description": self.description,
        }


class DocumentFile(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    key: Slug
    title: str = Field(min_length=1, max_length=200)
    kind: DocumentKind = DocumentKind.PRODUCT
    product: str = Field(default="", max_length=120)
    version: int | None = None
    sha256: str | None = None
    body: str = Field(min_length=1)

    def identity(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "kind": str(self.kind.value), "product": self.product}


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line strings; keys in the order given (the order people read them in)."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def yaml_dump(value: Any) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


def yaml_load(text: str) -> Any:
    """Safe YAML (no Python tags); raises yaml.YAMLError with a line number on bad syntax."""
    return yaml.safe_load(text)


def rubric_content_yaml(content: dict) -> str:
    """Rubric content as YAML for the admin editor: the N/A rule first, then criteria, each field in reading
    order (JSONB does not keep key order, so the stored dict is re-read through the schema)."""
    # Show what is stored even if an old version predates a validation rule.
    with contextlib.suppress(ValidationError):
        content = RubricContent.model_validate(content).normalized()
    return yaml_dump(_content_ordered(content))


def _content_ordered(content: dict) -> dict[str, Any]:
    """N/A rule, criteria, then the optional scoring fields (cap on a product error, calibration examples)."""
    ordered = {"na_rule": content.get("na_rule", ""), "criteria": content.get("criteria", [])}
    ordered.update({key: content[key] for key in ("error_cap", "examples") if content.get(key) is not None})
    return ordered


def _rubric_dict(rubric: RubricFile) -> dict[str, Any]:
    data = rubric.identity()
    data.update({"version": rubric.version, "sha256": rubric.sha256})
    data["content"] = _content_ordered(rubric.content.normalized())
    return {key: value for key, value in data.items() if value is not None}


def _document_meta(document: DocumentFile) -> dict[str, Any]:
    data = document.identity()
    data.update({"version": document.version, "sha256": document.sha256})
    return {key: value for key, value in data.items() if value is not None}


def front_matter_split(text: str) -> tuple[dict, str]:
    """(front matter mapping, body) from a Markdown file that starts with a ``---`` block."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    if not text.startswith(FRONT_MATTER + "\n"):
        raise ValueError("a Markdown file must start with a '---' front matter block")
    end = text.find("\n" + FRONT_MATTER + "\n", len(FRONT_MATTER))
    if end == -1 and text.rstrip("\n").endswith("\n" + FRONT_MATTER):
        end = text.rstrip("\n").rfind("\n" + FRONT_MATTER)
    if end == -1:
        raise ValueError("the front matter block is not closed with '---'")
    meta = yaml_load(text[len(FRONT_MATTER) + 1 : end]) or {}
    if not isinstance(meta, dict):
        raise ValueError("front matter must be a mapping of fields")
    return meta, text[end + len(FRONT_MATTER) + 2 :]


def rubric_file_dump(rubric: RubricFile, *, fmt: Format) -> str:
    data = _rubric_dict(rubric)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml_dump(data)
    # Markdown: the front matter carries everything; the body is a readable rendering (ignored on import).
    lines = [f"# {rubric.name}", "", rubric.description, "", f"**N/A rule:** {rubric.content.na_rule}", ""]
    lines += ["| Criterion | Weight | Level 5 looks like |", "|---|---|---|"]
    for criterion in rubric.content.criteria:
        lines.append(f"| {criterion.name} | {criterion.weight} | {criterion.anchors['5']} |")
    return f"{FRONT_MATTER}\n{yaml_dump(data)}{FRONT_MATTER}\n" + "\n".join(lines) + "\n"


def rubric_file_parse(text: str, *, fmt: Format) -> RubricFile:
    """Parse a rubric file; raises ValueError / yaml.YAMLError / pydantic.ValidationError."""
    if fmt == "json":
        data = json.loads(text)
    elif fmt == "yaml":
        data = yaml_load(text)
    else:
        data, _ = front_matter_split(text)
    return RubricFile.model_validate(data)


def document_file_dump(document: DocumentFile, *, fmt: Format) -> str:
    if fmt == "json":
        data = {**_document_meta(document), "body": document.body}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return f"{FRONT_MATTER}\n{yaml_dump(_document_meta(document))}{FRONT_MATTER}\n\n{document.body}\n"


def document_file_parse(text: str, *, fmt: Format) -> DocumentFile:
    """Parse a document file (Markdown with front matter, or JSON); the body is normalised."""
    if fmt == "json":
        data = json.loads(text)
    else:
        meta, body = front_matter_split(text)
        data = {**meta, "body": body}
    data["body"] = document_body_normalize(str(data.get("body", "")))
    return DocumentFile.model_validate(data)


def format_for_suffix(suffix: str) -> Format | None:
    return {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".md": "md"}.get(suffix.lower())
