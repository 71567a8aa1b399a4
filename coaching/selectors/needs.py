"""Who needs coaching (the rule is in coaching.needs): one aggregate query over the last 12 weeks of scores.

The dashboard, the team page, the weekly review and the MCP coaching plan all call `reps_needing_coaching`
(the weekly review through `needs_for_scores`, on the rows a stored review may use), so they name the same reps.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from coaching.access import Viewer
from coaching.models import DimensionScore
from coaching.needs import BASELINE_WEEKS, WINDOW_WEEKS, RepNeed, Side, dimension_reasons, needs_rank
from coaching.selectors.common import DIMENSION_LABELS, effective_score, scores_for_averages
from gong.models import GongUser


def needs_for_scores(
    *, scores: QuerySet[DimensionScore], end: dt.datetime, rep_ids: list[str] | None = None
) -> list[RepNeed]:
    """The rule applied to `scores` (current sessions' scores) for the windows ending at `end`: flagged reps,
    ranked. Private calls never count (their host alone sees them, so a manager could not check the reason)."""
    recent_start = end - dt.timedelta(weeks=WINDOW_WEEKS)
    before_start = recent_start - dt.timedelta(weeks=BASELINE_WEEKS)
    score = effective_score()
    rows = scores.filter(
        call_started__gte=before_start,
        call_started__lt=end,
        session__call__is_private=False,
        rep__active=True,
    ).annotate(effective=score)
    if rep_ids is not None:
        rows = rows.filter(rep_id__in=list(rep_ids))
    recent = Q(call_started__gte=recent_start)
    present = Q(effective__isnull=False)
    aggregates = (
        rows.values("rep_id", "dimension")
        .annotate(
            recent_n=Count("id", filter=recent & present),
            recent_sum=Sum("effective", filter=recent),
            recent_sq=Sum(F("effective") * F("effective"), filter=recent),
            before_n=Count("id", filter=~recent & present),
            before_sum=Sum("effective", filter=~recent),
            before_sq=Sum(F("effective") * F("effective"), filter=~recent),
        )
        .order_by()
    )
    threshold = settings.SKILL_GAP_THRESHOLD
    by_rep: dict[str, list] = {}
    for row in aggregates:
        if not row["rep_id"] or row["dimension"] not in DIMENSION_LABELS:
            continue
        by_rep.setdefault(row["rep_id"], []).extend(
            dimension_reasons(
                dimension=row["dimension"],
                label=DIMENSION_LABELS[row["dimension"]],
                recent=Side(row["recent_n"], float(row["recent_sum"] or 0), float(row["recent_sq"] or 0)),
                before=Side(row["before_n"], float(row["before_sum"] or 0), float(row["before_sq"] or 0)),
                threshold=threshold,
            )
        )
    flagged = {rep_id: reasons for rep_id, reasons in by_rep.items() if reasons}
    names = {user.pk: user.name or user.email for user in GongUser.objects.filter(pk__in=list(flagged))}
    return needs_rank(
        [RepNeed(rep_id=rep_id, name=names.get(rep_id, ""), reasons=reasons) for rep_id, reasons in flagged.items()]
    )


def reps_needing_coaching(
    *, viewer: Viewer, rep_ids: list[str] | None = None, end: dt.datetime | None = None
) -> list[RepNeed]:
    """Reps the viewer may see who need coaching (coaching.needs), worst first. `rep_ids` narrows to a team;
    without it a manager gets their reports, a rep themselves, ops and staff everyone."""
    if rep_ids is None and viewer.role == "manager":
        rep_ids = sorted(viewer.report_ids)
    return needs_for_scores(scores=scores_for_averages(viewer=viewer), end=end or timezone.now(), rep_ids=rep_ids)
