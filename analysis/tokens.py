"""Token counts: Anthropic's count endpoint when a key is set, otherwise a deterministic estimate.

The estimate is ⌈characters ÷ 4⌉, the same rule gong uses for `gong_transcript.token_count`. It is an
approximation, not a measurement: no Claude tokenizer is available offline, and this project has not measured
the estimator against the real tokenizer (that needs an API key). Anthropic's own guidance is roughly 3.5–4
characters per token for English prose; Claude models from Sonnet 5 on use a newer tokenizer whose ratio we have
not verified, so treat the estimate as ±20 % and prefer the count endpoint (`tokens_calibrate`) near limits.
The chunker only needs relative sizes; a calibration factor from one real count scales every line.
"""

from __future__ import annotations

import math

CHARS_PER_TOKEN = 4.0
ESTIMATOR = "chars/4"


def token_estimate(text: str) -> int:
    """Deterministic offline estimate (see module docstring for its error)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def calibration(*, estimated: int, counted: int | None) -> float:
    """Scale factor from the estimator to a real count of the same text (1.0 when there is no real count)."""
    if not counted or not estimated:
        return 1.0
    return counted / estimated
