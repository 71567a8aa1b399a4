"""`manage.py seed_knowledgebase`: publish v1 of every shipped default rubric and doc that is missing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from knowledgebase.services import DEFAULTS_DIR, kb_seed


class Command(BaseCommand):
    help = (
        "Create the default rubrics (idempotent; never overwrites an edit). --demo adds the simulator's sample "
        "product: its documents and the keywords its planted behaviours use."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, default=DEFAULTS_DIR, help="defaults directory (rubrics/, docs/)")
        parser.add_argument("--demo", action="store_true", help="also load the demo's sample product (make demo)")

    def handle(self, *args, **options) -> None:
        try:
            report = kb_seed(directory=options["dir"], demo=options["demo"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        skipped = f", {len(report.skipped)} skipped ({'; '.join(report.skipped)})" if report.skipped else ""
        self.stdout.write(
            f"knowledge base: {report.rubrics} rubrics and {report.documents} documents published, "
            f"{report.unchanged} already present{skipped}"
        )
