"""A simulated week with managers' scorecards synced and mapped, and sessions built from planted levels.

`calibrated_week` (fixture): the simulator over HTTP → users → calls (gong_sync) → scorecards → the suggested
mapping → reference scores. `sessions_from_levels` stores a scorer whose scores are the planted levels (plus a
shift), as the pipeline stores sessions, so the calibration reports can be checked against the planted truth.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from analysis.models import AnalysisRun, RunStatus
from coaching.calibration.mapping import scorecard_mapping_set, scorecard_mappings_ensure
from coaching.calibration.sync import calibration_sync
from coaching.models import CoachingSession, DimensionScore
from gong.models import Call
from gong.services import gong_sync, users_sync
from gong.simulator.corpus import corpus_build
from gong.simulator.scorecards import SUGGESTED_MAPPING
from gong.simulator.server import SimulatorServer

_CORPUS = {}


def calibration_corpus(calls: int = 40):
    if calls not in _CORPUS:
        _CORPUS[calls] = corpus_build(
            seed=5, calls=calls, long_calls=0, private_calls=0, internal_calls=1, late_calls=0
        )
    return _CORPUS[calls]


@pytest.fixture
def calibrated_week(settings):
    week = calibration_corpus()
    with SimulatorServer(week, rate_per_second=1000) as server:
        settings.GONG_BASE_URL = server.base_url
        settings.GONG_ACCESS_KEY = server.access_key
        settings.GONG_ACCESS_KEY_SECRET = server.access_key_secret
        settings.GONG_RATE_PER_SECOND = 1000.0
        settings.GONG_ENQUEUE_ANALYSIS = False
        users_sync()
        since = datetime.combine(week.week_start, datetime.min.time(), tzinfo=UTC)
        gong_sync(since=since, until=since + timedelta(days=7))
        calibration_sync(since=week.week_start - timedelta(days=1), outcomes=False)
        scorecard_mappings_ensure()
        for key, mapping in SUGGESTED_MAPPING.items():
            scorecard_mapping_set(question_id=str(server.api.scorecards.question_ids[key]), **mapping)
        calibration_sync(since=week.week_start - timedelta(days=1), outcomes=False)
        yield server, week


def sessions_from_levels(
    week, *, prompt_version: str, shift: int = 0, call_ids: set[str] | None = None, analyzer: str = "offline"
) -> int:
    """One current session per planted (call, speaker) with scores = planted level + shift (1–5; N/A kept)."""
    calls = {call.id: call for call in Call.objects.filter(id__in=list(week.gold))}
    made = 0
    for call_id, speakers in week.gold.items():
        if call_ids is not None and call_id not in call_ids:
            continue
        call = calls[call_id]
        run = AnalysisRun.objects.create(
            call=call, cache_key=hashlib.sha256(f"{call_id}:{prompt_version}".encode()).hexdigest(),
            transcript_sha256="t" * 64, knowledge_hash="k" * 64, prompt_version=prompt_version, model=analyzer,
            analyzer=analyzer, status=RunStatus.SUCCEEDED, result={},
        )  # fmt: skip
        for speaker_id, label in speakers.items():
            session = CoachingSession.objects.create(
                call=call, call_started=call.started, run=run, rep_id=label["user_id"], speaker_id=speaker_id,
                analyzer=analyzer, is_current=True,
            )  # fmt: skip
            DimensionScore.objects.bulk_create(
                DimensionScore(
                    session=session,
                    call_started=call.started,
                    rep_id=label["user_id"],
                    dimension=dim,
                    score=None if level is None else max(1, min(5, level + shift)),
                    # The older stored shape of criteria: one planted criterion per dimension, met from level 3.
                    criteria_met=[f"{dim}_core"] if level is not None and level >= 3 else [],
                    criteria_missed=[f"{dim}_core"] if level is not None and level < 3 else [],
                )
                for dim, level in label["levels"].items()
            )
            made += 1
    return made


def outcomes_settle(server) -> None:
    """Let every planted close date pass, then re-read the deals (Gong's contextTiming "Now")."""
    server.advance(200 * 86400)
    calibration_sync(scorecards=False)
