"""Calls as a viewer may see them: the list, one call, and the call page (scores with evidence, transcript)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from analysis.interaction import interaction_stats
from analysis.models import Analyzer
from coaching.access import Viewer, calls_visible_q
from coaching.models import CoachingSession, DimensionScore
from coaching.selectors.common import DIMENSION_LABELS, sessions_visible
from coaching.selectors.costs import LedgerTotal, ledger_total_for_run, run_latest_for_call
from coaching.selectors.stats import StatView, clock, stats_view
from coaching.selectors.transcript import TranscriptView, transcript_view
from core.errors import NotFound
from gong.models import Call, CallParticipant, GongUser
from gong.selectors import call_participants, transcript_get
from knowledgebase.dimensions import DIMENSIONS

_DIMENSION_ORDER = {dimension: index for index, dimension in enumerate(DIMENSIONS)}


def call_list(*, viewer: Viewer) -> QuerySet[Call]:
    """Every call the viewer may see (unordered beyond the model default)."""
    return Call.objects.filter(calls_visible_q(viewer))


def call_get_for_viewer(*, viewer: Viewer, call_id: str) -> Call:
    """One call the viewer may see; NotFound for invisible and missing alike."""
    call = call_list(viewer=viewer).select_related("primary_user").filter(pk=str(call_id)).first()
    if call is None:
        raise NotFound(f"Call {call_id} not found")
    return call


@dataclass(frozen=True)
class EvidenceView:
    quote: str
    speaker_name: str
    start_ms: int | None
    anchor: str

    @property
    def clock(self) -> str:
        return clock(self.start_ms)


STATUS_WORDS = {"met": "met", "missed": "missed", "n_a": "not applicable on this call"}


@dataclass(frozen=True)
class CriterionView:
    """One rubric criterion as judged for the speaker, in plain words, with its verified quotes."""

    name: str
    status: str  # met | missed | n_a
    status_words: str
    level: int | None
    weight: int
    evidence: list[EvidenceView]


@dataclass
class ScoreView:
    score: DimensionScore
    label: str
    evidence: list[EvidenceView]
    may_review: bool
    rubric_version: str
    # Where a manager's override came from when a re-analysis carried it here ("" when made on this score).
    carried_from: str = ""
    criteria: list[CriterionView] = field(default_factory=list)  # empty for scores stored before contract 2

    @property
    def overridden(self) -> bool:
        return self.score.manager_score is not None

    @property
    def missed_names(self) -> list[str]:
        """The missed criteria by their names in the rubric version that scored them (never their keys)."""
        return criteria_names(self.score.rubric_version, self.score.criteria_missed or [])

    @property
    def reviewer(self) -> str:
        """Who overrode the score, by name (a login's username is not a name)."""
        return person_name(self.score.reviewed_by)

    @property
    def needs_confirmation(self) -> bool:
        return self.overridden and self.score.override_needs_confirmation


@dataclass
class SessionView:
    session: CoachingSession
    scores: list[ScoreView]
    stats: list[StatView]
    moments: list[dict]


@dataclass(frozen=True)
class ParticipantView:
    name: str
    email: str
    title: str
    affiliation: str
    role: str  # the Gong user's coaching role (AE/SE/…) for internal people with a user
    speaker_id: str
    rep_id: str | None


@dataclass
class AnalysisView:
    run_id: int
    analyzer: str
    is_offline: bool
    model: str
    prompt_version: str
    mode: str
    created_at: dt.datetime
    rubric_versions: list[str]
    knowledge_versions: dict
    ledger: LedgerTotal
    run_cost_usd: Decimal | None
    quotes_verified: int
    quotes_dropped: int


@dataclass
class CallDetail:
    call: Call
    participants: list[ParticipantView]
    sessions: list[SessionView]
    transcript: TranscriptView | None
    analysis: AnalysisView | None
    call_stats: list[StatView] = field(default_factory=list)

    @property
    def duration(self) -> str:
        """m:ss, like every duration in the portal."""
        return clock(self.call.duration_s * 1000) if self.call.duration_s else ""


def criteria_names(version, keys: list[str]) -> list[str]:
    """Criterion keys as their names in `version`'s content; an unknown key is made readable, not shown raw."""
    content = (version.content or {}) if version is not None else {}
    names = {item.get("key"): item.get("name") for item in content.get("criteria", []) if isinstance(item, dict)}
    return [names.get(key) or str(key).replace("_", " ").capitalize() for key in keys]


def person_name(user) -> str:
    """A Django user as people know them: their Gong name, their full name, else "a manager"."""
    if user is None:
        return "a manager"
    gong = getattr(user, "gong_user", None)
    if gong is None and user.email:  # not linked yet: the same email match the first sign-in makes
        gong = GongUser.objects.filter(email__iexact=user.email).order_by("-active", "id").first()
    return (gong.name if gong is not None else "") or user.get_full_name() or "a manager"


def _participants(call_id: str) -> list[ParticipantView]:
    rows: list[CallParticipant] = call_participants(call_id=call_id)
    return [
        ParticipantView(
            name=row.name or row.email or "Unnamed participant",
            email=row.email,
            title=row.title,
            affiliation=row.affiliation,
            role=row.user.get_role_display() if row.user_id and row.user else "",
            speaker_id=row.speaker_id,
            rep_id=row.user_id,
        )
        for row in rows
    ]


def _sessions(viewer: Viewer, call: Call) -> list[CoachingSession]:
    scores = DimensionScore.objects.select_related("rubric_version__rubric", "reviewed_by__gong_user").order_by(
        "dimension"
    )
    return list(
        sessions_visible(viewer=viewer)
        .filter(call_id=call.pk)
        .select_related("run")
        .prefetch_related(Prefetch("scores", queryset=scores))
        .order_by("speaker_name", "speaker_id")
    )


def _session_view(viewer: Viewer, session: CoachingSession, transcript: TranscriptView | None) -> SessionView:
    def anchor_for(start_ms):
        return transcript.anchor_for(start_ms) if transcript else f"t-{int(start_ms or 0)}"

    def evidence_views(items) -> list[EvidenceView]:
        return [
            EvidenceView(
                quote=item.get("quote", ""),
                speaker_name=item.get("speaker_name", "") or session.speaker_name,
                start_ms=item.get("start_ms"),
                anchor=anchor_for(item.get("start_ms")),
            )
            for item in items or []
        ]

    scores = []
    ordered = sorted(session.scores.all(), key=lambda score: _DIMENSION_ORDER.get(score.dimension, 99))
    earlier = _carried_from(ordered)
    for score in ordered:
        evidence = evidence_views(score.evidence)
        criteria = [
            CriterionView(
                name=item.get("name") or item.get("key", ""),
                status=item.get("status", "n_a"),
                status_words=STATUS_WORDS.get(item.get("status", ""), item.get("status", "")),
                level=item.get("level"),
                weight=item.get("weight", 0),
                evidence=evidence_views(item.get("evidence")),
            )
            for item in score.criteria or []
        ]
        version = score.rubric_version
        scores.append(
            ScoreView(
                score=score,
                label=DIMENSION_LABELS.get(score.dimension, score.dimension),
                evidence=evidence,
                may_review=viewer.may_review_rep(session.rep_id),
                rubric_version=_version_label(version),
                carried_from=_carried_label(earlier.get(score.override_carried_from)),
                criteria=criteria,
            )
        )
    moments = [
        {**moment, "anchor": anchor_for(moment.get("start_ms")), "clock": clock(moment.get("start_ms"))}
        for moment in session.key_moments or []
    ]
    return SessionView(session=session, scores=scores, stats=stats_view(session.interaction_stats), moments=moments)


def _version_label(version) -> str:
    return f"{version.rubric.name} v{version.number}" if version else ""


def _carried_from(scores: list[DimensionScore]) -> dict[int, DimensionScore]:
    """The earlier scores overrides were carried from (one query; same call, so the same partition)."""
    ids = [score.override_carried_from for score in scores if score.override_carried_from]
    if not ids:
        return {}
    earlier = DimensionScore.objects.filter(pk__in=ids, call_started=scores[0].call_started)
    return {row.pk: row for row in earlier.select_related("rubric_version__rubric")}


def _carried_label(earlier: DimensionScore | None) -> str:
    if earlier is None or earlier.manager_score is None:
        return ""
    ai = "N/A" if earlier.score is None else str(earlier.score)
    version = _version_label(earlier.rubric_version)
    return f"made on an earlier analysis (AI {ai}{' under ' + version if version else ''})"


def _analysis(viewer: Viewer, call: Call, sessions: list[CoachingSession]) -> AnalysisView | None:
    run = sessions[0].run if sessions else run_latest_for_call(viewer=viewer, call_id=call.pk)
    if run is None:
        return None
    versions = sorted(
        {score.rubric_version for session in sessions for score in session.scores.all() if score.rubric_version},
        key=lambda version: (version.rubric.name, version.number),
    )
    return AnalysisView(
        run_id=run.pk,
        analyzer=run.analyzer,
        is_offline=run.analyzer == Analyzer.OFFLINE,
        model=run.model,
        prompt_version=run.prompt_version,
        mode=run.mode,
        created_at=run.created_at,
        rubric_versions=[f"{version.rubric.name} v{version.number}" for version in versions],
        knowledge_versions=run.knowledge_versions or {},
        ledger=ledger_total_for_run(viewer=viewer, run_id=run.pk, call_id=call.pk),
        run_cost_usd=run.cost_usd,
        quotes_verified=run.quotes_verified,
        quotes_dropped=run.quotes_dropped,
    )


def call_detail(*, viewer: Viewer, call_id: str, query: str = "") -> CallDetail:
    """Everything the call page shows, for one call the viewer may see (NotFound otherwise).

    Sessions and scores are only those the viewer may see (a rep sees their own, never a colleague's on the
    same call). `query` highlights matching transcript sentences.
    """
    call = call_get_for_viewer(viewer=viewer, call_id=call_id)
    participants = _participants(call.pk)
    names = {p.speaker_id: p.name for p in participants if p.speaker_id}
    try:
        turns = transcript_get(call_id=call.pk).turns
    except NotFound:
        turns = None
    transcript = transcript_view(turns=turns, names=names, query=query) if turns is not None else None
    sessions = _sessions(viewer, call)
    return CallDetail(
        call=call,
        participants=participants,
        sessions=[_session_view(viewer, session, transcript) for session in sessions],
        transcript=transcript,
        analysis=_analysis(viewer, call, sessions),
        call_stats=stats_view(interaction_stats(turns)) if turns else [],
    )


def call_results(*, viewer: Viewer, call_id: str) -> CallDetail:
    """The call page's data without its rendered transcript (which costs seconds on a multi-hour call): the
    call, participants, the visible sessions with scores and evidence, and the analysis run. NotFound when the
    call is not visible. Built from the portal's own pieces, so both show the same results."""
    call = call_get_for_viewer(viewer=viewer, call_id=call_id)
    sessions = _sessions(viewer, call)
    return CallDetail(
        call=call,
        participants=_participants(call.pk),
        sessions=[_session_view(viewer, session, None) for session in sessions],
        transcript=None,
        analysis=_analysis(viewer, call, sessions),
    )


def calls_for_batch(
    *, viewer: Viewer, call_ids: list[str] | None = None, rep_id: str | None = None,
    start: dt.date | None = None, end: dt.date | None = None, limit: int = 500,
) -> list[Call]:  # fmt: skip
    """Visible calls named by ids, or a rep's calls in a date range, oldest first (at most `limit` + 1, so the
    caller can tell the selection was too big). Unknown or invisible ids raise NotFound naming the first."""
    calls = call_list(viewer=viewer).only("id", "status", "started", "title", "primary_user_id")
    if call_ids:
        found = {call.pk: call for call in calls.filter(pk__in=call_ids)}
        missing = [call_id for call_id in call_ids if call_id not in found]
        if missing:
            raise NotFound(f"Call {missing[0]} not found")
        return [found[call_id] for call_id in dict.fromkeys(call_ids)]
    if rep_id:
        calls = calls.filter(primary_user_id=rep_id) | calls.filter(participants__user_id=rep_id)
    if start:
        calls = calls.filter(started__date__gte=start)
    if end:
        calls = calls.filter(started__date__lte=end)
    return list(calls.distinct().order_by("started", "id")[: limit + 1])
