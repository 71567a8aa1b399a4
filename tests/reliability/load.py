"""Load for the reliability suite: a simulator corpus scaled to thousands of calls, and a webhook sender that
delivers a plan of (call, duplicate) items the way a retrying Gong would — some duplicates back to back so they
are in flight at the same moment.

Scaling clones the calls of a small generated week under new Gong ids (transcripts are shared, not copied), so
7,000 calls cost memory for ~100. Cloned calls keep their own id in the cache key, so each is analysed once.
"""

from __future__ import annotations

import copy
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import requests

from gong.simulator.corpus import Corpus, corpus_build
from gong.simulator.webhooks import webhook_body, webhook_headers


def corpus_scaled(*, calls: int, seed: int = 11, base_calls: int = 60, late_calls: int = 0) -> Corpus:
    """A corpus of exactly `calls` External, non-private calls (plus `late_calls` late ones among them)."""
    base_calls = min(base_calls, max(calls, late_calls + 1))
    base = corpus_build(
        seed=seed, calls=base_calls, long_calls=0, private_calls=0, internal_calls=0, late_calls=late_calls
    )
    if calls <= len(base.calls):
        keep = base.calls[:calls]
        ids = {record["metaData"]["id"] for record in keep}
        base.calls = keep
        base.transcripts = {key: value for key, value in base.transcripts.items() if key in ids}
        base.transcript_ready_at = {key: value for key, value in base.transcript_ready_at.items() if key in ids}
        return base
    records, transcripts, ready = [], {}, {}
    for index in range(calls):
        original = base.calls[index % len(base.calls)]
        source_id = original["metaData"]["id"]
        new_id = source_id if index < len(base.calls) else f"8{index:08d}{source_id[-10:]}"
        record = {**original, "metaData": copy.deepcopy(original["metaData"])}
        record["metaData"]["id"] = new_id
        record["metaData"]["url"] = original["metaData"]["url"].replace(source_id, new_id)
        records.append(record)
        transcripts[new_id] = {"callId": new_id, "transcript": base.transcripts[source_id]["transcript"]}
        if source_id in base.transcript_ready_at:
            ready[new_id] = base.transcript_ready_at[source_id]
    base.calls, base.transcripts, base.transcript_ready_at = records, transcripts, ready
    return base


@dataclass(frozen=True)
class Delivery:
    call_id: str
    duplicate: bool


def delivery_plan(call_ids: list[str], *, total: int, concurrent_share: float = 0.2, seed: int = 5) -> list[Delivery]:
    """`total` deliveries covering every call once, the rest duplicates (shuffled); a share of the duplicates
    sits right after its original so both are posted at the same moment by different threads."""
    rng = random.Random(seed)
    extra = [rng.choice(call_ids) for _ in range(max(0, total - len(call_ids)))]
    cut = int(len(extra) * concurrent_share)
    groups = {call_id: [Delivery(call_id, False)] for call_id in call_ids}
    for call_id in extra[:cut]:
        groups[call_id].append(Delivery(call_id, True))
    order = list(call_ids)
    rng.shuffle(order)
    plan = [delivery for call_id in order for delivery in groups[call_id]]
    for call_id in extra[cut:]:
        plan.insert(rng.randrange(len(plan) + 1), Delivery(call_id, True))
    return plan


@dataclass
class FireResult:
    sent: int = 0
    by_status: Counter = field(default_factory=Counter)  # 0 = connection error / timeout
    accepted: set[str] = field(default_factory=set)  # calls with at least one 202
    failed: set[str] = field(default_factory=set)  # calls with a non-202 answer at some point
    five_xx_bodies: list[str] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)  # connection-level failures by exception class
    seconds: float = 0.0

    @property
    def five_xx(self) -> int:
        return sum(count for status, count in self.by_status.items() if status >= 500)

    def merge(self, other: FireResult) -> None:
        self.sent += other.sent
        self.by_status.update(other.by_status)
        self.accepted |= other.accepted
        self.failed |= other.failed
        self.five_xx_bodies += other.five_xx_bodies[:5]
        self.errors.update(other.errors)
        self.seconds += other.seconds


def fire(
    corpus: Corpus,
    plan: list[Delivery],
    *,
    url: str,
    private_pem: bytes,
    concurrency: int = 16,
    timeout_s: float = 30,
    pause_s: float = 0.0,
    retries: int = 2,
) -> FireResult:
    """POST each planned delivery (a freshly signed JWT each time, as Gong signs every send); never raises.

    A delivery whose connection failed or timed out is sent again (up to `retries` times, 1 s, 2 s … apart), as a
    sender that never got an answer would; every attempt is counted in `by_status` (0 = no answer).
    """
    bodies: dict[str, bytes] = {}
    records = {record["metaData"]["id"]: record for record in corpus.calls}
    result = FireResult()
    lock = threading.Lock()
    local = threading.local()

    def body_of(call_id: str) -> bytes:
        if call_id not in bodies:
            bodies[call_id] = webhook_body(_call_data(records[call_id]))
        return bodies[call_id]

    def deliver(delivery: Delivery) -> None:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        body = body_of(delivery.call_id)
        for attempt in range(retries + 1):
            headers = webhook_headers(body, url=url, private_pem=private_pem)
            try:
                response = session.post(url, data=body, headers=headers, timeout=timeout_s)
                status, text = response.status_code, response.text[:300]
            except requests.RequestException as exc:
                status, text = 0, type(exc).__name__
                session.close()  # a dropped keep-alive connection: start a fresh one
            with lock:
                if status == 0:
                    result.errors[text] += 1
                result.sent += 1
                result.by_status[status] += 1
                (result.accepted if status == 202 else result.failed).add(delivery.call_id)
                if status >= 500 and len(result.five_xx_bodies) < 5:
                    result.five_xx_bodies.append(f"{status}: {text}")
            if status != 0 or attempt == retries:
                break
            time.sleep(2**attempt)
        if pause_s:
            time.sleep(pause_s)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(deliver, plan))
    result.seconds = time.monotonic() - started
    return result


def _call_data(record: dict[str, Any]) -> dict[str, Any]:
    return {key: record.get(key, {} if key in ("content", "interaction") else []) for key in _CALL_DATA_KEYS}


_CALL_DATA_KEYS = ("metaData", "context", "parties", "content", "interaction")
