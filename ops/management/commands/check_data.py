"""`manage.py check_data`: orphans, half-written rows, missing partitions ahead, calls stuck past thresholds.

Prints one line per check and exits 1 when any problem is found (warnings alone exit 0, or 1 with --strict).
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ops.checks_data import PROBLEM, data_check


class Command(BaseCommand):
    help = "Check the stored data for orphans, half-written rows, missing partitions and stuck calls."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stuck-minutes", type=int, help="override OPS_STUCK_AFTER_MINUTES for this run")
        parser.add_argument("--strict", action="store_true", help="fail on warnings too")
        parser.add_argument("--json", action="store_true", help="print the findings as JSON")

    def handle(self, *args, **options) -> None:
        minutes = options["stuck_minutes"]
        if minutes is not None and minutes < 1:
            raise CommandError("--stuck-minutes must be at least 1")
        stuck_after = dt.timedelta(minutes=minutes) if minutes else None
        findings = data_check(stuck_after=stuck_after)
        failing = [f for f in findings if f.count and (f.severity == PROBLEM or options["strict"])]
        if options["json"]:
            self.stdout.write(json.dumps([f.__dict__ | {"examples": list(f.examples)} for f in findings], indent=2))
        else:
            for finding in findings:
                mark = "ok  " if not finding.count else ("FAIL" if finding in failing else "warn")
                examples = f" e.g. {', '.join(finding.examples)}" if finding.examples else ""
                self.stdout.write(f"{mark} {finding.check}: {finding.count} — {finding.detail}{examples}")
        if failing:
            raise CommandError(f"{len(failing)} of {len(findings)} checks found problems")
        self.stdout.write(f"check_data: all {len(findings)} checks passed")
