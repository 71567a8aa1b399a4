"""The rubric draft previews with Claude an editor asked for. A preview is visible to the editor who ran it only:
it is that person's what-if on a draft (others see what it cost in the ledger and cost reports, and can run their
own after seeing the estimate)."""

from __future__ import annotations

from coaching.models import RubricPreview
from core.errors import NotFound


def rubric_preview_get_for_editor(*, preview_id: int, version_id: int, editor_id: int) -> RubricPreview:
    preview = RubricPreview.objects.filter(pk=preview_id, version_id=version_id, editor_id=editor_id).first()
    if preview is None:
        raise NotFound("No such Claude preview of this draft among yours.")
    return preview


def rubric_preview_latest_for_editor(*, version_id: int, editor_id: int) -> RubricPreview | None:
    return RubricPreview.objects.filter(version_id=version_id, editor_id=editor_id).order_by("-created_at").first()
