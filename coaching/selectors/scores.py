"""Dimension scores as a viewer may see them (manager review reads through here)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from coaching.access import Viewer, scores_visible_q
from coaching.models import DimensionScore
from coaching.selectors.common import scores_visible
from core.errors import NotFound


def scores_list(
    *, viewer: Viewer, reviewed: bool | None = None, include_superseded: bool = False
) -> QuerySet[DimensionScore]:
    """Visible scores of current sessions (of superseded ones too with `include_superseded`, as the admin's list
    shows them); `reviewed` True/False keeps only (un)reviewed ones."""
    if include_superseded:
        scores = DimensionScore.objects.filter(scores_visible_q(viewer))
    else:
        scores = scores_visible(viewer=viewer)
    if reviewed is not None:
        scores = scores.filter(manager_score__isnull=not reviewed)
    return scores


def score_get_for_viewer(*, viewer: Viewer, score_id: int, call_started: dt.datetime | None = None) -> DimensionScore:
    """One visible score (session joined); NotFound for invisible and missing alike.

    `call_started` (the partition key) lets PostgreSQL read one partition instead of all.
    """
    scores = scores_visible(viewer=viewer).select_related("session").filter(pk=score_id)
    if call_started is not None:
        scores = scores.filter(call_started=call_started)
    score = scores.first()
    if score is None:
        raise NotFound(f"Score {score_id} not found")
    return score
