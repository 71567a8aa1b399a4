"""A fake Anthropic Messages API over real HTTP, so the real `anthropic` SDK and our client code run in tests.

Serves POST /v1/messages, POST /v1/messages/count_tokens, POST /v1/messages/batches, GET
/v1/messages/batches/{id} and GET /v1/messages/batches/{id}/results. Answers are schema-valid analyses built
from the request (answers.py); usage and prompt caching are billed as Anthropic does (billing.py), and every
billed response is appended to `usage_log`, so tests can compare it with our ledger. Faults and the HTTP side:
handler.py. The object tests hold, with its knobs: fake.py.

Faults (`fail_next(*kinds)`, consumed one per /v1/messages request): "429" (with retry-after-ms), "529", "500",
"slow" (sleeps `slow_s`, then answers; the abandoned answer is not billed), "malformed" (200, text is not JSON;
billed), "invalid" (200, JSON that violates the schema; billed), "partial" (200, one dimension per speaker).
"""

from tests.fakes.anthropic_server.answers import (
    DIMENSIONS,
    FABRICATED,
    LEGEND,
    LINE,
    SPEAKER,
    SPEAKERS_HEADER,
    criterion_keys,
    default_score,
)
from tests.fakes.anthropic_server.billing import tokens
from tests.fakes.anthropic_server.fake import FakeAnthropic

__all__ = [
    "DIMENSIONS",
    "FABRICATED",
    "LEGEND",
    "LINE",
    "SPEAKER",
    "SPEAKERS_HEADER",
    "FakeAnthropic",
    "criterion_keys",
    "default_score",
    "tokens",
]
