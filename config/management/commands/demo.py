from django.core.management import call_command
from django.core.management.base import BaseCommand

from config.demo import demo_login_ensure, demo_prepare, table_counts


class Command(BaseCommand):
    help = "Run callcoach end to end on the Gong simulator, print a summary and the admin login, then serve."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="exit after the summary")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="where to serve the admin")

    def handle(self, *args, **options) -> None:
        for line in demo_prepare():
            self.stdout.write(f"  {line}")
        admin = demo_login_ensure(role="admin", username="admin", email="admin@example.com", superuser=True)

        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Summary"))
        for table, count in table_counts().items():
            self.stdout.write(f"  {table:<28} {count:>8,}")
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Admin"))
        self.stdout.write(f"  URL:      http://{options['addr']}/admin/")
        self.stdout.write(f"  username: {admin.username}   email: {admin.email}   password: {admin.password}")
        if options["no_serve"]:
            return
        self.stdout.write("")
        call_command("runserver", options["addr"], use_reloader=False)
