"""`manage.py kb_import --dir D [--publish]`: load rubrics and docs from files; new content becomes a draft."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from knowledgebase.services import kb_files_read, kb_import


class Command(BaseCommand):
    help = "Import rubrics (YAML/JSON/Markdown) and docs (Markdown/JSON). Unchanged content creates no version."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, required=True, help="directory with rubrics/ and docs/")
        parser.add_argument("--publish", action="store_true", help="publish the new drafts (make them active)")
        parser.add_argument("--author", default="", help="username recorded as the author of new versions")

    def handle(self, *args, **options) -> None:
        author = None
        if options["author"]:
            author = get_user_model().objects.filter(username=options["author"]).first()
            if author is None:
                raise CommandError(f"No user named {options['author']!r}.")
        try:
            files = kb_files_read(directory=options["dir"])
            report = kb_import(files=files, publish=options["publish"], author=author)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(report.summary("imported"))
