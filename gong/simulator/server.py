"""A fake Gong API over real HTTP: `SimulatorServer(corpus).start()` then point a client at `.base_url`.

Usage::

    corpus = corpus_build(seed=7)
    with SimulatorServer(corpus, rate_per_second=3) as server:   # binds 127.0.0.1 on a free port
        requests.get(f"{server.base_url}/v2/users", auth=(server.access_key, server.access_key_secret))
        server.advance(3600)            # the simulated clock: late transcripts become ready, cursors expire
        server.stats()                  # what the client did

Behaviour (reference /work/shared/reference/gong-api.md §1, §5, §7; endpoints and shapes: gong/simulator/endpoints.py):

* Auth: ``Authorization: Basic base64(access_key:access_key_secret)`` (or ``Bearer <bearer_token>`` when one is
  configured); anything else → 401 ``{"requestId", "errors": ["Access denied"]}`` (checked before the quota).
* Rate limit, company-wide: at most ``floor(rate_per_second)`` accepted requests in any sliding 1.0 s window;
  above it → 429 with ``Retry-After: 1`` (refused requests do not use quota). ``daily_limit`` accepted requests per
  UTC day; once spent → 429 with ``Retry-After`` = whole seconds to the next UTC midnight.
* Every JSON body carries ``requestId``. Faults: ``fault_rate`` of requests answer a status from
  ``fault_statuses`` with ``{"errors": ["An error has occurred"]}``; ``latency_ms`` delays every response;
  ``timeout_rate`` of requests sleep ``timeout_sleep_s`` (longer than a client's timeout) before answering;
  ``fault_inject(...)`` scripts the next N responses exactly (for tests).
* Clock: ``server.now`` (UTC datetime) is real time plus an offset; ``server.now = dt`` or ``advance(seconds)``
  moves it. Cursor expiry, late transcripts, the rate window and the daily quota all use this clock.
* ``stats()`` → ``{"total", "by_endpoint": {"POST /v2/calls/transcript": {200: 2, 429: 1}}, "by_status",
  "rate_limited", "max_per_second" (most requests received in any 1 s window), "daily_used"}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import random
import string
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from gong.simulator.corpus import Corpus
from gong.simulator.endpoints import ApiError, GongApi, Reply


@dataclass
class _Fault:
    status: int | None  # None: answer normally after the sleep
    sleep_s: float
    retry_after: int | None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HttpServer

    def do_GET(self) -> None:
        self.server.simulator.serve(self)

    def do_POST(self) -> None:
        self.server.simulator.serve(self)

    def do_PUT(self) -> None:
        self.server.simulator.serve(self)

    def do_DELETE(self) -> None:
        self.server.simulator.serve(self)

    def log_message(self, format: str, *args: Any) -> None:
        return  # keep test output quiet


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    simulator: SimulatorServer


class SimulatorServer:
    """The Gong API of a fictional tenant (Lumina Labs), serving `corpus` on 127.0.0.1."""

    def __init__(
        self,
        corpus: Corpus,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_key: str = "sim-key",
        access_key_secret: str = "sim-secret",  # noqa: S107 - a fake tenant's well-known dev credential
        rate_per_second: float = 3.0,
        daily_limit: int = 10_000,
        page_size: int = 100,
        cursor_ttl_s: int = 600,
        fault_rate: float = 0.0,
        fault_statuses: tuple[int, ...] = (500, 502, 503),
        latency_ms: int = 0,
        seed: int = 0,
        timeout_rate: float = 0.0,
        timeout_sleep_s: float = 35.0,
        bearer_token: str | None = None,
    ):
        self.corpus = corpus
        self.host, self.port = host, port
        self.access_key, self.access_key_secret = access_key, access_key_secret
        self.bearer_token = bearer_token
        self.rate_per_second, self.daily_limit = rate_per_second, daily_limit
        self.fault_rate, self.fault_statuses, self.latency_ms = fault_rate, tuple(fault_statuses), latency_ms
        self.timeout_rate, self.timeout_sleep_s = timeout_rate, timeout_sleep_s
        self.api = GongApi(
            corpus,
            page_size=page_size,
            cursor_ttl_s=cursor_ttl_s,
            secret=hashlib.sha256(f"sim-cursor-{seed}".encode()).hexdigest(),
        )
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._offset_s = 0.0
        self._faults: deque[_Fault] = deque()
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self.reset_stats()

    # -- lifecycle --------------------------------------------------------------------------------------------
    def start(self) -> SimulatorServer:
        httpd = _HttpServer((self.host, self.port), _Handler)
        httpd.simulator = self
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self.api.base_url = self.base_url
        self.api.started_at = self.now
        self._thread = threading.Thread(target=httpd.serve_forever, name="gong-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def serve_forever(self) -> None:
        """Block until interrupted (the management command's foreground mode)."""
        if self._thread is None:
            self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- clock ------------------------------------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        return datetime.fromtimestamp(time.time() + self._offset_s, tz=UTC)

    @now.setter
    def now(self, value: datetime) -> None:
        self._offset_s = value.timestamp() - time.time()

    def advance(self, seconds: float) -> None:
        """Move the simulated clock forward (late transcripts become ready, cursors and rate windows age)."""
        self._offset_s += seconds

    # -- faults and stats ---------------------------------------------------------------------------------------
    def fault_inject(
        self, *, status: int | None = 503, count: int = 1, sleep_s: float = 0.0, retry_after: int | None = None
    ) -> None:
        """Make the next `count` requests fail with `status` (None: just sleep), after `sleep_s`."""
        with self._lock:
            self._faults.extend(_Fault(status, sleep_s, retry_after) for _ in range(count))

    def reset_stats(self) -> None:
        with getattr(self, "_lock", threading.Lock()):
            self._by_endpoint: dict[str, Counter] = defaultdict(Counter)
            self._received: deque[float] = deque()  # arrival times in the last second (all requests)
            self._accepted: deque[float] = deque()  # accepted arrivals in the last second (rate window)
            self._max_per_second = 0
            self._rate_limited = 0
            self._day: str = ""
            self._daily_used = 0

    def stats(self) -> dict[str, Any]:
        with self._lock:
            by_status: Counter = Counter()
            for counts in self._by_endpoint.values():
                by_status.update(counts)
            return {
                "total": sum(by_status.values()),
                "by_endpoint": {endpoint: dict(counts) for endpoint, counts in self._by_endpoint.items()},
                "by_status": dict(by_status),
                "rate_limited": self._rate_limited,
                "max_per_second": self._max_per_second,
                "daily_used": self._daily_used,
            }

    # -- request path -----------------------------------------------------------------------------------------
    def serve(self, handler: _Handler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        label = GongApi.endpoint_label(handler.command, parts.path)
        reply, sleep_s = self._answer(handler, parts.path, dict(parse_qsl(parts.query)), body)
        if sleep_s:
            time.sleep(sleep_s)
        with self._lock:
            self._by_endpoint[label][reply.status] += 1
        self._send(handler, reply)

    def _answer(self, handler: _Handler, path: str, query: dict[str, str], body: bytes) -> tuple[Reply, float]:
        sleep_s = self.latency_ms / 1000
        if not self._authorized(handler.headers.get("Authorization", "")):
            return self._error(401, "Access denied", {"WWW-Authenticate": 'Basic realm="Gong API"'}), sleep_s
        now = self.now
        limited = self._rate_check(now)
        if limited is not None:
            return limited, sleep_s
        fault = self._fault_draw()
        if fault is not None:
            sleep_s += fault.sleep_s
            if fault.status is not None:
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                return self._error(fault.status, "An error has occurred", headers), sleep_s
        try:
            reply = self.api.handle(handler.command, path, query, body, now=now)
        except ApiError as exc:
            reply = self._error(exc.status, exc.message)
        return reply, sleep_s

    def _authorized(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and self.bearer_token:
            return hmac.compare_digest(value.strip(), self.bearer_token)
        if scheme.lower() != "basic":
            return False
        expected = base64.b64encode(f"{self.access_key}:{self.access_key_secret}".encode()).decode()
        return hmac.compare_digest(value.strip(), expected)

    def _rate_check(self, now: datetime) -> Reply | None:
        moment = now.timestamp()
        with self._lock:
            for window in (self._received, self._accepted):
                while window and window[0] <= moment - 1.0:
                    window.popleft()
            self._received.append(moment)
            self._max_per_second = max(self._max_per_second, len(self._received))
            day = now.strftime("%Y-%m-%d")
            if day != self._day:
                self._day, self._daily_used = day, 0
            if self._daily_used >= self.daily_limit:
                self._rate_limited += 1
                midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
                retry = max(1, math.ceil((midnight - now).total_seconds()))
                return self._error(429, "API request limit exceeded: daily quota used", {"Retry-After": str(retry)})
            if len(self._accepted) >= max(1, math.floor(self.rate_per_second)):
                self._rate_limited += 1
                retry = max(1, math.ceil(self._accepted[0] + 1.0 - moment))
                return self._error(429, "API request limit exceeded", {"Retry-After": str(retry)})
            self._accepted.append(moment)
            self._daily_used += 1
        return None

    def _fault_draw(self) -> _Fault | None:
        with self._lock:
            if self._faults:
                return self._faults.popleft()
            if self.timeout_rate and self._rng.random() < self.timeout_rate:
                return _Fault(None, self.timeout_sleep_s, None)
            if self.fault_rate and self._rng.random() < self.fault_rate:
                return _Fault(self._rng.choice(self.fault_statuses), 0.0, None)
        return None

    def _request_id(self) -> str:
        with self._lock:
            return "".join(self._rng.choices(string.ascii_lowercase + string.digits, k=19))

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
        return Reply(status, {"errors": [message]}, headers or {})

    def _send(self, handler: _Handler, reply: Reply) -> None:
        payload = json.dumps({"requestId": self._request_id(), **reply.body}, separators=(",", ":")).encode()
        try:
            handler.send_response(reply.status)
            handler.send_header("Content-Type", "application/json; charset=utf-8")
            handler.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True  # the client gave up (e.g. its timeout fired during a fault sleep)
