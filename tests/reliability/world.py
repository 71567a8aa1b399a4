"""One running world for a long scenario: a throwaway database, the Gong simulator and the fake Messages API in
this process, gunicorn + N qcluster workers in subprocesses, all wired together through the environment."""

from __future__ import annotations

import base64
import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from gong.simulator.corpus import Corpus
from gong.simulator.server import SimulatorServer
from tests.fakes.anthropic_server import FakeAnthropic
from tests.reliability import harness, pg
from tests.reliability.invariants import Tally, psycopg_execute, tally
from tests.reliability.load import Delivery, FireResult, fire

FINAL = ("analyzed", "failed", "skipped", "held")


@dataclass(frozen=True)
class Keys:
    private_pem: bytes
    public_b64: str


def keys_generate() -> Keys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return Keys(pem, base64.b64encode(der).decode())


@dataclass
class World:
    corpus: Corpus
    simulator: SimulatorServer
    claude: FakeAnthropic
    keys: Keys
    db_url: str
    stack: harness.Stack
    fired: FireResult = field(default_factory=FireResult)

    @property
    def call_ids(self) -> list[str]:
        return [record["metaData"]["id"] for record in self.corpus.calls]

    def fire(self, plan: list[Delivery], **kwargs) -> FireResult:
        result = fire(self.corpus, plan, url=self.stack.webhook_url, private_pem=self.keys.private_pem, **kwargs)
        self.fired.merge(result)
        return result

    def statuses(self) -> dict[str, int]:
        return dict(pg.query(self.db_url, "SELECT status, count(*) FROM gong_call GROUP BY status"))

    def wait_final(self, *, expected: int, timeout_s: float, final: tuple[str, ...] = FINAL, log=print) -> bool:
        """Wait until `expected` calls are stored and every stored call is in a final status."""
        deadline, last = time.monotonic() + timeout_s, 0.0
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                counts = self.statuses()
                done = sum(count for status, count in counts.items() if status in final)
                if sum(counts.values()) >= expected and done == sum(counts.values()):
                    return True
                if time.monotonic() - last > 15:
                    log(f"  [{time.strftime('%H:%M:%S')}] calls by status: {counts}")
                    last = time.monotonic()
            time.sleep(1.0)
        return False

    def tally(self, *, final: tuple[str, ...] = ("analyzed",), call_ids: list[str] | None = None) -> Tally:
        return tally(psycopg_execute(self.db_url), call_ids=call_ids or self.call_ids, final=final)

    def fake_billed(self) -> int:
        """Messages requests the fake API answered (and so would have charged for)."""
        return len(self.claude.usage_log)

    def manage(self, *args: str, check: bool = True, timeout: float = 600):
        return harness.manage(*args, env=self.stack.env, check=check, timeout=timeout)


def world_env(*, db_url: str, simulator: SimulatorServer, claude: FakeAnthropic, keys: Keys, **extra: str) -> dict:
    """The stack's environment: wired to this world's simulator, fake Claude and key; `extra` overrides."""
    wiring = {
        "GONG_BASE_URL": simulator.base_url,
        "GONG_ACCESS_KEY": simulator.access_key,
        "GONG_ACCESS_KEY_SECRET": simulator.access_key_secret,
        "GONG_WEBHOOK_PUBLIC_KEY": keys.public_b64,
        "GONG_SYNC_LOOKBACK_HOURS": "720",  # the simulated week lies in the past
        "ANALYZER": "claude",
        "ANTHROPIC_API_KEY": harness.ANTHROPIC_KEY,
        "ANTHROPIC_BASE_URL": claude.url,
        "CLAUDE_MODEL": "claude-sonnet-5-5",
        "CLAUDE_TIMEOUT_S": "30",
        "CLAUDE_MAX_RETRIES": "4",
        "Q_WORKERS": "1",
    }
    return harness.stack_env(database_url=db_url, **{**wiring, **extra})


@contextlib.contextmanager
def world_running(
    *,
    corpus: Corpus,
    run_dir: Path,
    workers: int = 2,
    env: dict[str, str] | None = None,
    simulator_options: dict | None = None,
    server_url: str | None = None,
    label: str = "run",
) -> Iterator[World]:
    """Everything up and wired; torn down (processes stopped, database dropped) on exit."""
    keys = keys_generate()
    claude = FakeAnthropic().start()
    simulator = SimulatorServer(corpus, **(simulator_options or {})).start()
    try:
        with pg.throwaway_database(url=server_url, label=label) as db_url:
            stack_env = world_env(db_url=db_url, simulator=simulator, claude=claude, keys=keys, **(env or {}))
            stack = harness.Stack(env=stack_env, run_dir=run_dir, workers=workers)
            try:
                stack.start()
                yield World(corpus, simulator, claude, keys, db_url, stack)
            finally:
                stack.stop()
    finally:
        simulator.stop()
        claude.stop()
