"""Scorecards for the simulator: three scorecard definitions and managers' planted answers to them.

Derived from the corpus's gold labels (the planted skill levels), deterministically from the seed, so a test
knows what the answers mean. Shapes follow Gong's docs (reference in gong/schemas.py): definitions as
``GET /v2/settings/scorecards`` returns them, answered scorecards as ``POST /v2/stats/activity/scorecards``.

What is planted:
* **Call review** (MANUAL): a 1–5 range question per dimension for discovery; a Yes/No question for objection
  handling; an overall 1–5 question (``isOverall``) and an open-ended one, which map to no dimension.
* **Call quality** (MANUAL): product accuracy on a 0–10 range, customer engagement as a single-select of five
  options, and "Next steps agreed?" (Yes/No) that ops have not mapped yet (it stays in the unmapped list).
* **Gong AI call review** (AUTOMATIC): Gong's AI fills it for every host, always answering 5 — it must be
  ignored (only answers people gave count).
* Managers' answers: about 70% of internal speakers on external calls are reviewed, 80% by their manager, 10%
  by their manager's manager and 10% by themselves (a self-review is not a reference). A reviewer agrees with
  the planted level 65% of the time, is one level off 25% and two levels off 10%; where the level is N/A the
  reviewer still scores it 15% of the time, and marks a scored level N/A 5% of the time.
* ``SUGGESTED_MAPPING`` is how ops would map these questions (used by the demo and the tests), and
  ``scorecards_truth`` lists every planted (call, user, dimension) reference level after that mapping.

Ids: Gong's docs type scorecard, question, revision and answered-scorecard ids as int64, so they are served
as JSON numbers (18 digits, inside int64). Call and user ids are served as the digit strings the other
endpoints use: the corpus's 19-digit ids can exceed int64, and ``gong-api.md`` §2 shows them as strings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from gong.simulator.corpus import Corpus

REVIEW_SHARE = 0.7
REVIEWER_WEIGHTS = (("manager", 80), ("skip_level", 10), ("self", 10))
OFFSETS = ((0, 65), (1, 12.5), (-1, 12.5), (2, 5), (-2, 5))
NA_SCORED_SHARE = 0.15
SCORED_NA_SHARE = 0.05
ENGAGEMENT_OPTIONS = ("Poor", "Fair", "Good", "Great", "Outstanding")
CREATED = "2025-06-02T09:00:00Z"


@dataclass(frozen=True)
class QuestionPlan:
    key: str
    text: str
    question_type: str
    dimension: str | None
    min_range: int | None = None
    max_range: int | None = None
    options: tuple[str, ...] | None = None
    overall: bool = False


CARDS: tuple[tuple[str, str, tuple[QuestionPlan, ...]], ...] = (
    ("Call review", "MANUAL", (
        QuestionPlan("discovery", "How well did the rep uncover the customer's pain and its impact?", "RANGE",
                     "discovery", 1, 5),
        QuestionPlan("objections", "Did the rep acknowledge and explore objections before answering?", "YES_NO",
                     "objection_handling", options=("Yes", "No")),
        QuestionPlan("overall", "Overall, how did the call go?", "RANGE", None, 1, 5, overall=True),
        QuestionPlan("advice", "What should the rep do differently next time?", "OPEN_ENDED", None),
    )),
    ("Call quality", "MANUAL", (
        QuestionPlan("accuracy", "Product accuracy", "RANGE", "product_knowledge", 0, 10),
        QuestionPlan("engagement", "Customer engagement", "SINGLE_SELECT", "engagement", options=ENGAGEMENT_OPTIONS),
        QuestionPlan("next_steps", "Next steps agreed?", "YES_NO", None, options=("Yes", "No")),
    )),
    ("Gong AI call review", "AUTOMATIC", (
        QuestionPlan("ai_discovery", "Discovery quality", "RANGE", "discovery", 1, 5),
        QuestionPlan("ai_engagement", "Engagement quality", "RANGE", "engagement", 1, 5),
    )),
)  # fmt: skip

# How ops map the questions (scale kinds as coaching's ScorecardMapping names them). "overall" and "advice"
# map to none on purpose; "next_steps" and the AI scorecard's questions are left unmapped.
SUGGESTED_MAPPING: dict[str, dict[str, Any]] = {
    "discovery": {"dimension": "discovery", "scale": "range"},
    "objections": {"dimension": "objection_handling", "scale": "yes_no", "yes_level": 4, "no_level": 2},
    "overall": {"dimension": "", "scale": "none"},
    "advice": {"dimension": "", "scale": "none"},
    "accuracy": {"dimension": "product_knowledge", "scale": "range"},
    "engagement": {
        "dimension": "engagement", "scale": "options",
        "option_levels": {text: level for level, text in enumerate(ENGAGEMENT_OPTIONS, start=1)},
    },
}  # fmt: skip


def _int_id(rng: random.Random) -> int:
    return rng.randint(10**17, 10**18 - 1)


class ScorecardPlan:
    """Definitions, answered scorecards and the planted truth for one corpus (built once, served many times)."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        rng = random.Random(f"{corpus.seed}:scorecards")
        self.question_ids: dict[str, int] = {}
        self.option_ids: dict[tuple[str, str], int] = {}
        self.definitions = [self._definition(rng, name, method, questions) for name, method, questions in CARDS]
        self.answered: list[dict[str, Any]] = []
        self.truth: list[dict[str, Any]] = []
        self._answer_all(random.Random(f"{corpus.seed}:{corpus.week_start.isoformat()}:scorecard-answers"))

    # -- definitions ------------------------------------------------------------------------------------------
    def _definition(self, rng: random.Random, name: str, method: str, questions: tuple[QuestionPlan, ...]) -> dict:
        card = {
            "scorecardId": _int_id(rng),
            "scorecardName": name,
            "workspaceId": int(self.corpus.workspace["id"]),
            "enabled": True,
            "updaterUserId": int(self.corpus.users[0]["id"]) if int(self.corpus.users[0]["id"]) < 2**63 else None,
            "created": CREATED,
            "updated": CREATED,
            "reviewMethod": method,
            "questions": [],
        }
        for plan in questions:
            question_id = self.question_ids[plan.key] = _int_id(rng)
            options = None
            if plan.options:
                options = []
                for text in plan.options:
                    option_id = self.option_ids[(plan.key, text)] = rng.randint(1000, 9999)
                    options.append({"id": option_id, "text": text})
            card["questions"].append(
                {
                    "questionId": question_id,
                    "questionRevisionId": _int_id(rng),
                    "questionText": plan.text,
                    "isOverall": plan.overall,
                    "questionType": plan.question_type,
                    "answerGuide": None,
                    "minRange": plan.min_range,
                    "maxRange": plan.max_range,
                    "answerOptions": options,
                }
            )
        return card

    def question_key(self, question_id: str | int) -> str | None:
        """The plan key ("discovery", "objections", …) of a served question id."""
        return next((key for key, value in self.question_ids.items() if str(value) == str(question_id)), None)

    # -- answers ----------------------------------------------------------------------------------------------
    def _answer_all(self, rng: random.Random) -> None:
        users = {user["id"]: user for user in self.corpus.users}
        for record in self.corpus.calls:
            meta = record["metaData"]
            gold = self.corpus.gold.get(meta["id"])
            if not gold:
                continue
            for speaker in gold.values():
                if speaker["user_id"] == meta["primaryUserId"]:
                    self._ai_review(rng, meta, speaker)
                if rng.random() >= REVIEW_SHARE:
                    continue
                reviewer = self._reviewer(rng, users, speaker["user_id"])
                self._manager_review(rng, meta, speaker, reviewer)

    def _reviewer(self, rng: random.Random, users: dict, user_id: str) -> str:
        kind = rng.choices([k for k, _ in REVIEWER_WEIGHTS], weights=[w for _, w in REVIEWER_WEIGHTS])[0]
        manager = users[user_id].get("managerId")
        if kind == "self" or not manager:
            return user_id
        skip = users[manager].get("managerId")
        return skip if kind == "skip_level" and skip else manager

    def _level(self, rng: random.Random, gold: int | None) -> int | None:
        if gold is None:
            return rng.choice((2, 3, 4)) if rng.random() < NA_SCORED_SHARE else None
        if rng.random() < SCORED_NA_SHARE:
            return None
        offset = rng.choices([o for o, _ in OFFSETS], weights=[w for _, w in OFFSETS])[0]
        return max(1, min(5, gold + offset))

    def _envelope(self, rng: random.Random, card: dict, meta: dict, user_id: str, reviewer: str | None) -> dict:
        started = datetime.fromisoformat(meta["started"])
        reviewed = started + timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 8))
        envelope = {
            "answeredScorecardId": _int_id(rng),
            "scorecardId": card["scorecardId"],
            "scorecardName": card["scorecardName"],
            "callId": meta["id"],
            "callStartTime": meta["started"],
            "reviewedUserId": user_id,
            "reviewTime": reviewed.isoformat(timespec="seconds"),
            "visibilityType": "PUBLIC",
            "answers": [],
        }
        if reviewer is not None:
            envelope["reviewerUserId"] = reviewer
        return envelope

    def _manager_review(self, rng: random.Random, meta: dict, speaker: dict, reviewer: str) -> None:
        levels = {dim: self._level(rng, gold) for dim, gold in speaker["levels"].items()}
        review, quality = self.definitions[0], self.definitions[1]
        for card in (review, quality):
            envelope = self._envelope(rng, card, meta, speaker["user_id"], reviewer)
            for question in card["questions"]:
                envelope["answers"].append(self._answer(rng, question, levels))
            self.answered.append(envelope)
        if reviewer == speaker["user_id"]:
            return  # a self-review is served but is no reference
        for dim, level in levels.items():
            self.truth.append(
                {
                    "call_id": meta["id"], "user_id": speaker["user_id"], "reviewer_id": reviewer, "dimension": dim,
                    "reference": _mapped(dim, level), "gold": speaker["levels"][dim], "manager_level": level,
                }
            )  # fmt: skip

    def _answer(self, rng: random.Random, question: dict, levels: dict[str, int | None]) -> dict:
        key = self.question_key(question["questionId"])
        answer: dict[str, Any] = {
            "questionId": question["questionId"],
            "questionRevisionId": question["questionRevisionId"],
            "isOverall": question["isOverall"],
            "score": None,
            "answerText": None,
            "notApplicable": False,
            "selectedOptions": None,
        }
        scored = [level for level in levels.values() if level is not None]
        if key == "discovery":
            _range_answer(answer, levels["discovery"], 1, 5)
        elif key == "accuracy":
            _range_answer(answer, levels["product_knowledge"], 0, 10)
        elif key == "objections":
            level = levels["objection_handling"]
            answer.update(notApplicable=True) if level is None else answer.update(answerText=_yes_no(level >= 3))
        elif key == "engagement":
            level = levels["engagement"]
            if level is None:
                answer["notApplicable"] = True
            else:
                text = ENGAGEMENT_OPTIONS[level - 1]
                answer.update(answerText=text, selectedOptions=[self.option_ids[("engagement", text)]])
        elif key == "overall":
            answer["score"] = round(sum(scored) / len(scored)) if scored else 3
        elif key == "advice":
            answer["answerText"] = rng.choice(("Ask one more why.", "Slow down on pricing.", "Good pace."))
        elif key == "next_steps":
            answer["answerText"] = _yes_no(rng.random() < 0.6)
        return answer

    def _ai_review(self, rng: random.Random, meta: dict, speaker: dict) -> None:
        """Gong's AI scores every host 5 on everything: no reviewer, an AUTOMATIC scorecard."""
        card = self.definitions[2]
        envelope = self._envelope(rng, card, meta, speaker["user_id"], None)
        for question in card["questions"]:
            envelope["answers"].append(
                {"questionId": question["questionId"], "questionRevisionId": question["questionRevisionId"],
                 "isOverall": False, "score": 5, "answerText": None, "notApplicable": False, "selectedOptions": None}
            )  # fmt: skip
        self.answered.append(envelope)


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _range_answer(answer: dict, level: int | None, low: int, high: int) -> None:
    if level is None:
        answer["notApplicable"] = True
    else:
        answer["score"] = int(low + (level - 1) * (high - low) / 4 + 0.5)


def _mapped(dimension: str, level: int | None) -> int | None:
    """The reference level ops' SUGGESTED_MAPPING makes of a manager's level (Yes/No loses resolution)."""
    if level is None:
        return None
    if dimension == "objection_handling":
        return 4 if level >= 3 else 2
    if dimension == "product_knowledge":
        score = int((level - 1) * 10 / 4 + 0.5)
        return int(1 + score * 4 / 10 + 0.5)
    return level


def scorecards_truth(plan: ScorecardPlan) -> list[dict[str, Any]]:
    """Every planted reference: {call_id, user_id, reviewer_id, dimension, reference (after the suggested
    mapping; None = N/A), gold (the planted skill level), manager_level}."""
    return list(plan.truth)
