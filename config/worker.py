"""Queue worker processes yield the CPU to the web tier.

django-q2 sends `post_spawn` in each task process it forks (`manage.py qcluster`); we raise that process's nice
value by Q_WORKER_NICE, so on a host shared with gunicorn the scheduler runs webhook requests first and analyses
with what is left (an analysis waiting a few ms more costs nothing; a webhook waiting makes Gong retry). The
cluster's own supervisor processes keep their priority (they are idle most of the time). 0 turns it off.
"""

from __future__ import annotations

import os

import structlog
from django.conf import settings

logger = structlog.get_logger(__name__)


def worker_priority_lower(sender=None, proc_name: str = "", **kwargs) -> int:
    """Receiver of django_q.signals.post_spawn; returns the process's new nice value."""
    increment = settings.Q_WORKER_NICE
    if increment <= 0:
        return os.nice(0)
    niceness = os.nice(increment)
    logger.info("queue_worker_niced", proc_name=proc_name, nice=niceness)
    return niceness
