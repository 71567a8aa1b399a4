"""manage.py gong_sync: poll Gong for calls whose webhook never came (default: the lookback window), or backfill
a range with --since/--until. Prints a one-line summary; bad arguments are a one-line error."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import ApplicationError
from core.progress import progress_bar
from gong.errors import GongError
from gong.services.sync import gong_sync


def moment(value: str) -> datetime:
    """An ISO date (midnight UTC) or date-time (UTC when no offset is given)."""
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.min, tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise CommandError(f"{value!r} is not an ISO date (2026-11-16) or date-time (2026-11-16T09:00:00Z)") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Command(BaseCommand):
    help = "Poll Gong for calls (lookback ≥ 24h) or backfill --since/--until; new calls are fetched."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", help="start of the range (ISO date or date-time); default now - lookback")
        parser.add_argument("--until", help="end of the range, exclusive (ISO date or date-time); default now")
        parser.add_argument("--lookback-hours", type=int, help="override GONG_SYNC_LOOKBACK_HOURS (minimum 24)")
        parser.add_argument("--no-fetch", action="store_true", help="only record new calls as pending")

    def handle(self, *args, **options) -> None:
        since = moment(options["since"]) if options["since"] else None
        until = moment(options["until"]) if options["until"] else None
        lookback = options["lookback_hours"]
        if lookback is not None:
            if lookback < 24:
                raise CommandError("--lookback-hours must be at least 24 (Gong processes calls late)")
            since = since or (until or datetime.now(UTC)) - timedelta(hours=lookback)
        try:
            report = self._sync(since=since, until=until, fetch=not options["no_fetch"])
        except (ApplicationError, GongError, ImproperlyConfigured) as exc:
            raise CommandError(getattr(exc, "message", None) or str(exc)) from exc
        self.stdout.write(f"gong_sync: {report.summary()}")

    def _sync(self, *, since, until, fetch: bool):
        with progress_bar(stream=self.stdout, label="fetching calls") as update:
            return gong_sync(since=since, until=until, fetch=fetch, progress=update)
