"""Builders for analysis tests: a seeded knowledge base, calls with reps at planted skill levels, long calls.

Transcripts use the simulator's cue phrases (gong/simulator/behaviours.py, product.py), which the shipped
rubrics list as indicator keywords, so a rep "at level 5" shows positive behaviours and one at level 1 negative.
"""

from __future__ import annotations

import random

from gong.models import Affiliation
from gong.simulator import behaviours as b
from gong.simulator.product import FACTS
from knowledgebase.services import kb_seed
from tests.factories.gong import CallFactory, CallParticipantFactory, GongUserFactory, TranscriptFactory

REP_SPEAKER = "5100000000000000001"
SE_SPEAKER = "5100000000000000002"
BUYER_SPEAKER = "5200000000000000001"


def knowledge_seed() -> None:
    """The shipped default rubrics with the demo product (documents and indicator keywords), as `make demo` seeds."""
    kb_seed(demo=True)


def rep_lines(level: int, *, rng: random.Random, rounds: int = 6) -> list[tuple[str, str]]:
    """(party, text) exchanges for a rep at `level` 1–5 on every dimension."""
    good = level >= 3
    pick = rng.choice
    lines: list[tuple[str, str]] = []
    for round_ in range(rounds):
        if good:
            lines.append(("rep", pick(b.DISCOVERY_POSITIVE)))
        else:
            lines.append(("rep", pick(b.DISCOVERY_NEGATIVE) + " " + pick(b.REP_PITCH)))
        lines.append(("buyer", pick(b.CUSTOMER_STORY)))
        fact = FACTS[round_ % len(FACTS)]
        lines.append(("buyer", fact.question))
        lines.append(("rep", fact.right if level >= 3 else fact.wrong))
        lines.append(("buyer", pick(b.OBJECTIONS)))
        if good:
            lines.append(("rep", pick(b.OBJECTION_ACKNOWLEDGE) + " " + pick(b.OBJECTION_EXPLORE)))
            lines.append(("buyer", pick(b.CUSTOMER_STORY)))
            lines.append(("rep", pick(b.OBJECTION_RESPOND) + " " + pick(b.ENGAGEMENT_POSITIVE)))
        else:
            lines.append(("rep", pick(b.OBJECTION_NEGATIVE) + " " + pick(b.ENGAGEMENT_NEGATIVE)))
        lines.append(("buyer", pick(b.CUSTOMER_ACK)))
    return lines


def call_with_reps(
    *, levels: dict[str, int] | None = None, seed: int = 7, rounds: int = 6, call_type: str = "discovery"
):
    """A transcribed call with one rep per entry of `levels` (speaker_id → level) and one buyer."""
    levels = levels or {REP_SPEAKER: 4}
    rng = random.Random(seed)
    call = CallFactory(call_type=call_type)
    for speaker_id in levels:
        user = GongUserFactory()
        CallParticipantFactory(call=call, speaker_id=speaker_id, user=user, affiliation=Affiliation.INTERNAL)
    CallParticipantFactory(call=call, speaker_id=BUYER_SPEAKER, external=True, name="Pat Buyer")
    lines: list[tuple[str, str, str]] = []
    for speaker_id, level in levels.items():
        for who, text in rep_lines(level, rng=rng, rounds=rounds):
            if who == "rep":
                lines.append((speaker_id, "Internal", text))
            else:
                lines.append((BUYER_SPEAKER, "External", text))
    TranscriptFactory(call=call, lines=lines)
    return call


def long_lines(*, tokens: int, seed: int = 3) -> list[tuple[str, str, str]]:
    """(speaker_id, party, text) lines adding up to about `tokens` estimated tokens of rendered transcript."""
    rng = random.Random(seed)
    pools = [b.DISCOVERY_POSITIVE, b.REP_PITCH, b.OBJECTION_RESPOND, b.ENGAGEMENT_POSITIVE]
    lines, total = [], 0
    while total < tokens:
        rep = " ".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(2, 6)))
        buyer = " ".join(rng.choice(b.CUSTOMER_STORY + b.OBJECTIONS) for _ in range(rng.randint(1, 4)))
        lines += [(REP_SPEAKER, "Internal", rep), (BUYER_SPEAKER, "External", buyer)]
        total += (len(rep) + len(buyer) + 120) // 4
    return lines


def long_call(*, tokens: int):
    call = CallFactory()
    CallParticipantFactory(call=call, speaker_id=REP_SPEAKER, affiliation=Affiliation.INTERNAL)
    CallParticipantFactory(call=call, speaker_id=BUYER_SPEAKER, external=True, name="Pat Buyer")
    TranscriptFactory(call=call, lines=long_lines(tokens=tokens))
    return call
