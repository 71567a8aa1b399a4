"""A long call merged at criterion level scores a behaviour as the whole call would: discovery that happens only
in part 1 is not dragged down by parts 2 and 3, where it could not happen (fake Messages API, real pipeline)."""

from __future__ import annotations

import random

import pytest

from analysis.models import AnalysisRun
from analysis.services import analysis_for_call
from gong.models import Affiliation
from gong.simulator import behaviours as b
from tests.factories.analysis import BUYER_SPEAKER, REP_SPEAKER
from tests.factories.gong import CallFactory, CallParticipantFactory, TranscriptFactory

pytestmark = pytest.mark.django_db

# What a careful judge says per criterion: discovery is judged where discovery questions were asked; a part
# without any gave no occasion for it (n_a), as the instructions tell the model.
DISCOVERY = {
    "current_state_and_pain": ("met", 4),
    "impact_and_metrics": ("met", 3),
    "decision_process": ("missed", 2),
    "timing_and_urgency": ("n_a", None),
    "questioning_depth": ("met", 4),
}


def judge(speaker_id, dimension, key, lines):
    if dimension != "discovery":
        return ("met", 3)
    asked = any(phrase in line for line in lines for phrase in b.DISCOVERY_POSITIVE)
    return DISCOVERY[key] if asked else ("n_a", None)


def _call(*, tokens: int, close: str = ""):
    """Discovery questions in the first fifth of the call only; then pitch and objection handling (and `close`,
    the rep's last line, when given)."""
    rng = random.Random(5)
    call = CallFactory(call_type="discovery")
    CallParticipantFactory(call=call, speaker_id=REP_SPEAKER, affiliation=Affiliation.INTERNAL)
    CallParticipantFactory(call=call, speaker_id=BUYER_SPEAKER, external=True, name="Pat Buyer")
    lines, total = [], 0
    while total < tokens:
        early = total < tokens // 5
        rep = rng.choice(b.DISCOVERY_POSITIVE) if early else " ".join(rng.sample(b.REP_PITCH, 3))
        buyer = " ".join(rng.choice(b.CUSTOMER_STORY + b.OBJECTIONS) for _ in range(3))
        lines += [(REP_SPEAKER, "Internal", rep), (BUYER_SPEAKER, "External", buyer)]
        total += (len(rep) + len(buyer)) // 4 + 10
    if close:
        lines.append((REP_SPEAKER, "Internal", close))
    TranscriptFactory(call=call, lines=lines)
    return call


def _discovery(run: AnalysisRun) -> dict:
    speaker = run.result["speakers"][0]
    return next(d for d in speaker["dimensions"] if d["dimension"] == "discovery")


def test_discovery_only_in_part_one_scores_the_same_chunked_as_whole(kb, fake_claude, settings):
    fake_claude.criteria_fn = judge
    call = _call(tokens=9_000)

    settings.ANALYSIS_CHUNK_TOKENS = 100_000
    whole = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    assert whole.chunk_count == 1

    settings.ANALYSIS_CHUNK_TOKENS = 4_000  # a new cache key: analysed again, in parts
    parts = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    assert parts.pk != whole.pk and parts.chunk_count == 3
    texts = [r["messages"][0]["content"] for r in fake_claude.requests[1:]]
    asked = [any(phrase in text for phrase in b.DISCOVERY_POSITIVE) for text in texts]
    assert asked == [True, False, False]  # discovery could only be judged in part 1

    merged, single = _discovery(parts), _discovery(whole)
    assert single["score"] == 3  # (25·4 + 25·3 + 20·2 + 20·4) / 90 = 3.3
    assert merged["score"] == single["score"]
    assert [(c["key"], c["status"], c["level"]) for c in merged["criteria"]] == [
        (c["key"], c["status"], c["level"]) for c in single["criteria"]
    ]
    assert len(parts.result["speakers"][0]["summary"].split()) <= 41  # ≤ 40 words (+ an ellipsis when cut)


def ratio_judge(speaker_id, dimension, key, lines):
    """Weighs what the lines show, as a whole-call judge would: p lines asking discovery questions, n lines
    skipping it; level 1 + 4p / (p + n + 0.5) (the offline analyzer's rule), met from 3."""
    if dimension != "discovery" or key != "current_state_and_pain":
        return ("met", 3)
    p = sum(any(phrase in line for phrase in b.DISCOVERY_POSITIVE) for line in lines)
    n = sum(any(phrase in line for phrase in b.DISCOVERY_NEGATIVE) for line in lines)
    if p + n == 0:
        return ("n_a", None)
    level = round(1 + 4 * p / (p + n + 0.5) + 1e-9)
    return ("met" if level >= 3 else "missed", level)


