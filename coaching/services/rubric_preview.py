"""Before publishing a rubric draft: re-score a few recent calls with it (offline analyzer, $0) and show how
their scores on that dimension would move. Reads only; nothing is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from analysis.services import dimension_rescore_offline
from coaching.models import DimensionScore
from knowledgebase.selectors import rubric_version_get

PREVIEW_CALLS = 8


@dataclass(frozen=True)
class RescoreRow:
    title: str
    rep: str
    started: dt.datetime
    stored: int | None  # the stored effective score (a manager's override first), by whichever analyzer ran
    active: int | None  # offline, active rubric
    draft: int | None  # offline, the draft

    @property
    def change(self) -> int | None:
        return None if self.active is None or self.draft is None else self.draft - self.active


@dataclass
class RescorePreview:
    version: object
    dimension: str
    rows: list[RescoreRow] = field(default_factory=list)

    @property
    def moved(self) -> int:
        return sum(1 for row in self.rows if row.active != row.draft)


def recent_scores(*, dimension: str, limit: int) -> list[DimensionScore]:
    """The most recent current scores of a rep on `dimension`, with their session and call."""
    return list(
        DimensionScore.objects.filter(dimension=dimension, session__is_current=True, rep__isnull=False)
        .select_related("session__call")
        .order_by("-call_started", "-id")[:limit]
    )


def rubric_draft_rescore(*, version_id: int, calls: int = PREVIEW_CALLS) -> RescorePreview:
    """The `calls` most recent current scores on the draft's dimension, each re-scored offline under the active
    rubric and under the draft (NotFound for an unknown version)."""
    version = rubric_version_get(version_id=version_id)
    dimension = version.rubric.dimension
    preview = RescorePreview(version=version, dimension=dimension)
    for score in recent_scores(dimension=dimension, limit=calls * 2):
        if len(preview.rows) >= calls:
            break
        session = score.session
        result = dimension_rescore_offline(
            call_id=session.call_id,
            speaker_id=session.speaker_id,
            dimension=dimension,
            content=version.content or {},
            version_id=version.pk,
        )
        if result is None:
            continue
        preview.rows.append(
            RescoreRow(
                title=session.call.display_title,
                rep=session.speaker_name or "Unnamed speaker",
                started=score.call_started,
                stored=score.effective_score,
                active=result.active,
                draft=result.draft,
            )
        )
    return preview
