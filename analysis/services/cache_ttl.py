"""Which prompt-cache TTL a request asks for, from the measured call rate.

Anthropic keeps a cached prefix 5 minutes (writes 1.25× the input price) or 1 hour (writes 2×); reads cost 0.1×
either way and refresh the entry. When calls come more often than every 5 minutes the 5-minute cache stays warm
and is the cheaper write; when they come less often it has always expired by the next call (every call pays a
write), and the 1-hour cache turns those writes into reads. CLAUDE_PROMPT_CACHE_TTL=auto (the default) decides
from the ledger: the median gap between the starts of the last RATE_SAMPLE realtime analyses (the gap from the
last one to now included, so a quiet spell counts) below 5 minutes → "5m", otherwise "1h" (also with no history:
at launch volume calls come a few an hour). "5m" or "1h" forces one. Message Batches always use "1h": a batch
runs for minutes to hours, longer than a 5-minute entry lives.
"""

from __future__ import annotations

import itertools
import statistics
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from analysis.models import ApiCall, ApiPurpose, RunMode

RATE_SAMPLE = 6
RATE_WINDOW = timedelta(hours=6)
FIVE_MINUTES_S = 300
BATCH_TTL = "1h"


def call_gaps_s(*, now: datetime | None = None) -> list[float]:
    """Seconds between the starts of the last RATE_SAMPLE realtime analyses (runs; the chunks of one run count
    once), and from the last one to now."""
    now = now or timezone.now()
    starts = (
        ApiCall.objects.filter(
            created_at__gte=now - RATE_WINDOW,
            mode=RunMode.REALTIME,
            purpose__in=[ApiPurpose.CALL_ANALYSIS, ApiPurpose.CHUNK_ANALYSIS],
        )
        .values("run_id", "call_id")  # one analysis = one run (its chunks are seconds apart)
        .annotate(started=Min("created_at"))
        .order_by("-started")
        .values_list("started", flat=True)[:RATE_SAMPLE]
    )
    times = [*sorted(starts), now]
    return [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(times)]


def prompt_cache_ttl(*, now: datetime | None = None) -> str:
    """ "5m" or "1h" for the next realtime request (see the module docstring)."""
    configured = settings.CLAUDE_PROMPT_CACHE_TTL
    if configured in ("5m", "1h"):
        return configured
    gaps = call_gaps_s(now=now)
    if len(gaps) < 2:  # fewer than two recent calls: calls are rare
        return "1h"
    return "5m" if statistics.median(gaps) < FIVE_MINUTES_S else "1h"
