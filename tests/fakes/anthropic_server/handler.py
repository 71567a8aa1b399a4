"""The fake's HTTP side: routes, faults as the API signals them, and the Message Batches endpoints.

Faults (`fail_next(*kinds)`, consumed one per /v1/messages request): "429" (with retry-after-ms), "529", "500",
"slow" (sleeps `slow_s`, then answers; the abandoned answer is not billed); "malformed", "invalid" and "partial"
are answered with status 200 by FakeAnthropic.message (billed).
"""

from __future__ import annotations

import json
import re
import time
from http.server import BaseHTTPRequestHandler

from tests.fakes.anthropic_server.billing import input_tokens

_RETRY = {"retry-after-ms": "5"}


def _error_body(kind: str, message: str) -> dict:
    return {"type": "error", "error": {"type": kind, "message": message}}


def handler_class(fake) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one FakeAnthropic."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, status: int, payload, *, headers: dict | None = None, raw: bytes | None = None) -> None:
            data = raw if raw is not None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(length) or b"{}")

        def do_POST(self) -> None:
            body = self._body()
            if self.path.startswith("/v1/messages/count_tokens"):
                fake.count_requests += 1
                return self._send(200, {"input_tokens": input_tokens(body)})
            if self.path.startswith("/v1/messages/batches"):
                batch_id = fake.batch_create(body)
                return self._send(200, batch_json(fake, batch_id, ended=False))
            if self.path.startswith("/v1/messages"):
                return self._messages(body)
            return self._send(404, _error_body("not_found_error", self.path))

        def _messages(self, body: dict) -> None:
            fault = fake.request_record(body)
            if fault == "429":
                error = _error_body("rate_limit_error", "slow down")
                return self._send(429, error, headers={**_RETRY, "retry-after": "0"})
            if fault == "529":
                return self._send(529, _error_body("overloaded_error", "Overloaded"), headers=_RETRY)
            if fault == "500":
                return self._send(500, _error_body("api_error", "Internal server error"), headers=_RETRY)
            if fault == "slow":
                time.sleep(fake.slow_s)
                return self._send(200, {"abandoned": True})
            if fake.latency_s:
                time.sleep(fake.latency_s)
            status, message, request_id = fake.message(body, fault=fault)
            return self._send(status, message, headers={"request-id": request_id})

        def do_GET(self) -> None:
            match = re.match(r"^/v1/messages/batches/([\w-]+)(/results)?", self.path)
            if not match or match.group(1) not in fake.batches:
                return self._send(404, _error_body("not_found_error", self.path))
            batch = fake.batches[match.group(1)]
            if match.group(2):
                lines = "\n".join(json.dumps(result) for result in batch["results"]).encode()
                return self._send(200, None, raw=lines)
            batch["polls"] += 1
            ended = batch["polls"] > fake.batch_polls_until_done
            return self._send(200, batch_json(fake, match.group(1), ended=ended))

    return Handler


def batch_json(fake, batch_id: str, *, ended: bool) -> dict:
    """A Message Batch object as the API returns it, in progress or ended."""
    results = fake.batches[batch_id]["results"]
    count = len(results)
    kinds = [r["result"]["type"] for r in results]
    return {
        "id": batch_id,
        "type": "message_batch",
        "processing_status": "ended" if ended else "in_progress",
        "request_counts": {
            "processing": 0 if ended else count,
            "succeeded": kinds.count("succeeded") if ended else 0,
            "errored": kinds.count("errored") if ended else 0,
            "canceled": 0,
            "expired": kinds.count("expired") if ended else 0,
        },
        "created_at": "2026-11-24T00:00:00Z",
        "expires_at": "2026-11-25T00:00:00Z",
        "ended_at": "2026-11-24T00:01:00Z" if ended else None,
        "results_url": f"{fake.url}/v1/messages/batches/{batch_id}/results" if ended else None,
    }
