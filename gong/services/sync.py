"""The polling safety net: list Gong's calls for a window and queue every call we have not seen.

Gong processes calls late (hours), so a poller that only looks at "since last run" misses calls finishing out
of order (reference/gong-api.md §7.1). We always list a lookback window of at least a day and dedupe by id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from core.errors import ApplicationError
from core.models import TombstoneKind
from core.tombstones import erased_among, erased_skip_note
from gong.client import GongClient
from gong.models import Call, CallSource
from gong.schemas import CallMetaData
from gong.services.fetch import FetchReport, calls_fetch_pending
from gong.services.ingest import call_fields, call_new

MIN_LOOKBACK_HOURS = 24


@dataclass
class SyncReport:
    listed: int
    new: int
    fetch: FetchReport | None
    erased: int = 0  # listed calls an erasure tombstoned: not stored

    def summary(self) -> str:
        fetched = f"; {self.fetch.summary()}" if self.fetch else ""
        erased = f" erased={self.erased}" if self.erased else ""
        return f"listed={self.listed} new={self.new}{erased}{fetched}"


def sync_window(*, since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    """[since, until) defaulting to [now - GONG_SYNC_LOOKBACK_HOURS (≥ 24h), now]; ApplicationError if empty."""
    until = until or timezone.now()
    lookback = max(int(settings.GONG_SYNC_LOOKBACK_HOURS), MIN_LOOKBACK_HOURS)
    since = since or until - timedelta(hours=lookback)
    if since >= until:
        raise ApplicationError(f"--since ({since.isoformat()}) must be before --until ({until.isoformat()})")
    return since, until


def gong_sync(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    client: GongClient | None = None,
    fetch: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> SyncReport:
    """List Gong calls started in [since, until), insert unknown ones as pending (source=poll), then fetch them.

    Idempotent: known calls are left alone. `progress(done, total)` is called as batches are fetched.
    """
    since, until = sync_window(since=since, until=until)
    client = client or GongClient.from_settings()
    listed = client.calls(from_dt=since, to_dt=until)
    known = set(Call.objects.filter(pk__in=[m.id for m in listed]).values_list("id", flat=True))
    erased = erased_among(kind=TombstoneKind.CALL, subjects=[m.id for m in listed])
    erased_skip_note(path="poll", kind=TombstoneKind.CALL, count=len(erased))
    skip = known | erased
    new_calls = [_call_from_listing(meta) for meta in listed if meta.id not in skip]
    Call.objects.bulk_create(new_calls, ignore_conflicts=True)  # a webhook may have raced us: keep its row
    report = SyncReport(listed=len(listed), new=len(new_calls), fetch=None, erased=len(erased))
    if fetch and new_calls:
        report.fetch = _fetch_all(client=client, total=len(new_calls), progress=progress)
    return report


def _call_from_listing(meta: CallMetaData) -> Call:
    """A pending call from a GET /v2/calls item; its parties come later from /v2/calls/extensive."""
    metadata = {"metaData": meta.model_dump(mode="json", by_alias=True, exclude_none=True)}
    return call_new(call_id=meta.id, source=CallSource.POLL, metadata=metadata, **call_fields(meta=meta))


def _fetch_all(*, client: GongClient, total: int, progress: Callable[[int, int], None] | None) -> FetchReport:
    """Fetch batches until nothing due is left, reporting progress after each batch."""
    combined = FetchReport()
    while True:
        report = calls_fetch_pending(client=client, debounce=False, max_batches=1)
        for name in ("claimed", "transcribed", "waiting", "skipped", "failed", "erased"):
            setattr(combined, name, getattr(combined, name) + getattr(report, name))
        combined.errors += report.errors
        combined.busy = report.busy
        if progress:
            progress(min(combined.claimed, total), total)
        if report.busy or report.errors or report.claimed == 0:
            return combined
