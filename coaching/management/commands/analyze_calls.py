"""`manage.py analyze_calls`: analyse transcribed calls now (realtime or Message Batches), or estimate the cost."""

from __future__ import annotations

import os
import socket
import time
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from analysis.selectors import cost_summary
from analysis.services import analysis_estimate
from coaching.services.pipeline import (
    CoachOutcome,
    call_coach,
    calls_coach_batch,
    calls_coach_batch_ingest,
)
from core.errors import NotFound
from core.progress import progress_bar
from gong.selectors import call_get, calls_for_analysis


def _since(value: str) -> datetime:
    """ISO date/datetime, or a relative '7d' / '12h'."""
    text = value.strip().lower()
    if text[:-1].isdigit() and text[-1:] in ("d", "h"):
        amount = int(text[:-1])
        return timezone.now() - (timedelta(days=amount) if text[-1] == "d" else timedelta(hours=amount))
    moment = parse_datetime(value)
    if moment is None and parse_date(value) is not None:
        moment = datetime.combine(parse_date(value), datetime.min.time())
    if moment is None:
        raise CommandError(f"--since {value!r}: use an ISO date (2026-11-01), a datetime, or 7d / 12h")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Analyse transcribed calls with Claude (or the offline analyzer) and store coaching sessions."

    def add_arguments(self, parser):
        parser.add_argument("--call", action="append", default=[], metavar="CALL_ID", help="a Gong call id (repeat)")
        parser.add_argument("--since", help="only calls started since: ISO date/datetime, or 7d / 12h")
        parser.add_argument("--force", action="store_true", help="re-analyse even when analysed or cached")
        parser.add_argument("--batch", action="store_true", help="use the Message Batches API (half price)")
        parser.add_argument("--wait", type=float, default=0.0, metavar="S", help="with --batch: poll up to S seconds")
        parser.add_argument("--dry-run", action="store_true", help="print the token and cost estimate only")
        parser.add_argument("--limit", type=int, default=10_000, help="at most this many calls")

    def _call_ids(self, options) -> list[str]:
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1")
        since = _since(options["since"]) if options["since"] else None
        if options["call"]:
            for call_id in options["call"]:
                if not call_id.isdigit() or len(call_id) > 20:
                    raise CommandError(f"--call {call_id!r}: a Gong call id is up to 20 digits")
                try:
                    call_get(call_id=call_id)
                except NotFound as exc:
                    raise CommandError(exc.message) from exc
            return list(dict.fromkeys(options["call"]))[: options["limit"]]
        return calls_for_analysis(since=since, force=options["force"], limit=options["limit"])

    def handle(self, *args, **options):
        call_ids = self._call_ids(options)
        if options["dry_run"]:
            return self._dry_run(call_ids)
        started = timezone.now()
        worker = f"analyze_calls@{socket.gethostname()}:{os.getpid()}"
        if options["batch"]:
            outcomes = self._batch(call_ids, options, worker)
        else:
            outcomes = self._realtime(call_ids, options["force"], worker)
        self.stdout.write(self._summary(outcomes, started))

    def _realtime(self, call_ids: list[str], force: bool, worker: str) -> list[CoachOutcome]:
        outcomes = []
        with progress_bar(stream=self.stdout, label="analysing", total=len(call_ids)) as update:
            for call_id in call_ids:
                outcomes.append(call_coach(call_id=call_id, force=force, worker=worker, realtime=True))
                update(len(outcomes))
        return outcomes

    def _batch(self, call_ids: list[str], options, worker: str) -> list[CoachOutcome]:
        outcomes = {o.call_id: o for o in calls_coach_batch(call_ids=call_ids, force=options["force"], worker=worker)}
        submitted = sum(o.status == "batch_submitted" for o in outcomes.values())
        deadline = time.monotonic() + options["wait"]
        with progress_bar(stream=self.stdout, label="batch: waiting for results", total=submitted) as update:
            while True:
                for outcome in calls_coach_batch_ingest(worker=worker).outcomes:
                    outcomes[outcome.call_id] = outcome
                waiting = [o for o in outcomes.values() if o.status == "batch_submitted"]
                update(submitted - len(waiting))
                if not waiting or time.monotonic() >= deadline:
                    return list(outcomes.values())
                time.sleep(min(10.0, max(0.5, deadline - time.monotonic())))

    def _summary(self, outcomes: list[CoachOutcome], started) -> str:
        counts = Counter(o.status for o in outcomes)
        hits = sum(o.cache_hit for o in outcomes)
        spend = cost_summary(start=started, end=timezone.now() + timedelta(seconds=1))
        cost = f"${spend.cost_usd:.4f}" + (f" (+{spend.unpriced_requests} unpriced)" if spend.unpriced_requests else "")
        failures = "; ".join(f"{o.call_id}: {o.detail}" for o in outcomes if o.status == "failed")[:400]
        line = (
            f"analyze_calls ({settings.ANALYZER}): {len(outcomes)} calls, {counts['analyzed']} analyzed "
            f"({hits} cache hits), {counts['failed']} failed, {counts['held']} held, "
            f"{counts['batch_submitted']} in batch, {counts['not_claimed']} skipped; "
            f"tokens in {spend.input_tokens:,} (+{spend.cache_write_tokens:,} cache write, "
            f"{spend.cache_read_tokens:,} cache read) out {spend.output_tokens:,}; cost {cost}"
        )
        return line + (f"\nfailed: {failures}" if failures else "")

    def _dry_run(self, call_ids: list[str]) -> None:
        estimate = analysis_estimate(call_ids=call_ids)

        def money(value) -> str:
            return "unknown (no price for this model)" if value is None else f"${value:.4f}"

        self.stdout.write(
            f"dry run ({settings.ANALYZER}, {settings.CLAUDE_MODEL}, {estimate.method}): {estimate.calls} calls, "
            f"{estimate.cache_hits} cache hits, {estimate.skipped} skipped; ~{estimate.input_tokens:,} input tokens "
            f"(+{estimate.cache_write_tokens:,} cache write, {estimate.cache_read_tokens:,} cache read), "
            f"~{estimate.output_tokens:,} output; cost ~{money(estimate.cost_realtime_usd)} realtime, "
            f"~{money(estimate.cost_batch_usd)} batch"
        )
