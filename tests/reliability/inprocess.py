"""The short scenarios' pipeline: the real webhook view (Django test client), the real Gong client against the
simulator and the real Claude client against the fake Messages API, with the queue running each task inline
(test settings: django-q2 `sync`) — one worker, no subprocesses, seconds per scenario."""

from __future__ import annotations

from collections import Counter

from gong.simulator.corpus import Corpus
from gong.simulator.server import SimulatorServer
from gong.simulator.webhooks import webhook_body, webhook_headers
from tests.fakes.anthropic_server import FakeAnthropic
from tests.reliability.load import Delivery
from tests.reliability.world import Keys

WEBHOOK_PATH = "/webhooks/gong/"
WEBHOOK_URL = "http://testserver/webhooks/gong/"


class InProcessPipeline:
    def __init__(self, settings, keys: Keys) -> None:
        self.settings = settings
        self.keys = keys
        self.simulator: SimulatorServer | None = None
        self.claude = FakeAnthropic().start()
        settings.GONG_WEBHOOK_PUBLIC_KEY = [keys.public_b64]
        settings.GONG_WEBHOOK_URL_KEY = ""
        settings.GONG_WEBHOOK_HMAC_SECRET = ""
        settings.GONG_WEBHOOK_PUBLIC_URL = WEBHOOK_URL
        settings.GONG_RATE_PER_SECOND = 1000.0
        settings.GONG_FETCH_DEBOUNCE_S = 0
        settings.GONG_MAX_RETRY_WAIT_S = 2.0
        settings.GONG_ENQUEUE_ANALYSIS = True
        settings.ANTHROPIC_API_KEY = "test-key"
        settings.ANTHROPIC_BASE_URL = self.claude.url
        settings.ANALYZER = "claude"
        settings.CLAUDE_MODEL = "claude-sonnet-5-5"
        settings.CLAUDE_MAX_RETRIES = 2
        settings.CLAUDE_TIMEOUT_S = 5.0
        settings.ANALYSIS_MONTHLY_BUDGET_USD = 0.0

    def serve(self, corpus: Corpus, **options) -> SimulatorServer:
        """Start the simulator over `corpus` (rate limit generous unless given) and point the settings at it."""
        options.setdefault("rate_per_second", 1000)
        self.simulator = SimulatorServer(corpus, **options).start()
        self.settings.GONG_BASE_URL = self.simulator.base_url
        self.settings.GONG_ACCESS_KEY = self.simulator.access_key
        self.settings.GONG_ACCESS_KEY_SECRET = self.simulator.access_key_secret
        return self.simulator

    def deliver(self, client, corpus: Corpus, plan: list[Delivery]) -> Counter:
        """POST every planned delivery through the test client; returns HTTP statuses counted."""
        records = {record["metaData"]["id"]: record for record in corpus.calls}
        statuses: Counter = Counter()
        for delivery in plan:
            body = webhook_body(records[delivery.call_id])
            headers = webhook_headers(body, url=WEBHOOK_URL, private_pem=self.keys.private_pem)
            response = client.post(
                WEBHOOK_PATH,
                data=body,
                content_type="application/json",
                headers={"Authorization": headers["Authorization"]},
            )
            statuses[response.status_code] += 1
        return statuses

    def drain(self, *, rounds: int = 5) -> None:
        """What the per-minute sweeps do, until nothing is left to do: fetch due calls, coach transcribed ones."""
        import time

        from coaching.services.pipeline import call_coach
        from gong.selectors import calls_awaiting_analysis
        from gong.services import calls_fetch_pending

        for _ in range(rounds):
            report = calls_fetch_pending(debounce=False)
            waiting = calls_awaiting_analysis(stale_after_s=self.settings.ANALYSIS_CLAIM_TIMEOUT_S, limit=10_000)
            for call_id in waiting:
                call_coach(call_id=call_id, worker="drain")
            if report.busy:
                time.sleep(0.5)  # another fetcher holds the lock: look again
            elif not waiting and not report.claimed:
                return

    def stop(self) -> None:
        if self.simulator is not None:
            self.simulator.stop()
        self.claude.stop()
