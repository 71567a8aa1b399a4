"""Builders for knowledge-base tests: valid rubric content, rubrics and documents made through the services."""

from __future__ import annotations

import copy
import itertools

from django.contrib.auth.models import Group, Permission

from knowledgebase.dimensions import Dimension
from knowledgebase.models import Document, Rubric
from knowledgebase.services import (
    document_create,
    document_version_create_draft,
    document_version_publish,
    rubric_create,
    rubric_version_create_draft,
    rubric_version_publish,
)

_keys = itertools.count(1)
ANCHORS = {str(level): f"Level {level} looks like this." for level in range(1, 6)}


def criterion(key: str, weight: int, **overrides) -> dict:
    value = {
        "key": key,
        "name": key.replace("_", " ").title(),
        "weight": weight,
        "description": f"How well the rep does {key}.",
        "positive_indicators": [{"text": f"Does {key} well", "keywords": [f"{key} done"]}],
        "negative_indicators": [{"text": f"Skips {key}", "keywords": [f"no {key}"]}],
        "anchors": dict(ANCHORS),
    }
    value.update(overrides)
    return value


def rubric_content(**overrides) -> dict:
    """Valid content: two criteria weighted 60/40 and an N/A rule."""
    content = {
        "criteria": [criterion("open_questions", 60), criterion("next_steps", 40)],
        "na_rule": "N/A when the call has no discovery.",
    }
    content.update(overrides)
    return copy.deepcopy(content)


def rubric_published(
    *, dimension: str = Dimension.DISCOVERY, role: str = "", call_type: str = "", content: dict | None = None
) -> Rubric:
    """A rubric with v1 published from `content` (default: rubric_content())."""
    n = next(_keys)
    rubric = rubric_create(key=f"rubric-{n}", name=f"Rubric {n}", dimension=dimension, role=role, call_type=call_type)
    version = rubric_version_create_draft(rubric_id=rubric.pk, content=content or rubric_content())
    rubric_version_publish(version_id=version.pk)
    rubric.refresh_from_db()
    return rubric


def document_published(*, key: str | None = None, title: str = "Pricing", body: str = "Growth costs $89.") -> Document:
    document = document_create(key=key or f"doc-{next(_keys)}", title=title, kind="pricing", product="Beacon")
    version = document_version_create_draft(document_id=document.pk, body=body)
    document_version_publish(version_id=version.pk)
    document.refresh_from_db()
    return document


def staff_user(django_user_model, *, username: str, group: str, edit_kb: bool = False):
    """A staff user in `group`; the group gets knowledgebase.edit_knowledgebase when `edit_kb`."""
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw", is_staff=True)
    role, _ = Group.objects.get_or_create(name=group)
    if edit_kb:
        role.permissions.add(Permission.objects.get(codename="edit_knowledgebase"))
    user.groups.add(role)
    return user
