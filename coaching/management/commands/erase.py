import getpass

from django.core.management.base import BaseCommand, CommandError

from coaching.services.erasure import erasure_lift, erasure_run
from core.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Erase one call, or everything of one person (by email), with everything derived from it: transcript, "
        "coaching sessions, scores and evidence, analysis results, webhook deliveries, weekly-review mentions. "
        "The cost ledger keeps its rows without the call. One transaction; idempotent; audited without content. "
        "The erased ids are tombstoned so no webhook, poll or sync stores them again; --lift undoes that block."
    )

    def add_arguments(self, parser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--call", metavar="ID", help="a Gong call id")
        target.add_argument("--email", metavar="E", help="a person's email (Gong user, participant or contact)")
        parser.add_argument("--dry-run", action="store_true", help="count what would be erased; change nothing")
        parser.add_argument(
            "--lift",
            action="store_true",
            help="undo a mistaken erasure's block (the data stays erased): Gong may send the call/person again",
        )
        parser.add_argument("--by", metavar="NAME", help="who asked for it, for the audit row (default: OS user)")

    def handle(self, *args, **options) -> None:
        actor = options["by"] or _os_user()
        if options["lift"]:
            self._lift(options, actor=actor)
            return
        try:
            outcome = erasure_run(
                call_id=options["call"] or "",
                email=options["email"] or "",
                dry_run=options["dry_run"],
                actor=actor,
                via="command",
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        audit = f" (audit record {outcome.record_id})" if outcome.record_id else ""
        self.stdout.write(outcome.summary() + audit)

    def _lift(self, options: dict, *, actor: str) -> None:
        if options["dry_run"]:
            raise CommandError("--lift has no --dry-run: it changes only the block, never data")
        try:
            outcome = erasure_lift(
                call_id=options["call"] or "", email=options["email"] or "", actor=actor, via="command"
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        lifted = outcome.counts["tombstones_lifted"]
        if not lifted:
            self.stdout.write("lifted: nothing (no erasure of it is in force)")
            return
        self.stdout.write(
            f"lifted: {lifted} tombstone(s) (audit record {outcome.record_id}); the next webhook, poll or sync may "
            "store it again"
        )


def _os_user() -> str:
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return "os:unknown"
