from django.core.management.base import BaseCommand, CommandError

from coaching.weekly.services import weekly_review_run
from core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Compute, store and mail the weekly coaching reviews (idempotent: re-running updates the reviews and "
        "sends nothing new unless --resend)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: the last completed week)")
        parser.add_argument("--team", metavar="MANAGER", help="only this manager's team (Gong user id or email)")
        parser.add_argument("--dry-run", action="store_true", help="compute and print; analyse, store and send nothing")
        parser.add_argument("--resend", action="store_true", help="mail the team reviews again even if already sent")
        parser.add_argument("--wait", type=float, help="seconds to wait for leftover analyses (default: setting)")

    def handle(self, *args, **options) -> None:
        try:
            result = weekly_review_run(
                week=options["week"],
                team=options["team"],
                dry_run=options["dry_run"],
                resend=options["resend"],
                wait_timeout_s=options["wait"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if options["verbosity"] > 1 or options["dry_run"]:
            for review in result.reviews:
                gaps = ", ".join(review.skill_gaps) or "none"
                to = ", ".join(review.recipients) or "-"
                self.stdout.write(
                    f"  {review.scope:4} {review.subject_name:30} calls={review.calls:3} gaps={gaps} to={to} "
                    f"mail={review.mail}"
                )
            for item in result.missing:
                self.stdout.write(f"  missing {item['call_id']} {item['title'] or ''}: {item['reason']}")
        self.stdout.write(result.summary)
