from django.core.management.base import BaseCommand

from core.partitions import partitions_maintain


class Command(BaseCommand):
    help = "Create quarterly partitions ahead, move DEFAULT rows into them, drop partitions past retention."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--ahead", type=int, default=None, help="quarters to create after the current one")

    def handle(self, *args, **options) -> None:
        if options["ahead"] is not None and options["ahead"] < 0:
            self.stderr.write("--ahead must be 0 or more")
            raise SystemExit(2)
        report = partitions_maintain(ahead=options["ahead"])
        moved = sum(report.moved_rows.values())
        purged = sum(report.purged_default_rows.values())
        self.stdout.write(
            f"partitions: {len(report.created)} created, {len(report.dropped)} dropped, "
            f"{moved} rows moved out of DEFAULT, {purged} expired DEFAULT rows purged"
            + ("" if report.changed else " (nothing to do)")
        )
