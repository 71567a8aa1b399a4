"""The daily calibration sync: Gong scorecards → reference scores, and deal outcomes. Idempotent.

Gong requests per run (all through the shared pacing of gong/ratelimit.py): 1 for the scorecard definitions,
1 per 100 answered scorecards in the review window, 1 per 100 still-open opportunities (bench:
bench/calibration_requests.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from coaching.calibration.mapping import (
    ReferenceRefreshReport,
    reference_scores_refresh,
    scorecard_mappings_ensure,
    scorecard_questions_unmapped,
)
from gong.client import GongClient
from gong.services.outcomes import OutcomesReport, opportunities_refresh
from gong.services.scorecards import ScorecardsSyncReport, scorecards_sync


@dataclass
class CalibrationSyncReport:
    scorecards: ScorecardsSyncReport | None
    references: ReferenceRefreshReport | None
    unmapped: int
    outcomes: OutcomesReport | None

    def summary(self) -> str:
        parts = []
        if self.scorecards:
            parts.append(self.scorecards.summary())
        if self.references:
            parts.append(f"{self.references.summary()}; {self.unmapped} questions not mapped yet")
        if self.outcomes:
            parts.append(self.outcomes.summary())
        return " | ".join(parts)


def calibration_sync(
    *, since: date | None = None, scorecards: bool = True, outcomes: bool = True, client: GongClient | None = None
) -> CalibrationSyncReport:
    """Sync scorecards reviewed since `since` (default: GONG_SCORECARDS_LOOKBACK_DAYS ago), map them to
    reference scores, then re-read the state of open opportunities."""
    client = client or GongClient.from_settings()
    today = timezone.now().date()
    since = since or today - timedelta(days=settings.GONG_SCORECARDS_LOOKBACK_DAYS)
    synced = references = None
    if scorecards:
        # review_to is exclusive and in the company's zone: tomorrow (UTC) covers today everywhere.
        synced = scorecards_sync(review_from=since, review_to=today + timedelta(days=2), client=client)
        scorecard_mappings_ensure()
        references = reference_scores_refresh()
    states = opportunities_refresh(client=client) if outcomes else None
    unmapped = len(scorecard_questions_unmapped()) if scorecards else 0
    return CalibrationSyncReport(scorecards=synced, references=references, unmapped=unmapped, outcomes=states)
