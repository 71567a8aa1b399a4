from django.core.management.base import BaseCommand

from config.schedules import schedule_specs, schedules_setup


class Command(BaseCommand):
    help = "Create or update the django-q2 schedules (idempotent: by name)."

    def handle(self, *args, **options) -> None:
        created, updated = schedules_setup()
        self.stdout.write(f"schedules: {len(schedule_specs())} defined, {created} created, {updated} updated")
