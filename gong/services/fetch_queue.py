"""Handing work to the queue by dotted path (gong never imports the apps above it).

Fetch requests from webhooks are cheap and rare at the database:
* if a fetcher is running (it holds the FETCH_LOCK_KEY advisory lock), nothing is enqueued: it claims again
  until nothing is due, and re-checks after releasing the lock, so it will take this call too;
* otherwise, with django-q2's ORM broker, the task row is inserted in the same transaction as the call (an
  outbox: one commit per webhook, and a call is never committed without its task); with another broker (or
  the synchronous test mode) it is enqueued on commit.
Any gap is closed by the per-minute sweep (`gong.tasks.calls_fetch_pending`), which re-finds pending rows.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import connection, transaction

logger = logging.getLogger(__name__)

FETCH_TASK = "gong.tasks.calls_fetch_pending"
USERS_SYNC_TASK = "gong.tasks.users_sync"
ANALYSIS_TASK = "coaching.tasks.call_coach"
FETCH_LOCK_KEY = 0x6706_0001  # pg advisory lock id held by the one running fetcher

# pg_locks lists every database's locks: only a fetcher of *this* database counts.
FETCHER_RUNNING_SQL = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = %s AND granted "
    "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))"
)


_last_request = 0.0  # monotonic time of this process's last committed fetch request


def _note_request() -> None:
    global _last_request
    _last_request = time.monotonic()


def fetch_recently_requested() -> bool:
    """Whether this process committed a fetch request to the database queue within the last half-debounce: that
    fetch is still waiting out its debounce (no webhook for GONG_FETCH_DEBOUNCE_S), so it will claim any call
    committed now too, and a webhook needs to add no task (nor a transaction around its one statement)."""
    if not _queue_in_database():
        return False
    window = min(0.5, settings.GONG_FETCH_DEBOUNCE_S / 2)
    return time.monotonic() - _last_request < window


def calls_fetch_request(*, recently_requested: bool | None = None) -> None:
    """Within the transaction that created pending calls (no fetcher running): make sure a fetch runs soon.

    Under a burst, one request per process per half-debounce is enough (fetch_recently_requested): that keeps the
    queue table from taking a task row per webhook on the hottest path we have. `recently_requested` is that
    answer when the caller already asked (it decided on it whether to open a transaction).
    """
    if _queue_in_database():
        if fetch_recently_requested() if recently_requested is None else recently_requested:
            return
        _enqueue(FETCH_TASK, group="gong_fetch", swallow=False)  # joins the current transaction
        transaction.on_commit(_note_request)
    else:
        transaction.on_commit(calls_fetch_enqueue)


def calls_fetch_enqueue() -> None:
    """Ask a worker to fetch whatever calls are pending (one task may serve many webhooks)."""
    _enqueue(FETCH_TASK, group="gong_fetch")


def users_sync_enqueue() -> None:
    """Ask a worker to sync Gong users (a participant's Gong user is unknown to us)."""
    _enqueue(USERS_SYNC_TASK, group="gong_users")


def call_analysis_enqueue(*, call_id: str) -> None:
    """Hand a transcribed call to analysis by task path (gong never imports the analysis apps)."""
    if settings.GONG_ENQUEUE_ANALYSIS:
        _enqueue(ANALYSIS_TASK, call_id, group="call_coach")


def _queue_in_database() -> bool:
    from django_q.conf import Conf  # imported late: django_q reads settings at import

    return bool(Conf.ORM) and connection.alias == Conf.ORM and not Conf.SYNC


def _enqueue(func: str, *args: object, group: str, swallow: bool = True) -> None:
    from django_q.tasks import async_task

    try:
        async_task(func, *args, group=group)
    except Exception:  # the row's status is the source of truth; a sweep re-finds the work
        if not swallow:
            raise
        logger.exception("enqueue of %s failed; the periodic sweep will pick the work up", func)
