"""Token counts and Anthropic's prompt-cache billing, as the fake models them.

Usage is computed from the request with ⌈chars ÷ 4⌉ per text. The output schema plus the system blocks up to each
`cache_control` breakpoint form prefixes; a prefix seen before (within its TTL, and at least `min_cache_tokens`
long) is read from cache, the rest up to the last breakpoint is written. (Whether Anthropic counts the output
schema inside the cached prefix is an assumption of this fake.)
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time


def tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def text_of(content) -> str:
    """The text of a message's content: a string, or the concatenated text of its blocks."""
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content or [] if isinstance(block, dict))


def input_tokens(body: dict) -> int:
    """What /v1/messages/count_tokens answers: the system text plus every message's text."""
    system = body.get("system") or ""
    system_text = system if isinstance(system, str) else text_of(system)
    return tokens(system_text) + sum(tokens(text_of(m.get("content"))) for m in body.get("messages", []))


class PromptCache:
    """The cached prefixes (digest → expiry on the fake's clock); thread-safe."""

    def __init__(self, *, min_cache_tokens: int) -> None:
        self.min_cache_tokens = min_cache_tokens
        self._expiry: dict[str, float] = {}
        self._clock_offset = 0.0
        self._lock = threading.Lock()

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._clock_offset += seconds

    def clear(self) -> None:
        with self._lock:
            self._expiry.clear()

    def usage(self, body: dict) -> dict:
        """Anthropic's prompt-cache billing: each `cache_control` breakpoint closes a prefix (output schema +
        system blocks so far); the longest prefix cached and alive is read (0.1×) and refreshed; the tokens from
        there to the last breakpoint are written, each segment at its own breakpoint's TTL (5m 1.25×, 1h 2×);
        prefixes shorter than `min_cache_tokens` are not cached; everything after the last breakpoint is input."""
        prefix, breakpoints = _breakpoints(body)
        total = tokens(prefix) + sum(tokens(text_of(m.get("content"))) for m in body.get("messages", []))
        read, write, write_1h = 0, 0, 0
        with self._lock:
            now = time.monotonic() + self._clock_offset
            eligible = [b for b in breakpoints if b[1] >= self.min_cache_tokens]
            for digest, size, _ttl in eligible:
                if self._expiry.get(digest, 0) > now:
                    read = size
            done = read
            for _digest, size, ttl in eligible:
                if size > done:
                    write += size - done
                    write_1h += size - done if ttl == 3600 else 0
                    done = size
            for digest, _size, ttl in eligible:
                self._expiry[digest] = now + ttl
        return {
            "input_tokens": total - read - write,
            "cache_creation_input_tokens": write,
            "cache_read_input_tokens": read,
            "cache_creation": {"ephemeral_5m_input_tokens": write - write_1h, "ephemeral_1h_input_tokens": write_1h},
        }


def _breakpoints(body: dict) -> tuple[str, list[tuple[str, int, int]]]:
    """(the whole cacheable prefix, [(digest, tokens, ttl seconds) of the prefix closed by each breakpoint])."""
    prefix = json.dumps(body.get("output_config") or {}, sort_keys=True)
    system = body.get("system") or []
    if isinstance(system, str):
        system = [{"type": "text", "text": system}]
    breakpoints = []
    for block in system:
        prefix += block.get("text", "")
        if block.get("cache_control"):
            ttl = 3600 if block["cache_control"].get("ttl") == "1h" else 300
            breakpoints.append((hashlib.sha256(prefix.encode()).hexdigest(), tokens(prefix), ttl))
    return prefix, breakpoints
