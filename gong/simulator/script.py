"""What is said on a simulated customer call, with each rep's planted skill levels really exhibited.

Per dimension and level (counts are per 25 minutes of call, at least one when the level calls for any):
* discovery: level → (positive questions from behaviours.DISCOVERY_POSITIVE, negative lines):
  1 → (0, 3), 2 → (1, 2), 3 → (3, 1), 4 → (5, 0), 5 → (7, 0). A good question gets a long customer story.
* objection_handling: each customer objection (behaviours.OBJECTIONS) is answered by level: 5 acknowledge +
  explore + respond (LAER), 4 acknowledge + respond (+ explore half the time), 3 acknowledge + respond with one
  dismissive line somewhere, 2 a dismissive line (+ a response half the time), 1 two dismissive lines and an
  interruption. No objection raised → None.
* engagement: check-ins (ENGAGEMENT_POSITIVE) 0/1/2/3/5 and negatives 3/2/0/0/0 for levels 1..5, plus the
  talk ratio target (0.80/0.70/0.60/0.50/0.42), monologue length and the pause before answering a customer.
* product_knowledge: customers ask product.FACTS questions; the answering rep says `right`, or `wrong` for
  planted errors (level 1: most answers, at least two; level 2: one); hedges (PRODUCT_NEGATIVE) 2/1/1/0/0;
  precise framing (PRODUCT_POSITIVE) 0/0/0/1/2. A rep who answers no product question → None (with a sales
  engineer on the call, the SE answers them).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from gong.simulator import behaviours as cues
from gong.simulator import lines
from gong.simulator.product import FACTS, ProductFact
from gong.simulator.transcript import Speaker, Transcript

TALK_RATIO = {1: 0.80, 2: 0.70, 3: 0.60, 4: 0.50, 5: 0.42}
MONOLOGUE = {1: (7, 12), 2: (5, 8), 3: (3, 6), 4: (2, 4), 5: (1, 3)}
PATIENCE_MS = {1: (80, 350), 2: (250, 600), 3: (450, 1000), 4: (700, 1300), 5: (900, 1700)}
DISCOVERY = {1: (0, 3), 2: (1, 2), 3: (3, 1), 4: (5, 0), 5: (7, 0)}
ENGAGEMENT = {1: (0, 3), 2: (1, 2), 3: (2, 0), 4: (3, 0), 5: (5, 0)}
HEDGES = {1: 2, 2: 1, 3: 1, 4: 0, 5: 0}
PRECISE = {1: 0, 2: 0, 3: 0, 4: 1, 5: 2}
STORY_EXTRA = {1: (0, 0), 2: (0, 1), 3: (1, 2), 4: (2, 3), 5: (3, 5)}
FACT_TOPICS = {
    "negotiation": ("pricing", "data retention", "trial", "reliability"),
    "technical_deep_dive": ("integrations", "API", "security", "compliance", "data residency", "implementation"),
}
REP_POOLS = {
    "technical_deep_dive": lines.SE_TECH + lines.REP_DEMO,
    "negotiation": lines.REP_NEGOTIATION + cues.REP_PITCH,
    "renewal": lines.REP_ACCOUNT + cues.REP_PITCH,
    "qbr": lines.REP_ACCOUNT + lines.REP_DEMO,
    "workshop": lines.WORKSHOP + lines.SE_TECH,
}
CUSTOMER_POOLS = {
    "renewal": lines.CUSTOMER_ACCOUNT + lines.CUSTOMER_DETAIL,
    "qbr": lines.CUSTOMER_ACCOUNT + lines.CUSTOMER_DETAIL,
    "workshop": lines.CUSTOMER_WORKSHOP + lines.CUSTOMER_DETAIL,
}


@dataclass
class Rep:
    speaker: Speaker
    user_id: str
    levels: dict[str, int | None]  # planted; None = not applicable on this call
    wrong: list[str] = field(default_factory=list)  # fact keys stated wrongly

    def level(self, dimension: str) -> int:
        return self.levels[dimension] or 3


def count(base: int, scale: float) -> int:
    return 0 if base == 0 else max(1, round(base * scale))


class CallScript:
    """Builds one external call's transcript: opening, planted episodes with filler between them, closing."""

    def __init__(self, rng: random.Random, *, kind: str, lead: Rep, se: Rep | None, customers: list[Speaker]):
        self.rng, self.kind, self.lead, self.se, self.customers = rng, kind, lead, se, customers
        self.t = Transcript(rng, clock=rng.randint(1500, 6000))
        reps = [lead] + ([se] if se else [])
        self.ratio = sum(TALK_RATIO[rep.level("engagement")] for rep in reps) / len(reps)
        self.rep_pool = REP_POOLS.get(kind, cues.REP_PITCH + lines.REP_DEMO)
        self.customer_pool = CUSTOMER_POOLS.get(kind, lines.CUSTOMER_DETAIL)

    # -- speaking helpers -------------------------------------------------------------------------------------
    def customer(self) -> Speaker:
        return self.customers[0] if self.rng.random() < 0.6 else self.rng.choice(self.customers)

    def rep_says(self, rep: Rep, said: list[str], topic: str | None, *, patience_level: int | None = None) -> None:
        gap = 0
        if self.t.last_was_external:
            gap = self.rng.randint(*PATIENCE_MS[patience_level or rep.level("engagement")])
        self.t.say(rep.speaker, said, topic, gap_ms=gap)

    def pool_lines(self, pool: tuple[str, ...], n: int) -> list[str]:
        return [self.rng.choice(pool) for _ in range(n)]

    # -- filler -----------------------------------------------------------------------------------------------
    def fill_until(self, until_ms: int) -> None:
        while self.t.clock < until_ms:
            if self.t.internal_share < self.ratio:
                rep = self.se if self.se and self.rng.random() < 0.5 else self.lead
                n = self.rng.randint(*MONOLOGUE[rep.level("engagement")])
                self.rep_says(rep, self.pool_lines(self.rep_pool, n), "Product")
            elif self.rng.random() < 0.35:
                self.t.say(self.customer(), [self.rng.choice(lines.CUSTOMER_QUESTIONS)], "Product")
                self.rep_says(self.se or self.lead, self.pool_lines(self.rep_pool, 1), "Product")
            else:
                low, high = STORY_EXTRA[self.lead.level("engagement")]
                said = self.pool_lines(self.customer_pool, 1 + self.rng.randint(low, high))
                self.t.say(self.customer(), said, None)
                if self.rng.random() < 0.5:
                    self.rep_says(self.lead, [self.rng.choice(lines.REP_ACK)], None)

    # -- planted episodes -------------------------------------------------------------------------------------
    def discovery_events(self, scale: float) -> list[Callable[[], None]]:
        level = self.lead.levels["discovery"]
        if level is None:
            return []
        positive, negative = DISCOVERY[level]
        questions = list(cues.DISCOVERY_POSITIVE)
        self.rng.shuffle(questions)
        events = [self._good_question(questions[i % len(questions)], level) for i in range(count(positive, scale))]
        events += [self._bad_discovery(cues.DISCOVERY_NEGATIVE[i % 5]) for i in range(count(negative, scale))]
        self.rng.shuffle(events)
        return events

    def _good_question(self, question: str, level: int) -> Callable[[], None]:
        def event() -> None:
            self.rep_says(self.lead, [question], "Discovery")
            extra = self.rng.randint(*STORY_EXTRA[level])
            story = [self.rng.choice(cues.CUSTOMER_STORY), *self.pool_lines(lines.CUSTOMER_ELABORATION, extra)]
            self.t.say(self.customer(), story, "Discovery")
            self.rep_says(self.lead, [self.rng.choice(lines.REP_ACK)], "Discovery")

        return event

    def _bad_discovery(self, line: str) -> Callable[[], None]:
        def event() -> None:
            self.rep_says(self.lead, [line, *self.pool_lines(cues.REP_PITCH, self.rng.randint(2, 3))], "Discovery")

        return event

    def engagement_events(self, rep: Rep, scale: float) -> list[Callable[[], None]]:
        positive, negative = ENGAGEMENT[rep.level("engagement")]
        checkins = cues.ENGAGEMENT_POSITIVE[:3]  # the next-step lines are kept for the close
        events = [self._checkin(rep, checkins[i % 3]) for i in range(count(positive, scale))]
        events += [self._talk_over(rep, cues.ENGAGEMENT_NEGATIVE[i % 3]) for i in range(count(negative, scale))]
        return events

    def _checkin(self, rep: Rep, line: str) -> Callable[[], None]:
        def event() -> None:
            self.rep_says(rep, [*self.pool_lines(self.rep_pool, 1), line], "Product")
            reply = [self.rng.choice(cues.CUSTOMER_ACK), self.rng.choice(self.customer_pool)]
            self.t.say(self.customer(), reply, "Product")

        return event

    def _talk_over(self, rep: Rep, line: str) -> Callable[[], None]:
        def event() -> None:
            n = self.rng.randint(*MONOLOGUE[rep.level("engagement")])
            said = self.pool_lines(self.rep_pool, n)
            said.insert(self.rng.randint(0, len(said)), line)
            self.rep_says(rep, said, "Product")

        return event

    def product_events(self, scale: float) -> list[Callable[[], None]]:
        answerer = self.se or self.lead
        level = answerer.levels["product_knowledge"]
        if level is None:
            return []
        preferred = FACT_TOPICS.get(self.kind, ())
        facts = sorted(FACTS, key=lambda fact: (fact.topic not in preferred, self.rng.random()))
        asked = [facts[i % len(facts)] for i in range(max(1, round(self.rng.randint(2, 4) * scale)))]
        distinct = list(dict.fromkeys(fact.key for fact in asked))
        n_wrong = {1: max(2, math.ceil(0.6 * len(distinct))), 2: 1}.get(level, 0)
        answerer.wrong = distinct[: min(n_wrong, len(distinct))]
        events = [self._fact(answerer, fact, fact.key in answerer.wrong) for fact in asked]
        events += [self._hedge(answerer) for _ in range(count(HEDGES[level], scale))]
        for index in range(count(PRECISE[level], scale)):
            events[index % len(events)] = self._fact(answerer, asked[index % len(asked)], False, precise=True)
        self.rng.shuffle(events)
        return events

    def _fact(self, rep: Rep, fact: ProductFact, wrong: bool, *, precise: bool = False) -> Callable[[], None]:
        topic = lines.TOPICS.get(fact.topic, "Product")

        def event() -> None:
            self.t.say(self.customer(), [fact.question], topic)
            answer = [fact.wrong if wrong else fact.right]
            if precise:
                answer.insert(0, self.rng.choice(cues.PRODUCT_POSITIVE))
            self.rep_says(rep, answer, topic)

        return event

    def _hedge(self, rep: Rep) -> Callable[[], None]:
        def event() -> None:
            self.t.say(self.customer(), [self.rng.choice(lines.PRODUCT_HEDGE_PROMPTS)], "Product")
            self.rep_says(rep, [self.rng.choice(cues.PRODUCT_NEGATIVE)], "Product")

        return event

    def objection_events(self, scale: float) -> list[Callable[[], None]]:
        level = self.lead.levels["objection_handling"]
        if level is None:
            return []
        k = max(1, round(self.rng.randint(1, 2) * scale))
        if self.kind in ("negotiation", "renewal"):
            k += 1
        dismissive_at = self.rng.randrange(k)
        return [self._objection(level, index == dismissive_at) for index in range(k)]

    def _objection(self, level: int, dismissive_here: bool) -> Callable[[], None]:
        rng = self.rng

        def event() -> None:
            raised = [rng.choice(cues.OBJECTIONS)]
            if level >= 2:
                raised += self.pool_lines(lines.CUSTOMER_OBJECTION_DETAIL, rng.randint(0, 2 if level >= 4 else 1))
            who = self.customer()
            self.t.say(who, raised, "Objections")
            if level == 1:
                said = rng.sample(cues.OBJECTION_NEGATIVE, 2) + self.pool_lines(cues.REP_PITCH, 1)
                self.rep_says(self.lead, said, "Objections", patience_level=1)
                return
            if level == 2:
                said = [rng.choice(cues.OBJECTION_NEGATIVE)]
                said += [rng.choice(cues.OBJECTION_RESPOND)] if rng.random() < 0.5 else []
                self.rep_says(self.lead, said, "Objections")
                return
            said = [rng.choice(cues.OBJECTION_ACKNOWLEDGE)]
            explore = level == 5 or (level == 4 and rng.random() < 0.5)
            if explore:
                self.rep_says(self.lead, [*said, rng.choice(cues.OBJECTION_EXPLORE)], "Objections")
                self.t.say(who, self.pool_lines(lines.CUSTOMER_OBJECTION_DETAIL, rng.randint(1, 2)), "Objections")
                said = []
            said.append(rng.choice(cues.OBJECTION_RESPOND))
            if level == 3 and dismissive_here:
                said.append(rng.choice(cues.OBJECTION_NEGATIVE[1:3]))
            self.rep_says(self.lead, said, "Objections")

        return event

    # -- the whole call ---------------------------------------------------------------------------------------
    def build(self, *, target_s: int) -> Transcript:
        scale = min(12.0, max(0.5, target_s / 1500))
        rng = self.rng
        self.rep_says(self.lead, [rng.choice(lines.REP_OPENING)], "Introduction")
        self.t.say(self.customer(), [rng.choice(lines.CUSTOMER_OPENING)], "Introduction")
        self.rep_says(self.lead, [rng.choice(lines.REP_AGENDA)], "Introduction")
        middle = self.product_events(scale) + self.engagement_events(self.lead, scale)
        if self.se:
            middle += self.engagement_events(self.se, scale)
        rng.shuffle(middle)
        events = self.discovery_events(scale) + middle + self.objection_events(scale)
        target_ms = target_s * 1000 * 0.95
        start = self.t.clock
        for index, event in enumerate(events):
            event()
            self.fill_until(int(start + (target_ms - start) * (index + 1) / len(events)))
        self.fill_until(int(target_ms))
        self.close()
        return self.t

    def close(self) -> None:
        rng = self.rng
        if self.lead.level("engagement") >= 3:
            self.rep_says(self.lead, list(cues.ENGAGEMENT_POSITIVE[3:]), "Next Steps")
        else:
            self.rep_says(self.lead, [rng.choice(lines.REP_VAGUE_NEXT)], "Next Steps")
        self.t.say(self.customer(), [rng.choice(lines.CUSTOMER_CLOSING)], "Next Steps")
        self.rep_says(self.lead, [rng.choice(lines.REP_CLOSING)], "Next Steps")


def internal_meeting(rng: random.Random, *, manager: Speaker, reps: list[Speaker], target_s: int) -> Transcript:
    """An internal pipeline review: the manager asks, reps give updates (no planted behaviours)."""
    t = Transcript(rng, clock=rng.randint(1500, 6000))
    t.say(manager, [rng.choice(lines.INTERNAL_MANAGER)], "Pipeline")
    while t.clock < target_s * 1000:
        for rep in reps:
            t.say(rep, [rng.choice(lines.INTERNAL_REP) for _ in range(rng.randint(1, 3))], "Pipeline")
        t.say(manager, [rng.choice(lines.INTERNAL_MANAGER)], "Pipeline")
    return t
