"""Row builders for weekly-review, export and evaluation tests: coaching sessions and scores with chosen values.

(Uses the Gong factories; coaching rows are created with the models so these tests do not depend on the
analysis pipeline.)
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from analysis.models import AnalysisRun
from coaching.models import CoachingSession, DimensionScore
from tests.factories.gong import CallFactory, CallParticipantFactory, GongUserFactory

_keys = itertools.count(1)
DIMS = ("product_knowledge", "discovery", "objection_handling", "engagement")


def team_create(*, manager_email: str = "maya.manager@lumina-labs.example", reps: int = 2):
    """A manager and `reps` reports; returns (manager, [reps])."""
    manager = GongUserFactory(email=manager_email, first_name="Maya", last_name="Manager", title="Sales Manager")
    team = manager_email.split("@")[0].split(".")[0].title()
    members = [GongUserFactory(manager=manager, first_name=f"Rep{i}", last_name=f"Of{team}") for i in range(reps)]
    return manager, members


def session_create(
    *,
    rep,
    started: dt.datetime,
    scores: dict[str, int | None] | int | None = 3,
    overall: float | None = None,
    strengths: list[str] | None = None,
    improvements: list[str] | None = None,
    stats: dict | None = None,
    moments: list[dict] | None = None,
    analyzer: str = "offline",
    manager_scores: dict[str, int] | None = None,
    call=None,
    speaker_id: str = "5100000000000000001",
) -> CoachingSession:
    """One analysed call with one coached speaker (`rep`) and four dimension scores."""
    if not isinstance(scores, dict):
        scores = dict.fromkeys(DIMS, scores)
    if call is None:
        call = CallFactory(primary_user=rep, started=started, status="analyzed")
        CallParticipantFactory(call=call, user=rep, speaker_id=speaker_id)
    run = AnalysisRun.objects.create(
        call=call,
        cache_key=f"{next(_keys):064d}",
        transcript_sha256="0" * 64,
        knowledge_hash="0" * 64,
        prompt_version="test",
        model="offline",
        analyzer=analyzer,
        status="succeeded",
    )
    present = [v for v in scores.values() if v is not None]
    if overall is None and present:
        overall = sum(present) / len(present)
    session = CoachingSession.objects.create(
        call_started=started,
        call=call,
        run=run,
        rep=rep,
        speaker_id=speaker_id,
        speaker_name=rep.name,
        speaker_email=rep.email,
        role="AE",
        analyzer=analyzer,
        overall_score=None if overall is None else Decimal(str(round(overall, 2))),
        strengths=strengths or [],
        improvements=improvements or [],
        interaction_stats=stats or {},
        key_moments=moments or [],
    )
    for dimension, score in scores.items():
        DimensionScore.objects.create(
            call_started=started,
            session=session,
            rep=rep,
            dimension=dimension,
            score=score,
            manager_score=(manager_scores or {}).get(dimension),
        )
    return session
