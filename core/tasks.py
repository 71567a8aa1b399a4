"""Queue entry points for core services (django-q2 calls these by dotted path)."""

from core.partitions import partitions_maintain as _partitions_maintain


def partitions_maintain() -> str:
    report = _partitions_maintain()
    return f"created={len(report.created)} dropped={len(report.dropped)}"
