"""Coaching services: materialise analyses into sessions and scores, run the per-call pipeline stage."""

from coaching.services.pipeline import call_coach, calls_coach_sweep
from coaching.services.sessions import sessions_store_from_run

__all__ = ["call_coach", "calls_coach_sweep", "sessions_store_from_run"]
