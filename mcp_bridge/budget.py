"""Keep every tool response under Claude Desktop's 25K-token limit for one tool result.

Tokens are estimated as len(json)/3 — pessimistic on purpose: English prose runs at 3.5–4.5 characters per token
for Claude's tokenizer, but JSON full of ids, numbers and punctuation nearer 3 — against a budget below the limit,
so the estimate's error cannot push a response over it. Tools page
and cap their lists first; `fit` is the last guard: it halves the longest list until the response fits and
says so in `truncated`, so the model knows to narrow the request.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

CHARS_PER_TOKEN = 3
DEFAULT_MAX_TOKENS = 20_000


def max_tokens() -> int:
    return int(getattr(settings, "MCP_MAX_RESPONSE_TOKENS", DEFAULT_MAX_TOKENS))


def dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str)


def estimate_tokens(text: str) -> int:
    return -(-len(text) // CHARS_PER_TOKEN)


def clip(text: str | None, limit: int) -> str:
    """Text cut to `limit` characters on a word boundary, with an ellipsis when cut."""
    text = (text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _longest_list(node: Any, path: str = "") -> tuple[str, list] | None:
    best: tuple[str, list] | None = None
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    if isinstance(node, list) and len(node) > 1:
        best = (path, node)
    for key, child in children:
        found = _longest_list(child, f"{path}.{key}" if path else str(key))
        if found and (best is None or len(dumps(found[1])) > len(dumps(best[1]))):
            best = found
    return best


def fit(payload: dict, *, budget: int | None = None) -> tuple[dict, str]:
    """The payload (trimmed if needed) and its JSON text, which is at most `budget` tokens."""
    budget = budget or max_tokens()
    text = dumps(payload)
    dropped: dict[str, int] = {}
    while estimate_tokens(text) > budget:
        found = _longest_list(payload)
        if found is None:
            raise ValueError("response too large and has no list to trim")
        path, items = found
        keep = len(items) // 2
        dropped[path] = dropped.get(path, 0) + len(items) - keep
        del items[keep:]
        hint = "Response shortened to fit the 25K-token limit; narrow the request or use a smaller limit."
        if payload.get("next_cursor"):
            hint += " The dropped items are not on the next page: repeat this call with a smaller limit to see them."
        payload["truncated"] = {"dropped": dropped, "hint": hint}
        text = dumps(payload)
    return payload, text
