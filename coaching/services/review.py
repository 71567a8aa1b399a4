"""Manager review: a manager overrides a dimension score with a note; the AI score stays beside it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from coaching.access import viewer_for_user
from coaching.models import DimensionScore
from coaching.selectors.scores import score_get_for_viewer
from core.errors import ApplicationError

NOTE_MAX = 2000


class ReviewNotAllowed(ApplicationError):
    """The user may see the score but not override it (e.g. a rep on their own call)."""


def score_override(
    *,
    score_id: int,
    manager_score: int | None,
    note: str,
    user,
    call_started: dt.datetime | None = None,
) -> DimensionScore:
    """Set (or, with `manager_score=None`, clear) the manager's score and note on one dimension score.

    Only a manager of that rep, coaching ops, staff or a superuser may override; the AI's `score` is never
    changed. Invisible and missing scores raise NotFound alike. Idempotent: the same override twice leaves
    the same row (only `reviewed_at` moves).
    """
    viewer = viewer_for_user(user)
    score = score_get_for_viewer(viewer=viewer, score_id=score_id, call_started=call_started)
    if not viewer.may_review_rep(score.rep_id):
        raise ReviewNotAllowed("You may not override this score: only the rep's manager or coaching ops can.")
    note = (note or "").strip()
    if manager_score is not None:
        if isinstance(manager_score, bool) or not isinstance(manager_score, int) or not 1 <= manager_score <= 5:
            raise ApplicationError("A manager score is a whole number from 1 to 5.")
        if not note:
            raise ApplicationError("Say why in a note: the rep and the scorer's calibration both need it.")
    if len(note) > NOTE_MAX:
        raise ApplicationError(f"The note is longer than {NOTE_MAX} characters.")
    with transaction.atomic():
        locked = DimensionScore.objects.select_for_update().get(pk=score.pk, call_started=score.call_started)
        locked.manager_score = manager_score
        locked.manager_note = note if manager_score is not None else ""
        locked.reviewed_by_id = user.pk if manager_score is not None else None
        locked.reviewed_at = timezone.now() if manager_score is not None else None
        # Saving (or clearing) the override is the manager's own judgement on this score: confirmed.
        locked.override_needs_confirmation = False
        if manager_score is None:
            locked.override_carried_from = None
        fields = ["manager_score", "manager_note", "reviewed_by", "reviewed_at", "override_needs_confirmation"]
        locked.save(update_fields=[*fields, "override_carried_from"])
    return locked
