"""The documented chunk-merge rule, and costs from the one price table."""

from __future__ import annotations

from decimal import Decimal

from analysis.merge import dimension_merge
from analysis.pricing import TokenUsage, cost_usd
from analysis.schemas import DimensionResult, Evidence


def ev(quote: str, turn: int, start: int) -> Evidence:
    return Evidence(quote=quote, speaker_id="1", speaker_name="Ana", start_ms=start, turn_index=turn)


def test_scores_are_weighted_by_verified_evidence():
    strong = DimensionResult(dimension="discovery", score=5, evidence=[ev("a b c", 1, 10), ev("d e f", 2, 20)])
    weak = DimensionResult(dimension="discovery", score=2, evidence=[])
    assert dimension_merge([strong, weak]).score == 4  # (5·3 + 2·1) / 4 = 4.25


def test_na_only_when_every_chunk_says_na():
    na = DimensionResult(dimension="objection_handling", score=None)
    scored = DimensionResult(dimension="objection_handling", score=3, evidence=[ev("x y z", 4, 40)])
    assert dimension_merge([na, scored]).score == 3
    assert dimension_merge([na, na]).score is None


def test_evidence_seen_twice_in_the_overlap_is_kept_once_and_criteria_met_win():
    first = DimensionResult(
        dimension="discovery",
        score=4,
        evidence=[ev("Walk me through it", 7, 70)],
        criteria_met=["pain"],
        criteria_missed=["metrics"],
    )
    second = DimensionResult(
        dimension="discovery",
        score=4,
        evidence=[ev("walk me through it!", 7, 70)],
        criteria_met=["metrics"],
        criteria_missed=["process"],
    )
    merged = dimension_merge([first, second])
    assert len(merged.evidence) == 1
    assert merged.criteria_met == ["pain", "metrics"] and merged.criteria_missed == ["process"]


def test_cost_uses_cache_multipliers_and_the_batch_discount():
    usage = TokenUsage(
        input_tokens=1_000_000, output_tokens=100_000, cache_write_tokens=1_000_000, cache_read_tokens=1_000_000
    )
    # Sonnet 4.5: $3 in, $15 out; write 1.25×, read 0.1× → 3 + 1.5 + 3.75 + 0.3 = 8.55
    assert cost_usd(model="claude-sonnet-4-5", usage=usage) == Decimal("8.550000")
    assert cost_usd(model="claude-sonnet-4-5", usage=usage, batch=True) == Decimal("4.275000")
    # Sonnet 5.5 publishes its own cache-read rate, $0.10 per MTok: 2 + 1 + 2.5 + 0.1 = 5.60
    assert cost_usd(model="claude-sonnet-5-5", usage=usage) == Decimal("5.600000")
    one_hour = TokenUsage(cache_write_tokens=1_000_000, cache_write_1h_tokens=1_000_000)
    assert cost_usd(model="claude-sonnet-4-5", usage=one_hour) == Decimal("6.000000")


def test_an_unknown_model_has_an_unknown_cost():
    assert cost_usd(model="claude-imaginary-9", usage=TokenUsage(input_tokens=10)) is None
