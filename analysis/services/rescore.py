"""Re-score one speaker of one stored call with a rubric draft, by the offline analyzer: what a rubric edit would
do to scores before it is published. Reads only; stores and spends nothing."""

from __future__ import annotations

from dataclasses import dataclass, replace

from analysis.offline import dimension_offline, speaker_sentences
from analysis.services.context import analysis_input_build


@dataclass(frozen=True)
class Rescore:
    active: int | None  # the offline score under the active rubric (None: N/A)
    draft: int | None  # ... and under the draft


def dimension_rescore_offline(
    *, call_id: str, speaker_id: str, dimension: str, content: dict, version_id: int
) -> Rescore | None:
    """Both offline scores of `speaker_id` on `dimension` (the active rubric, then `content`); None when the call
    cannot be analysed (no transcript, no such speaker, no active rubric)."""
    inp = analysis_input_build(call_id=call_id, analyzer="offline")
    active = inp.snapshot.rubrics.get(dimension)
    speaker = inp.speakers.get(speaker_id)
    if inp.error or active is None or speaker is None:
        return None
    sentences = speaker_sentences(inp.turns, speaker_id)
    stats = inp.stats.get(speaker_id, {})
    now, _ = dimension_offline(active, sentences, stats, speaker)
    draft, _ = dimension_offline(replace(active, content=content, version_id=version_id), sentences, stats, speaker)
    return Rescore(active=now.score, draft=draft.score)
