"""`manage.py kb_export --dir D [--format yaml|json|md]`: write rubrics and docs to files for git."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from knowledgebase.services import kb_export


class Command(BaseCommand):
    help = "Export the active version of every rubric and document (rubrics/<key>.*, docs/<key>.*)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, required=True, help="target directory (created if missing)")
        parser.add_argument(
            "--format",
            choices=["yaml", "json", "md"],
            default="yaml",
            help="yaml: rubrics YAML + docs Markdown (default); json: both JSON; md: both Markdown with front matter",
        )

    def handle(self, *args, **options) -> None:
        try:
            report = kb_export(directory=options["dir"], fmt=options["format"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"exported {report.rubrics} rubrics and {report.documents} documents to {options['dir']} "
            f"({options['format']})"
        )
