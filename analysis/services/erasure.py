"""Erasure of analysis data (called by coaching.services.erasure, inside its one transaction).

Analysis runs of erased calls are deleted (their result JSON holds quotes, names and summaries). The cost ledger
keeps every row — tokens and dollars must still add up — but loses what ties it to the call: call id and run.
analysis_api_call is partitioned; an UPDATE on the parent reaches every partition.
"""

from __future__ import annotations

import re

from django.db.models import Q

from analysis.models import AnalysisRun, ApiCall
from core.scrub import json_scrub


def analysis_erase(*, call_ids: set[str], dry_run: bool = False) -> dict[str, int]:
    """Delete the calls' analysis runs and detach their ledger rows; counts by kind."""
    run_ids = list(AnalysisRun.objects.filter(call_id__in=call_ids).values_list("pk", flat=True))
    ledger = ApiCall.objects.filter(Q(call_id__in=call_ids) | Q(run_id__in=run_ids))
    counts = {"analysis_runs": len(run_ids), "ledger_rows_detached": ledger.count()}
    if not dry_run:
        ledger.update(call_id="", run_id=None)
        AnalysisRun.objects.filter(pk__in=run_ids).delete()
    return counts


def analysis_results_scrub(*, pattern: re.Pattern, needles: set[str], dry_run: bool = False) -> int:
    """Other calls' results that name the person (a contact mentioned on someone else's call)."""
    query = Q()
    for needle in needles:
        query |= Q(result__icontains=needle)
    if not query:
        return 0
    runs = list(AnalysisRun.objects.filter(query).only("pk", "result"))
    for run in runs if not dry_run else []:
        AnalysisRun.objects.filter(pk=run.pk).update(result=json_scrub(run.result, pattern))
    return len(runs)