def test_a_rep_who_asks_early_and_skips_discovery_later_is_not_scored_on_the_good_part_alone(kb, fake_claude, settings):
    """Discovery asked in the first fifth, skipped ("straight into the demo") on every turn of the last 60 %: the
    whole call says missed; the parts must not let part 1's "met" hide the misses of parts 2 and 3."""
    fake_claude.criteria_fn = ratio_judge
    rng = random.Random(7)
    call = CallFactory(call_type="discovery")
    CallParticipantFactory(call=call, speaker_id=REP_SPEAKER, affiliation=Affiliation.INTERNAL)
    CallParticipantFactory(call=call, speaker_id=BUYER_SPEAKER, external=True, name="Pat Buyer")
    lines, total = [], 0
    while total < 9_000:
        pitch = " ".join(rng.sample(b.REP_PITCH, 2))
        rep = rng.choice(b.DISCOVERY_POSITIVE) if total < 1_800 else pitch
        if total >= 3_600:
            rep = f"{rng.choice(b.DISCOVERY_NEGATIVE)} {pitch}"
        buyer = " ".join(rng.choice(b.CUSTOMER_STORY + b.OBJECTIONS) for _ in range(3))
        lines += [(REP_SPEAKER, "Internal", rep), (BUYER_SPEAKER, "External", buyer)]
        total += (len(rep) + len(buyer)) // 4 + 10
    TranscriptFactory(call=call, lines=lines)

    settings.ANALYSIS_CHUNK_TOKENS = 100_000
    whole = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    settings.ANALYSIS_CHUNK_TOKENS = 4_000
    parts = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    assert (whole.chunk_count, parts.chunk_count) == (1, 3)
    judged = [ratio_judge("", "discovery", "current_state_and_pain", _rep_lines(r)) for r in fake_claude.requests[1:]]
    assert judged[0][0] == "met" and {status for status, _ in judged[1:]} == {"missed"}

    def pain(run):
        criterion = next(c for c in _discovery(run)["criteria"] if c["key"] == "current_state_and_pain")
        return criterion["status"], criterion["level"]

    assert pain(whole)[0] == "missed"
    assert pain(parts) == pain(whole)  # any-met-wins said ("met", 5)


def _rep_lines(request) -> list[str]:
    text = request["messages"][0]["content"].split("Transcript:\n", 1)[1]
    return [line for line in text.splitlines() if ": " in line and not line.split(": ", 1)[0].endswith("B")]


CLOSE = "Let's book the follow-up for next Tuesday at ten and I'll send the proposal tomorrow."


def closing_judge(speaker_id, dimension, key, lines):
    """Next steps: met 5 where the rep books the dated follow-up; elsewhere missed 1 (the rep was talking and did
    not close — a part cannot know the close comes later)."""
    if dimension != "engagement" or key != "next_steps":
        return ("met", 3)
    return ("met", 5) if any("book the follow-up for next Tuesday" in line for line in lines) else ("missed", 1)


def test_next_steps_agreed_at_the_end_score_the_same_chunked_as_whole(kb, fake_claude, settings):
    """The shipped rubric marks next steps once-is-enough: parts 1 and 2 saying missed do not outvote part 3."""
    fake_claude.criteria_fn = closing_judge
    call = _call(tokens=9_000, close=CLOSE)

    settings.ANALYSIS_CHUNK_TOKENS = 100_000
    whole = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    settings.ANALYSIS_CHUNK_TOKENS = 4_000
    parts = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    assert (whole.chunk_count, parts.chunk_count) == (1, 3)

    def next_steps(run):
        speaker = run.result["speakers"][0]
        engagement = next(d for d in speaker["dimensions"] if d["dimension"] == "engagement")
        criterion = next(c for c in engagement["criteria"] if c["key"] == "next_steps")
        return criterion["status"], criterion["level"]

    assert next_steps(whole) == ("met", 5)
    assert next_steps(parts) == next_steps(whole)  # averaging said ("missed", 2)
