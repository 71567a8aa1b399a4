"""Windows over rendered transcript lines for calls above ANALYSIS_CHUNK_TOKENS.

Rule: windows of at most `max_tokens`, cut between lines (a line is one merged speaker turn, so never inside a
turn; render.py splits a single turn longer than a window at sentence boundaries). Consecutive windows share
about `overlap` (20 %) of a window's tokens so a moment at a boundary is seen whole at least once; the shared part
starts at the beginning of a turn (`turn_starts`: never on the second piece of a split turn).
The caller sizes `max_tokens` so the budget counts the transcript's own words (claude_run.windows_for): a call
whose raw transcript fits the budget is one window, whatever the speaker tags add. Windows are
balanced: for a transcript of T tokens, n = the fewest windows that fit, each aiming at T ÷ (n − (n−1)·overlap)
tokens, so the last one is not a sliver. Linear time over prefix sums (a 160K-token call chunks in ~ms).
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    start: int  # first line index (inclusive)
    end: int  # last line index (exclusive)
    tokens: int


def _target(total: int, max_tokens: int, overlap: float) -> int:
    if total <= max_tokens:
        return total
    step = max_tokens * (1 - overlap)
    count = max(2, math.ceil((total - max_tokens * overlap) / step))
    return min(max_tokens, math.ceil(total / (count - (count - 1) * overlap)))


def _turn_start(next_start: int, *, start: int, turn_starts: list[bool] | None) -> int:
    """Back `next_start` up to the first line of its turn, as long as the window still moves forward."""
    if turn_starts is None:
        return next_start
    candidate = next_start
    while candidate > start + 1 and not turn_starts[candidate]:
        candidate -= 1
    return candidate if turn_starts[candidate] else next_start


def windows_plan(
    line_tokens: list[int], *, max_tokens: int, overlap: float, turn_starts: list[bool] | None = None
) -> list[Window]:
    """Line windows covering every line; one window when everything fits in `max_tokens`. `turn_starts[i]` says
    line i begins a turn (False for the later pieces of a turn render.py split)."""
    prefix = [0, *itertools.accumulate(line_tokens)]
    total = prefix[-1]
    if not line_tokens:
        return []
    if total <= max_tokens:
        return [Window(0, len(line_tokens), total)]
    target = _target(total, max_tokens, overlap)
    windows: list[Window] = []
    start = 0
    while True:
        # Last line whose end stays within the target (and the hard max); at least one line per window.
        end = bisect.bisect_right(prefix, prefix[start] + target) - 1
        end = max(end, start + 1)
        if prefix[-1] - prefix[start] <= max_tokens and len(windows) > 0 and end < len(line_tokens):
            end = bisect.bisect_right(prefix, prefix[start] + max_tokens) - 1
        windows.append(Window(start, end, prefix[end] - prefix[start]))
        if end >= len(line_tokens):
            return windows
        # Back up from `end` by about overlap × window tokens, on a line boundary, always moving forward.
        wanted = prefix[end] - overlap * (prefix[end] - prefix[start])
        next_start = bisect.bisect_left(prefix, wanted)
        start = min(max(_turn_start(next_start, start=start, turn_starts=turn_starts), start + 1), end)
