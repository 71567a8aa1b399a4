"""Queue entry points (django-q2 calls them by dotted path). They take ids and call services."""

from __future__ import annotations

from analysis.services import batch_poll as _batch_poll
from analysis.services import runs_sweep_stale as _runs_sweep_stale


def batch_poll() -> str:
    poll = _batch_poll()
    return f"checked {poll.checked}, ended {poll.ended}, succeeded {poll.succeeded}, failed {poll.failed}"


def runs_sweep_stale() -> int:
    return _runs_sweep_stale()
