"""factory_boy factories for coaching results (and the analysis run / ledger rows behind them).

`coached_call(rep=..., scores={...})` builds one analysed call the way the pipeline stores it: the call with
an internal and an external participant, a transcript, a succeeded run, one current session for the rep with
a score per dimension (evidence anchored at the rep's sentence), and a ledger row with its cost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import factory
from django.utils import timezone

from analysis.models import AnalysisRun, ApiCall, ApiCallStatus, ApiPurpose, RunStatus
from coaching.models import CoachingSession, DimensionScore
from gong.models import CallStatus
from knowledgebase.dimensions import DIMENSIONS
from tests.factories.gong import CallFactory, CallParticipantFactory, GongUserFactory, TranscriptFactory


class AnalysisRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnalysisRun

    call = factory.SubFactory(CallFactory)
    cache_key = factory.Sequence(lambda n: hashlib.sha256(f"run-{n}".encode()).hexdigest())
    transcript_sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.cache_key.encode()).hexdigest())
    knowledge_hash = "k" * 64
    knowledge_versions = factory.LazyFunction(lambda: {"discovery": 1})
    prompt_version = "coach-v3"
    model = "claude-sonnet-4-5"
    analyzer = "claude"
    status = RunStatus.SUCCEEDED
    result = factory.LazyFunction(dict)
    cost_usd = Decimal("0.120000")
    quotes_verified = 4
    finished_at = factory.LazyFunction(timezone.now)


class CoachingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoachingSession

    call = factory.SubFactory(CallFactory)
    call_started = factory.LazyAttribute(lambda o: o.call.started)
    run = factory.SubFactory(AnalysisRunFactory, call=factory.SelfAttribute("..call"))
    rep = factory.LazyAttribute(lambda o: o.call.primary_user)
    speaker_id = factory.Sequence(lambda n: str(5_100_000_000_000_000_000 + n))
    speaker_name = factory.LazyAttribute(lambda o: o.rep.name if o.rep else "Unknown rep")
    speaker_email = factory.LazyAttribute(lambda o: o.rep.email if o.rep else "")
    role = "AE"
    analyzer = factory.LazyAttribute(lambda o: o.run.analyzer)
    overall_score = Decimal("3.00")
    summary = "Asked good questions; rushed the pricing objection."
    strengths = factory.LazyFunction(lambda: ["Asked open discovery questions"])
    improvements = factory.LazyFunction(lambda: ["Explore the pricing objection before answering"])
    interaction_stats = factory.LazyFunction(
        lambda: {
            "talk_ratio": 0.7,
            "longest_monologue_s": 95.0,
            "longest_customer_story_s": 40.0,
            "interactivity": 4.2,
            "patience_s": 0.8,
            "question_count": 6,
        }
    )


class DimensionScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DimensionScore

    session = factory.SubFactory(CoachingSessionFactory)
    call_started = factory.LazyAttribute(lambda o: o.session.call_started)
    rep = factory.LazyAttribute(lambda o: o.session.rep)
    dimension = "discovery"
    score = 3
    rationale = "Two open questions, no follow-up on impact."
    evidence = factory.LazyFunction(list)


def coached_call(
    *,
    rep,
    scores: dict[str, int | None] | None = None,
    started: dt.datetime | None = None,
    private: bool = False,
    analyzer: str = "claude",
    cost: Decimal | None = Decimal("0.120000"),
    lines: list[tuple[str, str, str]] | None = None,
    account: str = "Acme Corp",
    also_internal=None,
):
    """An analysed call hosted by `rep` with one current session for the rep (and one for `also_internal`,
    a second internal speaker with their own scores, when given). Returns (call, session, scores)."""
    started = started or timezone.now() - dt.timedelta(days=1)
    call = CallFactory(
        primary_user=rep,
        started=started,
        is_private=private,
        status=CallStatus.ANALYZED,
        analyzed_at=started + dt.timedelta(hours=1),
        account_name=account,
    )
    rep_part = CallParticipantFactory(call=call, user=rep)
    buyer = CallParticipantFactory(call=call, external=True, name="Pat Buyer")
    lines = lines or [
        (rep_part.speaker_id, "Internal", "Thanks for joining today. What made you look at call analytics?"),
        (buyer.speaker_id, "External", "Our managers cannot listen to every call. The price increase worries us."),
        (rep_part.speaker_id, "Internal", "How many reps do you coach today? What happens when a deal slips?"),
        (buyer.speaker_id, "External", "About forty reps. Coaching is ad hoc."),
    ]
    transcript = TranscriptFactory(call=call, lines=lines)
    run = AnalysisRunFactory(
        call=call, analyzer=analyzer, model="offline-baseline" if analyzer == "offline" else "claude-sonnet-4-5"
    )
    if cost is not None and analyzer != "offline":
        ApiCall.objects.create(
            created_at=timezone.now(),
            run=run,
            call_id=call.pk,
            purpose=ApiPurpose.CALL_ANALYSIS,
            model=run.model,
            status=ApiCallStatus.OK,
            input_tokens=30_000,
            output_tokens=2_000,
            cost_usd=cost,
        )
    evidence_turn = transcript.turns[2] if len(transcript.turns) > 2 else transcript.turns[0]
    quote_start = evidence_turn["sentences"][0][0]
    session, score_rows = _session_with_scores(
        call, run, rep, rep_part.speaker_id, scores, quote_start, evidence_turn["sentences"][0][2]
    )
    if also_internal is not None:
        other_part = CallParticipantFactory(call=call, user=also_internal)
        _session_with_scores(call, run, also_internal, other_part.speaker_id, {d: 2 for d in DIMENSIONS}, 0, "Thanks")
    return call, session, score_rows


def _session_with_scores(call, run, rep, speaker_id, scores, quote_start, quote):
    session = CoachingSessionFactory(call=call, run=run, rep=rep, speaker_id=speaker_id, analyzer=run.analyzer)
    values = scores if scores is not None else {dimension: 3 for dimension in DIMENSIONS}
    rows = [
        DimensionScoreFactory(
            session=session,
            dimension=dimension,
            score=value,
            evidence=[
                {
                    "quote": quote,
                    "speaker_id": speaker_id,
                    "speaker_name": session.speaker_name,
                    "start_ms": quote_start,
                    "turn_index": 2,
                }
            ],
        )
        for dimension, value in values.items()
    ]
    return session, rows


__all__ = [
    "AnalysisRunFactory",
    "CoachingSessionFactory",
    "DimensionScoreFactory",
    "GongUserFactory",
    "coached_call",
]
