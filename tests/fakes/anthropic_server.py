"""A fake Anthropic Messages API over real HTTP, so the real `anthropic` SDK and our client code run in tests.

Serves POST /v1/messages, POST /v1/messages/count_tokens, POST /v1/messages/batches, GET
/v1/messages/batches/{id} and GET /v1/messages/batches/{id}/results. Answers are schema-valid analyses built
from the request: for every speaker listed under "Score these speakers" it quotes that speaker's real lines from
the rendered transcript in the request (optionally plus one fabricated and one wrong-speaker quote).

Usage is computed from the request with ⌈chars ÷ 4⌉ per text; prompt caching is modelled: the output schema
plus the system blocks up to each `cache_control` breakpoint form prefixes; a prefix seen before (within its
TTL, and at least `min_cache_tokens` long) is read from cache, the rest up to the last breakpoint is written.
(Whether Anthropic counts the output schema inside the cached prefix is an assumption of this fake.)
Every billed response is appended to `usage_log`, so tests can compare it with our ledger.

Faults (`fail_next(*kinds)`, consumed one per /v1/messages request): "429" (with retry-after-ms), "529", "500",
"slow" (sleeps `slow_s`, then answers; the abandoned answer is not billed), "malformed" (200, text is not JSON;
billed), "invalid" (200, JSON that violates the schema; billed).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SPEAKERS_HEADER = "Score these speakers"
LEGEND = re.compile(r"^([A-Z]{1,3}) = (.+?) \((?:Rep|Customer|Unknown)\b.*\)$")
LINE = re.compile(r"^(?:\[(\d+):(\d\d)\] )?([A-Z]{1,3}): (.*)$")
SPEAKER = re.compile(r"^- (\d+): ([^,]+),")
DIMENSIONS = ("product_knowledge", "discovery", "objection_handling", "engagement")
FABRICATED = "We guarantee a three hundred percent return in the very first week"


def tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def default_score(speaker_id: str, dimension: str, lines: list[str]) -> int | None:
    if not lines:
        return None
    return 1 + (len(lines) + DIMENSIONS.index(dimension)) % 5


class FakeAnthropic:
    def __init__(self, *, min_cache_tokens: int = 1024) -> None:
        self.min_cache_tokens = min_cache_tokens
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
        self._cache: dict[str, float] = {}
        self._clock_offset = 0.0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ----------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

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

    # --- the model ----------------------------------------------------------------------------------------
    def _next_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):06d}"

    def advance(self, seconds: float) -> None:
        """Move the fake's cache clock forward (entries expire as if `seconds` had passed)."""
        with self._lock:
            self._clock_offset += seconds

    def cache_clear(self) -> None:
        """Forget every cached prefix (as when the TTL has passed): the next request writes again."""
        with self._lock:
            self._cache.clear()

    def _usage(self, body: dict) -> dict:
        """Anthropic's prompt-cache billing: each `cache_control` breakpoint closes a prefix (output schema +
        system blocks so far); the longest prefix cached and alive is read (0.1×) and refreshed; the tokens from
        there to the last breakpoint are written, each segment at its own breakpoint's TTL (5m 1.25×, 1h 2×);
        prefixes shorter than `min_cache_tokens` are not cached; everything after the last breakpoint is input."""
        schema = json.dumps(body.get("output_config") or {}, sort_keys=True)
        system = body.get("system") or []
        if isinstance(system, str):
            system = [{"type": "text", "text": system}]
        prefix, breakpoints = schema, []
        for block in system:
            prefix += block.get("text", "")
            if block.get("cache_control"):
                ttl = 3600 if block["cache_control"].get("ttl") == "1h" else 300
                breakpoints.append((hashlib.sha256(prefix.encode()).hexdigest(), tokens(prefix), ttl))
        total = tokens(prefix) + sum(tokens(_text(m.get("content"))) for m in body.get("messages", []))
        now, read, write, write_1h = time.monotonic() + self._clock_offset, 0, 0, 0
        with self._lock:
            eligible = [b for b in breakpoints if b[1] >= self.min_cache_tokens]
            for digest, size, _ttl in eligible:
                if self._cache.get(digest, 0) > now:
                    read = size
            done = read
            for _digest, size, ttl in eligible:
                if size > done:
                    write += size - done
                    write_1h += size - done if ttl == 3600 else 0
                    done = size
            for digest, _size, ttl in eligible:
                self._cache[digest] = now + ttl
        return {
            "input_tokens": total - read - write,
            "cache_creation_input_tokens": write,
            "cache_read_input_tokens": read,
            "cache_creation": {"ephemeral_5m_input_tokens": write - write_1h, "ephemeral_1h_input_tokens": write_1h},
        }

    def _prose(self, words: int, seed: str) -> str:
        vocabulary = [
            "the",
            "rep",
            "asked",
            "about",
            "current",
            "process",
            "pain",
            "impact",
            "next",
            "steps",
            "pricing",
            "security",
            "rollout",
        ]
        start = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
        return " ".join(vocabulary[(start + i) % len(vocabulary)] for i in range(words)).capitalize() + "."

    def _dimension(self, speaker_id: str, position: int, index: int, lines: list[str], customer_lines, keys) -> dict:
        """Every criterion judged at the level `score_fn` gives the dimension (so the computed dimension score is
        that level): met at 3+, missed below, n_a when it gives None. Quotes go to the first criterion."""
        dimension = DIMENSIONS[index]
        full = self.answer_size == "full"
        score = self.score_fn(speaker_id, dimension, lines)
        criteria = []
        for number, key in enumerate(keys):
            quotes = []
            if lines and (full or number == 0):
                quotes = [_words(lines[(index * 3 + number * 2 + k) % len(lines)]) for k in range(min(2, len(lines)))]
            if number == 0 and position == 0 and index == 0 and self.fabricate:
                quotes = [*quotes[:1], FABRICATED]  # at most 2 quotes per criterion, as the prompt asks
            if number == 0 and position == 0 and index == 1 and self.wrong_speaker and customer_lines:
                quotes = [*quotes[:1], _words(customer_lines[0])]
            status = "n_a" if score is None else "met" if score >= 3 else "missed"
            level = score
            if self.criteria_fn is not None:  # per-criterion judgements, (status, level[, quotes])
                status, level, *chosen = self.criteria_fn(speaker_id, dimension, key, lines)
                quotes = list(chosen[0]) if chosen else quotes
            evidence = quotes if status != "n_a" else []
            criteria.append({"key": key, "evidence": evidence, "status": status, "level": level})
        rationale = self._prose(25, speaker_id + dimension) if full else f"Observed {len(lines)} turns."
        return {"criteria": criteria, "rationale": rationale}

    def _speaker(self, speaker_id: str, name: str, position: int, lines: list[str], customer_lines, keys) -> dict:
        full = self.answer_size == "full"
        dimensions = {
            d: self._dimension(speaker_id, position, i, lines, customer_lines, keys.get(d) or ["criterion"])
            for i, d in enumerate(DIMENSIONS)
        }
        moments = [
            {"quote": _words(line), "title": "Key moment in the call", "kind": "strength",
             "why": self._prose(25, line) if full else "Set the agenda."}
            for line in lines[: 3 if full else 1]
        ]  # fmt: skip
        return {
            "speaker_id": speaker_id,
            "dimensions": dimensions,
            "product_errors": [],
            "key_moments": moments,
            "strengths": [self._prose(15, f"{name}s{i}") for i in range(3)] if full else ["Asked open questions"],
            "improvements": [self._prose(20, f"{name}i{i}") for i in range(3)] if full else ["Summarise next steps"],
            "summary": self._prose(40, name) if full else f"{name} spoke in {len(lines)} turns.",
        }

    def _answer(self, body: dict) -> dict:
        text = _text(body["messages"][0].get("content"))
        speakers = [(m.group(1), m.group(2).strip()) for m in map(SPEAKER.match, text.splitlines()) if m]
        transcript = text.split("Transcript:\n", 1)[-1].splitlines()
        tagged = {m.group(1): m.group(2) for m in map(LEGEND.match, transcript) if m}
        by_name: dict[str, list[str]] = {}
        for match in filter(None, map(LINE.match, transcript)):
            by_name.setdefault(tagged.get(match.group(3), match.group(3)), []).append(match.group(4))
        names = {name for _, name in speakers}
        customer_lines = [line for name, lines in by_name.items() if name not in names for line in lines]
        keys = criterion_keys(body)
        return {
            "speakers": [
                self._speaker(speaker_id, name, position, by_name.get(name, []), customer_lines, keys)
                for position, (speaker_id, name) in enumerate(speakers)
            ]
        }

    def message(self, body: dict, *, fault: str | None = None, mode: str = "realtime") -> tuple[int, dict, str]:
        """(http status, response json, request id) for one Messages request; bills it in usage_log."""
        request_id = self._next_id("req")
        usage = self._usage(body)
        if fault == "malformed":
            text = '{"speakers": [{"speaker_id": "1", "summ'
        elif fault == "invalid":
            text = json.dumps({"speakers": [{"speaker_id": "x", "dimensions": {"bogus": {"score": 9}}}]})
        elif fault == "partial":  # leaves every dimension but the first out (what a schema-less model might do)
            answer = self._answer(body)
            for speaker in answer["speakers"]:
                speaker["dimensions"] = dict(list(speaker["dimensions"].items())[:1])
            text = json.dumps(answer)
        else:
            text = json.dumps(self._answer(body))
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


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def criterion_keys(body: dict) -> dict[str, list[str]]:
    """{dimension: the criterion keys the request's output schema allows}, read from its enums."""
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema") or {}
    try:
        speaker = _resolve(schema, _resolve(schema, schema["properties"]["speakers"])["items"])
        dimensions = _resolve(schema, speaker["properties"]["dimensions"])["properties"]
    except (KeyError, TypeError):
        return {}
    out = {}
    for name, node in dimensions.items():
        item = _resolve(schema, _resolve(schema, _resolve(schema, node)["properties"]["criteria"])["items"])
        key = item["properties"]["key"]
        out[name] = list(key.get("enum") or ([key["const"]] if "const" in key else []))
    return out


