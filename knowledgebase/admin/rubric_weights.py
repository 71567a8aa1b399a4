"""Keeping a rubric's criterion weights at 100 while it is edited as a form: the editor changes some weights and
asks to rebalance; the criteria they did not touch are scaled in proportion to fill what is left. Pure functions.
Nothing is normalised silently: a save whose weights do not add up to 100 is refused (rubric_form_view)."""

from __future__ import annotations

import math

TOTAL = 100


class RebalanceError(ValueError):
    """Weights that cannot be rebalanced, said in plain words."""


def _round_to(shares: list[float], total: int) -> list[int]:
    """Whole numbers, each at least 1, summing to `total` (largest remainders first)."""
    out = [max(1, math.floor(share)) for share in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - math.floor(shares[i]), reverse=True)
    step = 0
    while sum(out) < total:
        out[order[step % len(order)]] += 1
        step += 1
    while sum(out) > total:  # minimums of 1 took more than their share: take it back from the largest
        largest = max(range(len(out)), key=lambda i: out[i])
        out[largest] -= 1
    return out


def weights_rebalance(weights: list[int], *, fixed: set[int]) -> list[int]:
    """`weights` with those at indexes not in `fixed` scaled proportionally so that all sum to 100 (each ≥ 1).
    With nothing fixed — or everything — all of them are scaled."""
    if not weights:
        return []
    free = [i for i in range(len(weights)) if i not in fixed]
    if not free or len(free) == len(weights):
        free, kept = list(range(len(weights))), 0
    else:
        kept = sum(weights[i] for i in fixed if i < len(weights))
    room = TOTAL - kept
    if room < len(free):
        others = len(free)
        raise RebalanceError(
            f"The weights you changed already add up to {kept}: that leaves {max(room, 0)} for the other "
            f"{others} criteri{'on' if others == 1 else 'a'}, and each needs at least 1. Lower them first."
        )
    base = sum(weights[i] for i in free)
    shares = [room * weights[i] / base if base else room / len(free) for i in free]
    scaled = _round_to(shares, room)
    out = list(weights)
    for index, weight in zip(free, scaled, strict=True):
        out[index] = weight
    return out
