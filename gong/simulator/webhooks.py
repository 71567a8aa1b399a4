"""Gong webhooks as Gong sends them ("Fire webhook" automation rule), for the demo, tests and benches.

Reference: /work/shared/reference/gong-api.md §6 and §8.3.

* Body: ``{"callData": <CallData as /v2/calls/extensive returns it: metaData, context, parties, content,
  interaction>, "isTest": false}`` serialized once (compact JSON, UTF-8); the exact bytes are what is hashed.
* "Signed JWT header": ``Authorization: <jwt>`` (or ``Bearer <jwt>`` with ``bearer=True``), an RS256 JWT with
  header ``{"alg": "RS256"}`` and claims ``webhook_url`` (the exact destination URL, query included),
  ``body_sha256`` (lowercase hex SHA-256 of the raw body), ``iat`` and ``exp`` (iat + ttl). The public key is the
  bare base64 of the SubjectPublicKeyInfo DER, which is how Gong shows it ("Show public key").
* "URL includes key": the secret travels in the URL (``webhook_url_with_key``); no header.
* HMAC is not a Gong scheme; callcoach accepts it for other senders: ``X-Gong-Signature: sha256=<hex>`` over the
  raw body (``webhook_hmac_signature``).

``webhooks_fire`` posts every call of a corpus (optionally a subset), re-sending a seeded fraction of them as
duplicates (same body bytes, a freshly signed JWT, as a retrying sender would), and returns counts by status.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import jwt
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if TYPE_CHECKING:
    from gong.simulator.corpus import Corpus

PRIVATE_KEY_FILE = "gong_webhook_private.pem"
PUBLIC_KEY_FILE = "gong_webhook_public.b64"


@dataclass(frozen=True)
class DevKeys:
    private_pem: bytes  # PKCS#8 PEM, unencrypted
    public_b64: str  # bare base64 SPKI DER, as Gong shows it; set GONG_WEBHOOK_PUBLIC_KEY to this


@dataclass
class FireStats:
    sent: int = 0  # POSTs attempted, duplicates included
    duplicates: int = 0  # re-sent deliveries among `sent`
    by_status: Counter = field(default_factory=Counter)  # HTTP status -> count; 0 = connection error/timeout
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # first few connection errors, for the summary line

    def percentile_ms(self, q: float) -> float:
        """The q-quantile (0..1) of delivery latencies in milliseconds (nearest rank); 0.0 when nothing was sent."""
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    def summary(self) -> str:
        statuses = ", ".join(f"{status}: {count}" for status, count in sorted(self.by_status.items()))
        return (
            f"sent {self.sent} webhooks ({self.duplicates} duplicates); statuses {{{statuses}}}; "
            f"p50 {self.percentile_ms(0.5):.1f} ms, p99 {self.percentile_ms(0.99):.1f} ms"
        )


def public_key_b64(private_pem: bytes) -> str:
    """The bare base64 SPKI DER of the private key's public half (Gong's "Show public key" format)."""
    key = serialization.load_pem_private_key(private_pem, password=None)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def dev_keypair_ensure(directory: Path) -> DevKeys:
    """Create an RSA-2048 webhook key pair in `directory` once (private key mode 0600); later calls reuse it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    private_path = directory / PRIVATE_KEY_FILE
    public_path = directory / PUBLIC_KEY_FILE
    if not private_path.is_file():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        private_path.touch(mode=0o600)
        private_path.write_bytes(pem)
    private_path.chmod(0o600)
    private_pem = private_path.read_bytes()
    public_b64 = public_key_b64(private_pem)
    public_path.write_text(public_b64 + "\n")
    return DevKeys(private_pem=private_pem, public_b64=public_b64)


def webhook_body(call_record: dict[str, Any], *, is_test: bool = False) -> bytes:
    """Gong's webhook payload for one CallData record (metaData, context, parties, content, interaction)."""
    call_data = {key: call_record[key] for key in ("metaData", "context", "parties", "content", "interaction")}
    return json.dumps({"callData": call_data, "isTest": is_test}, separators=(",", ":")).encode("utf-8")


