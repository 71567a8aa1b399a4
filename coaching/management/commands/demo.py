import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from coaching.demo.pipeline import pipeline_run
from coaching.demo.setup import demo_login_ensure, demo_mailbox, demo_prepare, rep_scoreboard, table_counts
from knowledgebase.dimensions import Dimension


class Command(BaseCommand):
    help = (
        "Run callcoach end to end on the Gong simulator: seed the knowledge base, fire a simulated week of signed "
        "webhooks at the app, let the queue fetch, transcribe and analyse every call, write the weekly review, "
        "print a summary and the logins, then serve the admin."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="exit after the summary")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="where to serve the admin")
        parser.add_argument("--seed", type=int, default=7, help="simulator corpus seed")
        parser.add_argument("--calls", type=int, default=60, help="calls in the simulated week")
        parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the pipeline")
        parser.add_argument("--weeks", type=int, default=12, help="weeks of history, the simulated week included")
        parser.add_argument("--history-calls", type=int, default=12, help="calls in each earlier week")

    def handle(self, *args, **options) -> None:
        if options["calls"] < 1 or options["timeout"] <= 0:
            raise CommandError("--calls must be at least 1 and --timeout positive")
        if not 1 <= options["weeks"] <= 26 or options["history_calls"] < 2:
            raise CommandError("--weeks must be 1–26 and --history-calls at least 2")
        # The history and the reviews run in this process: their per-call log lines would bury the summary (the
        # worker's log is in .demo/); warnings and errors still show.
        for name in ("analysis", "coaching", "gong", "knowledgebase"):
            logging.getLogger(name).setLevel(logging.WARNING)
        self._heading("Prepare")
        for line in demo_prepare():
            self.stdout.write(f"  {line}")
        call_command("seed_knowledgebase", "--demo", stdout=self.stdout)

        self._heading("Pipeline (Gong simulator → webhooks → queue → analysis)")
        report = pipeline_run(
            seed=options["seed"],
            calls=options["calls"],
            timeout_s=options["timeout"],
            history_weeks=options["weeks"],
            history_calls=options["history_calls"],
            progress=self._progress,
        )
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(report.webhook_statuses.items()))
        self.stdout.write(
            f"  week of {report.week_start}: {report.calls_in_corpus} calls; {report.webhooks_sent} webhooks sent "
            f"(HTTP {statuses}); {report.gong_requests} Gong API requests; {report.seconds}s"
        )
        if report.history_calls:
            self.stdout.write(
                f"  history: {report.history_weeks - 1} earlier weeks, {report.history_calls} calls listed and "
                "fetched by the poller (gong_sync) and analysed (offline unless a Claude key is set)"
            )
        self.stdout.write("  calls: " + ", ".join(f"{k} {v}" for k, v in sorted(report.call_statuses.items())))
        if report.call_statuses.get("waiting"):
            self.stdout.write(
                "  waiting = Gong has not finished those transcripts yet (late calls); the worker keeps retrying"
            )
        if report.timed_out:
            self.stdout.write(self.style.WARNING("  the pipeline did not finish in time; see .demo/worker.log"))
        self._heading("Calibration (managers' Gong scorecards; deal outcomes)")
        for line in report.calibration:
            self.stdout.write(f"  {line}")

        self._heading("Weekly review")
        from coaching.weekly.services import weekly_review_run

        week = report.week_start.strftime("%G-W%V")
        with demo_mailbox() as mailbox:
            result = weekly_review_run(week=week, wait_timeout_s=60)
        self.stdout.write(f"  {result.summary}")
        for line in result.links():
            self.stdout.write(f"  {line}")
        self.stdout.write(f"  the managers' emails (HTML + text) are in {mailbox}; the reports are in the admin")

        self._heading("Scores per rep (mean of current sessions; 1–5)")
        self._scoreboard()
        self._heading(f"Trends per rep over {options['weeks']} weeks (overall mean per week; first 4 weeks → last 4)")
        self._trends(report.week_start, options["weeks"])
        self._heading("Tables")
        for table, count in table_counts().items():
            self.stdout.write(f"  {table:<28} {count:>8,}")
        self._logins(options["addr"])
        if options["no_serve"]:
            return
        self.stdout.write("")
        call_command("runserver", options["addr"], use_reloader=False)

    def _heading(self, text: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(text))

    def _progress(self, counts: dict[str, int]) -> None:
        # At most one line every 5 seconds: 12 weeks of calls would otherwise print a line per second.
        line = ", ".join(f"{status} {count}" for status, count in sorted(counts.items()))
        now = time.monotonic()
        if line != getattr(self, "_last_progress", None) and now - getattr(self, "_last_progress_at", 0.0) >= 5:
            self._last_progress, self._last_progress_at = line, now
            self.stdout.write(f"  calls: {line}")

    def _scoreboard(self) -> None:
        dimensions = [d.value for d in Dimension]
        header = "  " + f"{'rep':<24}{'role':<6}{'calls':>6}" + "".join(f"{d[:12]:>14}" for d in dimensions)
        self.stdout.write(header + "  analyzer")
        for line in rep_scoreboard():
            cells = "".join(f"{'N/A' if line.means[d] is None else f'{line.means[d]:.2f}':>14}" for d in dimensions)
            self.stdout.write(f"  {line.name[:23]:<24}{line.role:<6}{line.calls:>6}{cells}  {line.analyzers}")

    def _trends(self, week_start, weeks: int) -> None:
        from coaching.demo.trends import rep_trends

        def num(value) -> str:
            return "–" if value is None else f"{value:.1f}"

        for line in rep_trends(week_start=week_start, weeks=weeks):
            change = "" if line.first is None or line.last is None else f" ({line.last - line.first:+.1f})"
            needs = f"  needs coaching: {'; '.join(line.needs)}" if line.needs else ""
            self.stdout.write(
                f"  {line.name[:23]:<24}{line.role:<6}{line.calls:>5} calls  {line.sparkline}  "
                f"{num(line.first)} → {num(line.last)}{change}{needs}"
            )

    def _logins(self, addr: str) -> None:
        from coaching.services.demo_users import demo_logins_ensure

        admin = demo_login_ensure(role="admin", username="admin", email="admin@example.com", superuser=True)
        self._heading("Admin")
        self.stdout.write(f"  URL: http://{addr}/admin/")
        self.stdout.write(
            f"  {'admin (superuser)':<22} {admin.username:<14} password: {admin.password} (admin@example.com)"
        )
        for login in demo_logins_ensure():
            who = f" ({login.gong_user_email})" if login.gong_user_email else ""
            self.stdout.write(f"  {login.role:<22} {login.username:<14} password: {login.password}{who}")
