"""Coaching sessions as a viewer may see them (the read API lists them through here)."""

from __future__ import annotations

from django.db.models import QuerySet

from coaching.access import Viewer, sessions_visible_q
from coaching.models import CoachingSession


def session_list(*, viewer: Viewer, include_superseded: bool = False) -> QuerySet[CoachingSession]:
    """Visible sessions — current ones only unless `include_superseded` (the admin's list shows both, with
    `is_current`; a re-analysis supersedes a session rather than deleting it)."""
    sessions = CoachingSession.objects.filter(sessions_visible_q(viewer))
    return sessions if include_superseded else sessions.filter(is_current=True)
