"""Which prompt-cache TTL a request asks for, from the measured call rate — or none at all.

Anthropic keeps a cached prefix 5 minutes (writes 1.25× the input price) or 1 hour (writes 2×); reads cost 0.1×
(or the model's own read rate) either way and refresh the entry. A write is a premium over plain input (0.25× or
1×) that pays off only through later reads, each saving 0.9× of the prefix. CLAUDE_PROMPT_CACHE_TTL=auto (the
default) decides from the ledger: the median gap between the starts of the last RATE_SAMPLE realtime analyses (the
gap from the last one to now included, so a quiet spell counts):

- below 5 minutes → "5m": the 5-minute entry stays warm and is the cheaper write;
- otherwise "1h" while a 1-hour write pays for itself: premium (1×) < expected reads × read saving (0.9). Calls
  are taken to arrive at random (Poisson) with the measured median gap m; each read refreshes the entry, so it
  lives while consecutive gaps stay under the TTL T: P(next gap < T) = p = 1 − 2^(−T/m), expected reads
  p/(1 − p) = 2^(T/m) − 1. For T = 1 hour that holds while m < 1 h ÷ log2(1 + 1/0.9) ≈ 55.7 minutes;
- otherwise (and with no analysis in the last RATE_WINDOW) → "none": no cache_control, the prefix billed as
  plain input (1×), because the entry would expire unread and every write would be lost.

An analysis that sends several requests within seconds (the chunks of a long call) reads its own prefix: under
"none" it still asks for "5m" (`requests` > 1), so chunks 2..n (and their repair turns) read what chunk 1 wrote.
A single-request analysis is sent uncached under "none"; its repair turn, if the answer was invalid, pays the
prefix again (a 5-minute write on every request would cost 0.25× always, to save 0.9× on the few repaired ones).
"5m", "1h" or "none" in the setting force one ("none" strictly: no cache_control even on chunks). Message Batches
always use "1h": a batch runs for minutes to hours, longer than a 5-minute entry lives. The ledger records the
TTL of every analysis request, "none" included.
"""

from __future__ import annotations

import itertools
import math
import statistics
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from analysis.models import ApiCall, ApiPurpose, RunMode
from analysis.pricing import CACHE_READ, CACHE_WRITE_1H, CACHE_WRITE_5M, PRICES

RATE_SAMPLE = 6
RATE_WINDOW = timedelta(hours=6)
FIVE_MINUTES_S = 300
BATCH_TTL = "1h"
NO_CACHE = "none"
TTLS = ("5m", "1h", NO_CACHE)  # what CLAUDE_PROMPT_CACHE_TTL may force (besides "auto")
TTL_SECONDS = {"5m": 300, "1h": 3600}
WRITE_PREMIUM = {"5m": CACHE_WRITE_5M - 1, "1h": CACHE_WRITE_1H - 1}  # over plain input, × the input price


def call_gaps_s(*, now: datetime | None = None) -> list[float]:
    """Seconds between the starts of the last RATE_SAMPLE realtime analyses (runs; the chunks of one run count
    once), and from the last one to now. Empty when there was none in the last RATE_WINDOW."""
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
    if not starts:
        return []
    times = [*sorted(starts), now]
    return [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(times)]


def read_saving(model: str | None = None) -> Decimal:
    """What one cache read saves over plain input, × the input price (0.9 at the usual 0.1× read rate)."""
    price = PRICES.get(model or settings.CLAUDE_MODEL)
    return 1 - (price.cache_read_multiplier if price else CACHE_READ)


def expected_reads(*, median_gap_s: float, ttl: str) -> float:
    """Reads one write earns from later calls arriving at random with this median gap (module docstring)."""
    exponent = TTL_SECONDS[ttl] / max(median_gap_s, 1.0)
    return math.inf if exponent > 1000 else 2.0**exponent - 1


def write_pays(*, median_gap_s: float, ttl: str, model: str | None = None) -> bool:
    """A cache write with this TTL is cheaper than plain input: premium < expected reads × read saving."""
    return float(WRITE_PREMIUM[ttl]) < expected_reads(median_gap_s=median_gap_s, ttl=ttl) * float(read_saving(model))


def ttl_for_gaps(gaps_s: list[float]) -> str:
    """ "5m", "1h" or "none" for these gaps between analyses (see the module docstring)."""
    if not gaps_s:  # no analysis in the last RATE_WINDOW: calls are rare
        return NO_CACHE
    median = statistics.median(gaps_s)
    if median < FIVE_MINUTES_S:
        return "5m"
    return "1h" if write_pays(median_gap_s=median, ttl="1h") else NO_CACHE


def prompt_cache_ttl(*, now: datetime | None = None, requests: int = 1) -> str:
    """ "5m", "1h" or "none" for the next realtime analysis, which sends `requests` requests back to back."""
    configured = settings.CLAUDE_PROMPT_CACHE_TTL
    if configured in TTLS:
        return configured
    ttl = ttl_for_gaps(call_gaps_s(now=now))
    if ttl == NO_CACHE and requests > 1:  # its own later requests (chunks 2..n) read the prefix within seconds
        return "5m"
    return ttl
