"""Read a Prometheus counter's current total (merged across processes like /metrics does), for figures the
database does not keep, such as Gong 429 answers. Totals count since the processes (or the shared
PROMETHEUS_MULTIPROC_DIR) started."""

from __future__ import annotations

from collections import defaultdict

from core.metrics import process_registry


def counter_total(family: str, *, by: str = "", **labels: str) -> float | dict[str, float]:
    """Sum of `family`_total samples whose labels match `labels`; with `by`, a dict of sums per that label."""
    sums: dict[str, float] = defaultdict(float)
    for metric in process_registry().collect():
        if metric.name != family:
            continue
        for sample in metric.samples:
            if sample.name != f"{family}_total":
                continue
            if any(sample.labels.get(key) != value for key, value in labels.items()):
                continue
            sums[sample.labels.get(by, "") if by else ""] += sample.value
    if by:
        return dict(sorted(sums.items()))
    return sums.get("", 0.0)
