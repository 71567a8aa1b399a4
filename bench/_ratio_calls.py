"""Calls for the transcript-ratio bench, built from the simulator's phrase pools in new combinations (the
project's tests never saw them): a ~30K-token call, a workshop of 2,600 short turns and a short call.

Sizes are in RAW transcript tokens: ⌈characters of the sentence text ÷ 4⌉, exactly `gong_transcript.token_count`
(sentences joined by a space, turns by a newline). Not a benchmark (the name starts with an underscore).
"""

from __future__ import annotations

import math
import random

from gong.simulator import behaviours as b
from gong.simulator import lines as sim
from tests.factories.gong import CallFactory, CallParticipantFactory, GongUserFactory, TranscriptFactory

REP_POOLS = (b.DISCOVERY_POSITIVE, b.REP_PITCH, b.OBJECTION_RESPOND, b.ENGAGEMENT_POSITIVE, sim.REP_DEMO, sim.SE_TECH)
BUYER_POOLS = (b.CUSTOMER_STORY, b.OBJECTIONS, sim.CUSTOMER_DETAIL, sim.CUSTOMER_QUESTIONS, b.CUSTOMER_ACK)
WORKSHOP_POOLS = (sim.WORKSHOP, sim.SE_TECH, sim.CUSTOMER_WORKSHOP, sim.CUSTOMER_DETAIL, b.CUSTOMER_ACK)


def _people(call, *, internal: list[tuple[str, str, str]], external: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Participants: internal (speaker_id, title, role) linked to Gong users; external (speaker_id, title)."""
    speakers = []
    for speaker_id, title, role in internal:
        user = GongUserFactory(title=title, role=role)
        CallParticipantFactory(call=call, speaker_id=speaker_id, user=user, title=title)
        speakers.append((speaker_id, "Internal"))
    for number, (speaker_id, title) in enumerate(external, start=1):
        CallParticipantFactory(
            call=call, speaker_id=speaker_id, external=True, name=f"Buyer {number} Okafor", title=title
        )
        speakers.append((speaker_id, "External"))
    return speakers


def _tokens(lines: list[tuple[str, str, str]]) -> int:
    return math.ceil((sum(len(text) for _, _, text in lines) + len(lines)) / 4)


def _sentences(rng: random.Random, pools, count: int) -> str:
    return " ".join(rng.choice(rng.choice(pools)) for _ in range(count))


def sales_call(*, raw_tokens: int, seed: int, call_type: str = "discovery"):
    """An AE and an SE with two buyers; turns of 2–6 sentences until `raw_tokens`."""
    rng = random.Random(seed)
    call = CallFactory(call_type=call_type, duration_s=3600)
    people = _people(
        call,
        internal=[
            (f"61{seed:03d}0001", "Senior Account Executive", "AE"),
            (f"61{seed:03d}0002", "Solutions Engineer", "SE"),
        ],
        external=[
            (f"62{seed:03d}0001", "VP Revenue Operations"),
            (f"62{seed:03d}0002", "Director of Sales Enablement"),
        ],
    )
    lines: list[tuple[str, str, str]] = []
    while _tokens(lines) < raw_tokens:
        speaker_id, party = people[len(lines) % 2 * 2 + rng.randint(0, 1)]
        pools = REP_POOLS if party == "Internal" else BUYER_POOLS
        lines.append((speaker_id, party, _sentences(rng, pools, rng.randint(2, 6))))
    TranscriptFactory(call=call, lines=lines)
    return call


def workshop_call(*, turns: int = 2600, seed: int = 41):
    """A recorded workshop: three of ours (AE, SE, CSM), five of theirs, `turns` short turns of 1–3 sentences."""
    rng = random.Random(seed)
    call = CallFactory(call_type="workshop", duration_s=8 * 3600, title="Implementation workshop (recording)")
    people = _people(
        call,
        internal=[("6300000001", "Account Executive", "AE"), ("6300000002", "Solutions Engineer", "SE"),
                  ("6300000003", "CSM", "CSM")],
        external=[(f"640000000{n}", t) for n, t in enumerate(("VP Engineering", "Data Lead", "Analyst", "Security",
                                                             "Sales Ops"))],
    )  # fmt: skip
    lines: list[tuple[str, str, str]] = []
    for index in range(turns):
        speaker_id, party = rng.choice(people[:3]) if index % 2 == 0 else rng.choice(people[3:])
        pools = WORKSHOP_POOLS[:2] if party == "Internal" else WORKSHOP_POOLS[2:]
        lines.append((speaker_id, party, _sentences(rng, pools, rng.choice((1, 2, 2, 3)))))
    TranscriptFactory(call=call, lines=lines)
    return call


def short_call(*, seed: int):
    """A short follow-up: one AE, one buyer, ~330 raw tokens."""
    rng = random.Random(seed)
    call = CallFactory(call_type="follow_up", duration_s=420, title="Quick follow-up")
    people = _people(
        call,
        internal=[(f"65{seed:03d}0001", "Account Executive", "AE")],
        external=[(f"66{seed:03d}0001", "Operations Manager")],
    )
    lines: list[tuple[str, str, str]] = []
    while _tokens(lines) < 330:
        speaker_id, party = people[len(lines) % 2]
        pools = REP_POOLS[:4] if party == "Internal" else BUYER_POOLS
        lines.append((speaker_id, party, _sentences(rng, pools, rng.randint(1, 2))))
    TranscriptFactory(call=call, lines=lines)
    return call


def phased_call(*, raw_tokens: int, seed: int, phases: list[tuple[float, dict, tuple]], title: str = "Long call"):
    """An AE and an SE with two buyers, in phases: `(until, {rep pool: rate}, buyer pools)` — up to `until` (a
    fraction of `raw_tokens`) each rep sentence comes from a behaviour pool with that pool's rate, otherwise from
    demo filler; so a behaviour is seen only in the parts of the call where its phase puts it."""
    rng = random.Random(seed)
    call = CallFactory(call_type="discovery", duration_s=3 * 3600, title=title)
    people = _people(
        call,
        internal=[
            (f"67{seed:03d}0001", "Senior Account Executive", "AE"),
            (f"67{seed:03d}0002", "Solutions Engineer", "SE"),
        ],
        external=[(f"68{seed:03d}0001", "VP Revenue Operations"), (f"68{seed:03d}0002", "Data Lead")],
    )
    filler = (b.REP_PITCH, sim.REP_DEMO, sim.SE_TECH)
    lines: list[tuple[str, str, str]] = []
    total = 0
    while total < raw_tokens:
        rates, buyer_pools = next(((r, p) for until, r, p in phases if total < until * raw_tokens), phases[-1][1:])
        speaker_id, party = people[len(lines) % 2 * 2 + rng.randint(0, 1)]
        if party == "Internal":
            sentences = []
            for _ in range(rng.randint(2, 5)):
                pool = next((pool for pool, rate in rates.items() if rng.random() < rate), None)
                sentences.append(rng.choice(pool) if pool else rng.choice(rng.choice(filler)))
            text = " ".join(sentences)
        else:
            text = _sentences(rng, buyer_pools, rng.randint(1, 4))
        lines.append((speaker_id, party, text))
        total += math.ceil((len(text) + 1) / 4)
    TranscriptFactory(call=call, lines=lines)
    return call
