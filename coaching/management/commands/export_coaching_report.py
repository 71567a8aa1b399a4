from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from coaching.access import ANONYMOUS, viewer_for_user
from coaching.exports import FORMATS, report_export
from core.errors import ApplicationError


class Command(BaseCommand):
    help = "Export a rep's or a team's coaching report for a period as Markdown, HTML, CSV or JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scope", choices=["rep", "team"], default="rep")
        parser.add_argument("--subject", required=True, help="the rep (or, for a team, the manager): Gong id or email")
        parser.add_argument("--start", required=True, type=date.fromisoformat, help="first day, YYYY-MM-DD")
        parser.add_argument("--end", required=True, type=date.fromisoformat, help="last day (inclusive), YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", choices=list(FORMATS), default="md")
        parser.add_argument("--as", dest="as_user", required=True, help="act as this Django username or email")
        parser.add_argument("--out", help="write to this file or directory (default: stdout)")

    def handle(self, *args, **options) -> None:
        viewer = self._viewer(options["as_user"])
        try:
            export = report_export(
                viewer=viewer,
                scope=options["scope"],
                subject=options["subject"],
                start=options["start"],
                end=options["end"],
                fmt=options["fmt"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if not options["out"]:
            self.stdout.write(export.body, ending="")
            return
        path = Path(options["out"])
        if path.is_dir():
            path = path / export.filename
        if not path.parent.is_dir():
            raise CommandError(f"No folder {path.parent}: create it first, or name an existing one with --out")
        try:
            path.write_text(export.body, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Could not write {path}: {exc.strerror or exc}") from exc
        self.stdout.write(f"wrote {path} ({len(export.body.encode())} bytes, {export.content_type})")

    def _viewer(self, who: str):
        users = get_user_model().objects
        user = users.filter(username=who).first() or users.filter(email__iexact=who).first()
        viewer = viewer_for_user(user) if user else ANONYMOUS
        if viewer is ANONYMOUS:
            raise CommandError(f"No active Django user {who!r}")
        return viewer
