"""Claude list prices: one table keyed by model, each row with its source and date. Costs are Decimal USD.

Cache multipliers of the base input price (Anthropic pricing page): a 5-minute cache write costs 1.25×, a
1-hour write 2×, a cache read 0.1× (unless the model publishes its own read rate); the Message Batches API
halves every token price. A model missing from the table has an unknown cost: `cost_usd` returns None and the
ledger stores NULL, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

CACHE_WRITE_5M = Decimal("1.25")
CACHE_WRITE_1H = Decimal("2")
CACHE_READ = Decimal("0.1")
BATCH = Decimal("0.5")
MTOK = Decimal(1_000_000)

_PRICING_PAGE = "platform.claude.com/docs/en/about-claude/pricing"


@dataclass(frozen=True)
class Price:
    input_per_mtok: Decimal
    output_per_mtok: Decimal
    source: str  # where the price was read, and when (≤ 40 chars: stored on every ledger row)
    cache_read_multiplier: Decimal = CACHE_READ  # a model may publish its own cache-read rate


PRICES: dict[str, Price] = {
    # Sonnet 5.5: $2 / $10 per MTok, 5m write $2.50, 1h write $4 (model overview page); cache reads $0.10 per
    # MTok, "half the Claude Sonnet 5 rate" (Sonnet 5.5 migration guide; the overview page still shows $0.20).
    # Read 2026-11-24.
    "claude-sonnet-5-5": Price(Decimal("2"), Decimal("10"), "sonnet-5-5 docs 2026-11-24", Decimal("0.05")),
    "claude-sonnet-5": Price(Decimal("2"), Decimal("10"), "sonnet-5 overview 2026-11-24"),
    "claude-sonnet-4-6": Price(Decimal("3"), Decimal("15"), "pricing page 2026-11-24"),
    "claude-sonnet-4-5": Price(Decimal("3"), Decimal("15"), "pricing page 2026-11-24"),
    "claude-sonnet-4-5-20250929": Price(Decimal("3"), Decimal("15"), "pricing page 2026-11-24"),
    "claude-opus-5": Price(Decimal("5"), Decimal("25"), "pricing page 2026-11-24"),
    "claude-opus-4-8": Price(Decimal("5"), Decimal("25"), "pricing page 2026-11-24"),
    "claude-opus-4-7": Price(Decimal("5"), Decimal("25"), "pricing page 2026-11-24"),
    "claude-opus-4-6": Price(Decimal("5"), Decimal("25"), "pricing page 2026-11-24"),
    "claude-opus-4-5": Price(Decimal("5"), Decimal("25"), "pricing page 2026-11-24"),
    "claude-haiku-4-5": Price(Decimal("1"), Decimal("5"), "pricing page 2026-11-24"),
    "claude-haiku-4-5-20251001": Price(Decimal("1"), Decimal("5"), "pricing page 2026-11-24"),
}
PRICES_SOURCE_URL = _PRICING_PAGE


@dataclass(frozen=True)
class TokenUsage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_1h_tokens: int = 0  # part of cache_write_tokens written with the 1-hour TTL

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_1h_tokens + other.cache_write_1h_tokens,
        )

    @property
    def billed_input_equivalent(self) -> float:
        """Input-token equivalents at base price: writes at their premium, reads at 0.1× (for ratios)."""
        return float(_input_units(self))


def _input_units(usage: TokenUsage, read_multiplier: Decimal = CACHE_READ) -> Decimal:
    write_1h = usage.cache_write_1h_tokens
    write_5m = usage.cache_write_tokens - write_1h
    reads = read_multiplier * usage.cache_read_tokens
    return usage.input_tokens + CACHE_WRITE_5M * write_5m + CACHE_WRITE_1H * write_1h + reads


def price_for(model: str) -> Price | None:
    return PRICES.get(model)


def cost_usd(*, model: str, usage: TokenUsage, batch: bool = False, price: Price | None = None) -> Decimal | None:
    """USD cost of one request's usage at list price; None when the model's price is unknown."""
    price = price or price_for(model)
    if price is None:
        return None
    input_cost = price.input_per_mtok * _input_units(usage, price.cache_read_multiplier)
    total = (input_cost + price.output_per_mtok * usage.output_tokens) / MTOK
    if batch:
        total *= BATCH
    return total.quantize(Decimal("0.000001"))
