"""The documented chunk-merge rule, and costs from the one price table."""

from __future__ import annotations

from decimal import Decimal

from analysis.merge import criterion_merge, dimension_merge
from analysis.pricing import TokenUsage, cost_usd
from analysis.schemas import CriterionResult, DimensionResult, Evidence


def ev(quote: str, turn: int, start: int) -> Evidence:
    return Evidence(quote=quote, speaker_id="1", speaker_name="Ana", start_ms=start, turn_index=turn)


def crit(key: str, status: str, level: int | None, *evidence: Evidence, weight: int = 50) -> CriterionResult:
    return CriterionResult(key=key, weight=weight, status=status, level=level, evidence=list(evidence))


def test_a_criterion_met_wherever_it_was_assessed_is_met_at_its_best_level():
    merged = criterion_merge([crit("pain", "n_a", None), crit("pain", "met", 4), crit("pain", "met", 3)])
    assert (merged.status, merged.level) == ("met", 4)


def test_parts_that_disagree_are_averaged_so_a_met_part_does_not_hide_the_misses():
    good, bad = ev("Walk me through it", 7, 70), ev("Let me jump straight into the demo", 40, 400)
    merged = criterion_merge([crit("pain", "met", 4, good), crit("pain", "missed", 1, bad), crit("pain", "missed", 2)])
    assert (merged.status, merged.level) == ("missed", 2)  # (4 + 1 + 2) / 3 = 2.3; it was "met 4" while any met won
    assert [e.quote for e in merged.evidence] == ["Let me jump straight into the demo"]  # backs the merged status
    merged = criterion_merge([crit("pain", "met", 5, good), crit("pain", "missed", 2, bad), crit("pain", "n_a", None)])
    assert (merged.status, merged.level) == ("met", 4)  # (5 + 2) / 2 = 3.5 → 4; the n_a part does not vote
    assert [e.quote for e in merged.evidence] == ["Walk me through it"]


def test_a_miss_counts_only_where_the_part_could_show_it():
    merged = criterion_merge([crit("pain", "n_a", None), crit("pain", "missed", 2), crit("pain", "missed", 3)])
    assert (merged.status, merged.level) == ("missed", 3)  # mean of the parts that had the occasion, half up
    assert criterion_merge([crit("pain", "n_a", None), crit("pain", "n_a", None)]).status == "n_a"


def test_the_merged_dimension_is_computed_from_merged_criteria_not_averaged():
    early = DimensionResult(
        dimension="discovery", score=5, criteria=[crit("pain", "met", 5), crit("metrics", "met", 4)]
    )
    late = DimensionResult(
        dimension="discovery", score=None, criteria=[crit("pain", "n_a", None), crit("metrics", "n_a", None)]
    )
    merged = dimension_merge([early, late, late], rubric=None, product_errors=0)
    assert merged.score == 5 and merged.criteria_met == ["pain", "metrics"]  # (5·50 + 4·50) / 100 = 4.5 → 5
    assert dimension_merge([late, late], rubric=None, product_errors=0).score is None


def test_evidence_seen_twice_in_the_overlap_is_kept_once_and_backs_the_merged_status():
    first = DimensionResult(dimension="discovery", criteria=[crit("pain", "met", 4, ev("Walk me through it", 7, 70))])
    second = DimensionResult(dimension="discovery", criteria=[crit("pain", "met", 3, ev("walk me through it!", 7, 70))])
    third = DimensionResult(dimension="discovery", criteria=[crit("pain", "missed", 1, ev("Anyway moving on", 9, 90))])
    merged = dimension_merge([first, second, third], rubric=None, product_errors=0)
    assert [e.quote for e in merged.criteria[0].evidence] == ["Walk me through it"]
    assert [e.quote for e in merged.evidence] == ["Walk me through it"]


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


def test_a_presence_criterion_met_in_one_part_is_met_however_many_parts_did_not_show_it():
    """Next steps agreed at the end of a three-part call: the earlier parts judge it missed (the model cannot
    know it comes later), the whole call says met 5. Once is enough for such a criterion (`once_is_enough`);
    averaging said missed 2, and lower the more parts the call was cut into."""
    parts = [
        crit("next_steps", "missed", 1),
        crit("next_steps", "missed", 1),
        crit("next_steps", "met", 5, ev("x", 9, 9)),
    ]
    assert (criterion_merge(parts, once_is_enough=True).status, criterion_merge(parts, once_is_enough=True).level) == (
        "met",
        5,
    )
    assert [e.quote for e in criterion_merge(parts, once_is_enough=True).evidence] == ["x"]
    missed = criterion_merge([crit("next_steps", "missed", 1), crit("next_steps", "missed", 2)], once_is_enough=True)
    assert (missed.status, missed.level) == ("missed", 2)  # never shown: the misses' mean, half up
    assert (criterion_merge(parts).status, criterion_merge(parts).level) == ("missed", 2)  # judged throughout


def test_the_rubric_says_which_criteria_once_is_enough_for():
    rubric = type("R", (), {"content": {"criteria": [
        {"key": "next_steps", "name": "Next steps", "weight": 50, "once_is_enough": True},
        {"key": "accuracy", "name": "Accuracy", "weight": 50},
    ]}})()  # fmt: skip
    early = DimensionResult(
        dimension="engagement", criteria=[crit("next_steps", "missed", 1), crit("accuracy", "met", 5)]
    )
    late = DimensionResult(
        dimension="engagement", criteria=[crit("next_steps", "met", 5), crit("accuracy", "missed", 1)]
    )
    merged = dimension_merge([early, early, late], rubric=rubric, product_errors=0)
    by_key = {c.key: (c.status, c.level) for c in merged.criteria}
    assert by_key == {"next_steps": ("met", 5), "accuracy": ("met", 4)}  # accuracy: (5 + 5 + 1) / 3 = 3.7 → 4
