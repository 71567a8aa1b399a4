"""`manage.py gong_simulator`: a fake Gong API for a simulated week, and a webhook sender for it.

    manage.py gong_simulator                      # serve on 127.0.0.1:8765 until Ctrl-C, print URL + credentials
    manage.py gong_simulator --gold gold.json     # write the week's gold labels and exit
    manage.py gong_simulator --fire http://127.0.0.1:8000/webhooks/gong/ --duplicate-rate 0.1   # post the week
    manage.py gong_simulator --fire URL --serve   # post, then keep serving the API the app fetches from

The webhook key pair lives in .demo/ (gitignored); set GONG_WEBHOOK_PUBLIC_KEY to the printed public key.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gong.simulator.corpus import Corpus, corpus_build, corpus_gold_write
from gong.simulator.server import SimulatorServer
from gong.simulator.webhooks import dev_keypair_ensure, webhooks_fire


def iso_week(value: str | None) -> datetime.date | None:
    """Monday of an ISO week given as YYYY-Www; None → the corpus default (the previous week)."""
    if value is None:
        return None
    match = re.fullmatch(r"(\d{4})-W(\d{2})", value.strip())
    if not match:
        raise CommandError(f"--week {value!r}: use YYYY-Www, e.g. 2025-W02")
    try:
        return datetime.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as exc:
        raise CommandError(f"--week {value!r}: {exc}") from None


def week_mix(calls: int) -> dict[str, int]:
    """How many long, internal, private and late calls a week of `calls` holds (60 → 1, 2, 2, 3)."""
    return {
        "long_calls": 1 if calls >= 20 else 0,
        "internal_calls": min(2, calls // 10),
        "private_calls": min(2, calls // 10),
        "late_calls": min(3, calls // 8),
    }


class Command(BaseCommand):
    help = "Serve a fake Gong API over a deterministic simulated week; --fire posts its webhooks to a running app."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--calls", type=int, default=60, help="calls in the week (incl. 2 internal meetings)")
        parser.add_argument("--week", help="YYYY-Www; default: the previous ISO week")
        parser.add_argument("--fault-rate", type=float, default=0.0, help="share of requests answered 5xx")
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument("--rate", type=float, default=3.0, help="requests per second before 429")
        parser.add_argument("--daily-limit", type=int, default=10_000)
        parser.add_argument("--access-key", default="sim-key")
        parser.add_argument("--access-key-secret", default="sim-secret")
        parser.add_argument("--fire", metavar="URL", help="POST the week's webhooks to URL, then exit")
        parser.add_argument("--duplicate-rate", type=float, default=0.1)
        parser.add_argument("--concurrency", type=int, default=4)
        parser.add_argument("--bearer", action="store_true", help="send 'Authorization: Bearer <jwt>'")
        parser.add_argument("--hmac-secret", help="also sign X-Gong-Signature with this secret")
        parser.add_argument("--keys-dir", type=Path, help="webhook key pair directory (default .demo/)")
        parser.add_argument("--gold", metavar="FILE", type=Path, help="write gold labels to FILE, then exit")
        parser.add_argument("--serve", action="store_true", help="keep serving after --gold/--fire")

    def handle(self, *args, **options) -> None:
        self._validate(options)
        try:
            corpus = corpus_build(
                seed=options["seed"],
                week_start=iso_week(options["week"]),
                calls=options["calls"],
                **week_mix(options["calls"]),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        week = corpus.week_start.isocalendar()
        self.stdout.write(
            f"corpus: seed {corpus.seed}, week {week.year}-W{week.week:02d}, {len(corpus.calls)} calls, "
            f"{len(corpus.users)} users"
        )
        if options["gold"]:
            path = corpus_gold_write(corpus, options["gold"])
            self.stdout.write(f"gold labels: {len(corpus.gold)} calls written to {path}")
        if options["gold"] and not (options["fire"] or options["serve"]):
            return
        keys = dev_keypair_ensure(options["keys_dir"] or Path(settings.BASE_DIR) / ".demo")
        if options["fire"]:
            self._fire(corpus, options, keys.private_pem)
            if not options["serve"]:
                return
        self._serve(corpus, options, keys.public_b64)

    def _validate(self, options: dict) -> None:
        if not 0 <= options["port"] <= 65535:
            raise CommandError(f"--port {options['port']}: must be 0–65535")
        if options["calls"] < 1:
            raise CommandError("--calls must be at least 1")
        if options["rate"] <= 0 or options["daily_limit"] < 1 or options["latency_ms"] < 0:
            raise CommandError("--rate and --daily-limit must be positive, --latency-ms not negative")
        for name in ("fault_rate", "duplicate_rate"):
            if not 0.0 <= options[name] <= 1.0:
                raise CommandError(f"--{name.replace('_', '-')} {options[name]}: must be between 0 and 1")
        if options["fire"] and not re.match(r"https?://[^/]+", options["fire"]):
            raise CommandError(
                f"--fire {options['fire']!r}: give an http(s) URL, e.g. http://127.0.0.1:8000/webhooks/gong/"
            )

    def _fire(self, corpus: Corpus, options: dict, private_pem: bytes) -> None:
        stats = webhooks_fire(
            corpus,
            url=options["fire"],
            private_pem=private_pem,
            duplicate_rate=options["duplicate_rate"],
            concurrency=options["concurrency"],
            bearer=options["bearer"],
            hmac_secret=options["hmac_secret"],
        )
        if stats.sent and stats.by_status.get(0, 0) == stats.sent:
            raise CommandError(f"could not reach {options['fire']}: {stats.errors[0] if stats.errors else ''}")
        self.stdout.write(stats.summary())

    def _serve(self, corpus: Corpus, options: dict, public_b64: str) -> None:
        server = SimulatorServer(
            corpus,
            host=options["host"],
            port=options["port"],
            access_key=options["access_key"],
            access_key_secret=options["access_key_secret"],
            rate_per_second=options["rate"],
            daily_limit=options["daily_limit"],
            fault_rate=options["fault_rate"],
            latency_ms=options["latency_ms"],
            seed=options["seed"],
        )
        try:
            server.start()
        except OSError as exc:
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Gong simulator listening on {server.base_url}  (Ctrl-C to stop)"))
        self.stdout.write(f"  GONG_BASE_URL={server.base_url}")
        self.stdout.write(f"  GONG_ACCESS_KEY={server.access_key}")
        self.stdout.write(f"  GONG_ACCESS_KEY_SECRET={server.access_key_secret}")
        self.stdout.write(f"  GONG_WEBHOOK_PUBLIC_KEY={public_b64}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write(f"stopped; {server.stats()['total']} requests served")