def webhook_jwt(
    body: bytes, *, private_pem: bytes, webhook_url: str, ttl_s: int = 300, now: datetime | None = None
) -> str:
    """RS256 JWT as Gong's "Signed JWT header": claims webhook_url, body_sha256 (hex of raw body), iat, exp."""
    issued = int((now or datetime.now(UTC)).timestamp())
    claims = {
        "webhook_url": webhook_url,
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "iat": issued,
        "exp": issued + ttl_s,
    }
    return jwt.encode(claims, private_pem, algorithm="RS256", headers={"typ": None})


def webhook_url_with_key(url: str, key: str) -> str:
    """The destination URL with `?key=<key>` added ("URL includes key" mode)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), ("key", key)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def webhook_hmac_signature(body: bytes, secret: str) -> str:
    """`X-Gong-Signature` value: ``sha256=<hex HMAC-SHA256(secret, raw body)>`` (not a Gong scheme; ours)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def webhook_headers(
    body: bytes,
    *,
    url: str,
    private_pem: bytes | None = None,
    hmac_secret: str | None = None,
    bearer: bool = False,
    now: datetime | None = None,
) -> dict[str, str]:
    """Request headers for one delivery: JWT when a private key is given, HMAC when a secret is given, or both."""
    headers = {"Content-Type": "application/json"}
    if private_pem is not None:
        token = webhook_jwt(body, private_pem=private_pem, webhook_url=url, now=now)
        headers["Authorization"] = f"Bearer {token}" if bearer else token
    if hmac_secret is not None:
        headers["X-Gong-Signature"] = webhook_hmac_signature(body, hmac_secret)
    return headers


def _deliveries(corpus: Corpus, *, call_ids: list[str] | None, duplicate_rate: float) -> list[tuple[str, bool]]:
    wanted = set(call_ids) if call_ids is not None else None
    rng = random.Random(f"{corpus.seed}:webhooks")
    plan: list[tuple[str, bool]] = []
    for record in corpus.calls:
        call_id = record["metaData"]["id"]
        if wanted is not None and call_id not in wanted:
            continue
        plan.append((call_id, False))
        if rng.random() < duplicate_rate:
            plan.append((call_id, True))
    return plan


def webhooks_fire(
    corpus: Corpus,
    *,
    url: str,
    private_pem: bytes | None,
    duplicate_rate: float = 0.1,
    concurrency: int = 4,
    call_ids: list[str] | None = None,
    bearer: bool = False,
    timeout_s: float = 10,
    hmac_secret: str | None = None,
) -> FireStats:
    """POST each call's webhook to `url` (duplicates follow their original later in the run); never raises on HTTP.

    `private_pem` signs a JWT per delivery; pass None (and a `?key=` URL, or `hmac_secret`) for the other modes.
    """
    bodies = {record["metaData"]["id"]: webhook_body(record) for record in corpus.calls}
    plan = _deliveries(corpus, call_ids=call_ids, duplicate_rate=duplicate_rate)
    ordered = [item for item in plan if not item[1]] + [item for item in plan if item[1]]
    stats = FireStats()
    lock = threading.Lock()
    local = threading.local()

    def deliver(item: tuple[str, bool]) -> None:
        call_id, duplicate = item
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        body = bodies[call_id]
        headers = webhook_headers(body, url=url, private_pem=private_pem, hmac_secret=hmac_secret, bearer=bearer)
        started = time.perf_counter()
        try:
            status = session.post(url, data=body, headers=headers, timeout=timeout_s).status_code
            error = None
        except requests.RequestException as exc:
            status, error = 0, f"{call_id}: {type(exc).__name__}: {exc}"
        elapsed_ms = (time.perf_counter() - started) * 1000
        with lock:
            stats.sent += 1
            stats.duplicates += int(duplicate)
            stats.by_status[status] += 1
            stats.latencies_ms.append(elapsed_ms)
            if error and len(stats.errors) < 5:
                stats.errors.append(error)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        list(pool.map(deliver, ordered))
    return stats