def _text(content) -> str:
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content or [] if isinstance(block, dict))


def _words(line: str, count: int = 12) -> str:
    return " ".join(line.split()[:count])


def _error_body(kind: str, message: str) -> dict:
    return {"type": "error", "error": {"type": kind, "message": message}}


def _handler(fake: FakeAnthropic):
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
                system = body.get("system") or ""
                system_text = system if isinstance(system, str) else _text(system)
                count = tokens(system_text) + sum(tokens(_text(m.get("content"))) for m in body.get("messages", []))
                return self._send(200, {"input_tokens": count})
            if self.path.startswith("/v1/messages/batches"):
                return self._batch_create(body)
            if self.path.startswith("/v1/messages"):
                return self._messages(body)
            return self._send(404, _error_body("not_found_error", self.path))

        def _messages(self, body: dict) -> None:
            with fake._lock:
                fake.requests.append(body)
                fault = fake.faults.popleft() if fake.faults else None
            retry = {"retry-after-ms": "5"}
            if fault == "429":
                error = _error_body("rate_limit_error", "slow down")
                return self._send(429, error, headers={**retry, "retry-after": "0"})
            if fault == "529":
                return self._send(529, _error_body("overloaded_error", "Overloaded"), headers=retry)
            if fault == "500":
                return self._send(500, _error_body("api_error", "Internal server error"), headers=retry)
            if fault == "slow":
                time.sleep(fake.slow_s)
                return self._send(200, {"abandoned": True})
            if fake.latency_s:
                time.sleep(fake.latency_s)
            status, message, request_id = fake.message(body, fault=fault)
            return self._send(status, message, headers={"request-id": request_id})

        def _batch_create(self, body: dict) -> None:
            batch_id = fake._next_id("msgbatch")
            results = []
            for entry in body.get("requests", []):
                fault = fake.batch_entry_faults.popleft() if fake.batch_entry_faults else None
                if fault:  # not answered, not billed (as the Batches API does for errored and expired entries)
                    error = {"type": "error", "error": {"type": "api_error", "message": f"entry {fault}"}}
                    result = {"type": fault, **({"error": error} if fault == "errored" else {})}
                    results.append({"custom_id": entry["custom_id"], "result": result})
                    continue
                _, message, _ = fake.message(entry["params"], mode="batch")
                results.append({"custom_id": entry["custom_id"], "result": {"type": "succeeded", "message": message}})
            fake.batches[batch_id] = {"results": results, "polls": 0}
            return self._send(200, self._batch_json(batch_id, ended=False))

        def _batch_json(self, batch_id: str, *, ended: bool) -> dict:
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
            return self._send(200, self._batch_json(match.group(1), ended=ended))

    return Handler
