"""FakeAnthropic: the fake's state, knobs and lifecycle, and the billing of each answered request."""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from http.server import ThreadingHTTPServer

from tests.fakes.anthropic_server.answers import analysis_answer, default_score
from tests.fakes.anthropic_server.billing import PromptCache, tokens
from tests.fakes.anthropic_server.handler import handler_class


class FakeAnthropic:
    def __init__(self, *, min_cache_tokens: int = 1024) -> None:
        self.faults: deque[str] = deque()
        self.slow_s = 2.0
        self.latency_s = 0.0  # added to every normal answer (for races)
        self.fabricate = False
        self.wrong_speaker = False
        self.score_fn = default_score
        # Optional: (speaker_id, dimension, criterion key, the speaker's lines in this part) -> (status, level),
        # or (status, level, quotes) to choose the criterion's evidence (verbatim text of those lines).
        self.criteria_fn = None
        # "short": terse answers; "full": every free-text field at the prompt's length caps (for cost benchmarks).
        self.answer_size = "short"
        self.batch_polls_until_done = 0
        # Per batch entry, in submission order: "errored" or "expired" instead of an answer (None/"" = answer).
        self.batch_entry_faults: deque[str | None] = deque()
        self.usage_log: list[dict] = []
        self.requests: list[dict] = []  # every /v1/messages body received (after faults: still recorded)
        self.count_requests = 0
        self.batches: dict[str, dict] = {}
        self._prompt_cache = PromptCache(min_cache_tokens=min_cache_tokens)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ----------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def min_cache_tokens(self) -> int:
        return self._prompt_cache.min_cache_tokens

    @min_cache_tokens.setter
    def min_cache_tokens(self, value: int) -> None:
        self._prompt_cache.min_cache_tokens = value

    def start(self) -> FakeAnthropic:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, *kinds: str) -> None:
        self.faults.extend(kinds)

    def totals(self) -> dict:
        keys = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
        return {key: sum(entry[key] for entry in self.usage_log) for key in keys}

    def advance(self, seconds: float) -> None:
        """Move the fake's cache clock forward (entries expire as if `seconds` had passed)."""
        self._prompt_cache.advance(seconds)

    def cache_clear(self) -> None:
        """Forget every cached prefix (as when the TTL has passed): the next request writes again."""
        self._prompt_cache.clear()

    # --- requests -----------------------------------------------------------------------------------------
    def _next_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}"

    def request_record(self, body: dict) -> str | None:
        """Record a /v1/messages body; returns the fault it meets (the next queued one), if any."""
        with self._lock:
            self.requests.append(body)
            return self.faults.popleft() if self.faults else None

    def message(self, body: dict, *, fault: str | None = None, mode: str = "realtime") -> tuple[int, dict, str]:
        """(http status, response json, request id) for one Messages request; bills it in usage_log."""
        request_id = self._next_id("req")
        usage = self._prompt_cache.usage(body)
        text = self._answer_text(body, fault=fault)
        usage["output_tokens"] = tokens(text)
        with self._lock:
            self.usage_log.append(
                {
                    "request_id": request_id,
                    "mode": mode,
                    "model": body.get("model"),
                    **{k: v for k, v in usage.items() if k != "cache_creation"},
                    "cache_creation_1h_input_tokens": usage["cache_creation"]["ephemeral_1h_input_tokens"],
                }
            )
        message = {
            "id": self._next_id("msg"),
            "type": "message",
            "role": "assistant",
            "model": body.get("model"),
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {**usage, "service_tier": "batch" if mode == "batch" else "standard"},
        }
        return 200, message, request_id

    def _answer_text(self, body: dict, *, fault: str | None) -> str:
        if fault == "malformed":
            return '{"speakers": [{"speaker_id": "1", "summ'
        if fault == "invalid":
            return json.dumps({"speakers": [{"speaker_id": "x", "dimensions": {"bogus": {"score": 9}}}]})
        answer = analysis_answer(self, body)
        if fault == "partial":  # leaves every dimension but the first out (what a schema-less model might do)
            for speaker in answer["speakers"]:
                speaker["dimensions"] = dict(list(speaker["dimensions"].items())[:1])
        return json.dumps(answer)

    def batch_create(self, body: dict) -> str:
        """Answer (and bill) every entry of a Message Batch at once; the batch reads as ended after
        `batch_polls_until_done` polls. Entries given a fault are neither answered nor billed."""
        batch_id = self._next_id("msgbatch")
        results = []
        for entry in body.get("requests", []):
            fault = self.batch_entry_faults.popleft() if self.batch_entry_faults else None
            if fault:  # as the Batches API does for errored and expired entries
                error = {"type": "error", "error": {"type": "api_error", "message": f"entry {fault}"}}
                result = {"type": fault, **({"error": error} if fault == "errored" else {})}
                results.append({"custom_id": entry["custom_id"], "result": result})
                continue
            _, message, _ = self.message(entry["params"], mode="batch")
            results.append({"custom_id": entry["custom_id"], "result": {"type": "succeeded", "message": message}})
        self.batches[batch_id] = {"results": results, "polls": 0}
        return batch_id
