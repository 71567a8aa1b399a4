from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from coaching.calibration.sync import calibration_sync
from core.errors import ApplicationError
from gong.errors import GongError


class Command(BaseCommand):
    help = (
        "Sync managers' Gong scorecards (→ reference scores through the question mapping) and re-read the state of "
        "open deals (won / lost / open). Idempotent; also scheduled daily by setup_schedules."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--since", help="first review date to read, YYYY-MM-DD (default: the lookback setting)")
        parser.add_argument("--no-scorecards", action="store_true", help="skip scorecards")
        parser.add_argument("--no-outcomes", action="store_true", help="skip deal outcomes")

    def handle(self, *args, **options) -> None:
        since = None
        if options["since"]:
            try:
                since = date.fromisoformat(options["since"])
            except ValueError as exc:
                raise CommandError(f"--since must be a date YYYY-MM-DD, got {options['since']!r}") from exc
        try:
            report = calibration_sync(
                since=since, scorecards=not options["no_scorecards"], outcomes=not options["no_outcomes"]
            )
        except (ApplicationError, GongError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"calibration_sync: {report.summary()}")
