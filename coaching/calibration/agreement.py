"""Agreement of the AI scorer with managers' Gong scorecards, per dimension and per scorer version.

Pairs: each reference score (coaching_reference_score, source gong_scorecard) against the AI score of the
same rep on the same call and dimension (the AI's own score, not a manager override: this measures the
scorer). Every stored session counts — current ones and the history kept after a rubric or prompt change —
grouped by scorer version (analyzer, model, prompt version, the dimension's rubric version), so a change shows
its effect on agreement; the current version's rows are marked.

Metrics come from coaching/evaluation.py (QWK, exact, ±1, Pearson r, a constant baseline), computed on pairs
where both sides gave a level. N/A agreement is the share of all pairs where both sides agree on whether the
dimension applies (both scored, or both N/A); its disagreements are counted each way. Fewer than
MIN_PAIRS scored pairs is flagged as too thin to read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from coaching.calibration.mapping import UnmappedQuestion, scorecard_questions_unmapped
from coaching.evaluation import Pair, evaluation_compute
from coaching.models import DimensionScore, ReferenceScore, ReferenceSource
from knowledgebase.dimensions import DIMENSIONS, Dimension

MIN_PAIRS = 30


@dataclass(frozen=True)
class ScorerVersion:
    analyzer: str
    model: str
    prompt_version: str
    rubric_version: str

    def label(self) -> str:
        return f"{self.analyzer} · {self.model} · prompt {self.prompt_version} · {self.rubric_version}"


@dataclass
class AgreementRow:
    dimension: str
    version: ScorerVersion
    current: bool
    n: int
    qwk: float | None
    exact: float | None
    within_one: float | None
    pearson_r: float | None
    na_agreement: float | None
    na_both: int
    na_reference_only: int
    na_scorer_only: int
    baseline_qwk: float | None
    baseline_within_one: float | None

    @property
    def thin(self) -> bool:
        return self.n < MIN_PAIRS

    @property
    def dimension_label(self) -> str:
        return dict(Dimension.choices).get(self.dimension, self.dimension)


@dataclass
class ScorecardAgreement:
    rows: list[AgreementRow] = field(default_factory=list)
    references: int = 0
    unmatched: int = 0  # references with no AI score of that rep on that call
    reviewers: int = 0
    unmapped: list[UnmappedQuestion] = field(default_factory=list)
    min_pairs: int = MIN_PAIRS

    def current(self) -> list[AgreementRow]:
        return [row for row in self.rows if row.current]

    def as_dict(self) -> dict:
        data = asdict(self)
        for row, raw in zip(self.rows, data["rows"], strict=True):
            raw["thin"] = row.thin
            raw["version_label"] = row.version.label()
        return data


def _rubric_label(row: dict) -> str:
    name, number = row["rubric_version__rubric__key"], row["rubric_version__number"]
    return f"{name} v{number}" if name else "no rubric"


def scorecard_agreement_report(*, analyzer: str | None = None) -> ScorecardAgreement:
    """Agreement per dimension × scorer version between AI scores and managers' Gong scorecards."""
    references = list(
        ReferenceScore.objects.filter(source=ReferenceSource.GONG_SCORECARD).values(
            "call_id", "rep_id", "dimension", "level", "source_key", "reviewer_id"
        )
    )
    scores = DimensionScore.objects.filter(session__call_id__in={r["call_id"] for r in references})
    if analyzer:
        scores = scores.filter(session__analyzer=analyzer)
    by_key: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for row in scores.values(
        "score", "dimension", "session__call_id", "session__rep_id", "session__is_current", "session__analyzer",
        "session__run__model", "session__run__prompt_version", "rubric_version__rubric__key",
        "rubric_version__number",
    ):  # fmt: skip
        by_key[(row["session__call_id"], row["session__rep_id"], row["dimension"])].append(row)
    groups: dict[tuple[str, ScorerVersion], list[Pair]] = defaultdict(list)
    current: set[tuple[str, ScorerVersion]] = set()
    report = ScorecardAgreement(references=len(references), reviewers=len({r["reviewer_id"] for r in references}))
    for ref in references:
        stored = by_key.get((ref["call_id"], ref["rep_id"], ref["dimension"]))
        if not stored:
            report.unmatched += 1
            continue
        for row in stored:
            version = ScorerVersion(
                row["session__analyzer"], row["session__run__model"] or "", row["session__run__prompt_version"] or "",
                _rubric_label(row),
            )  # fmt: skip
            key = (ref["dimension"], version)
            groups[key].append(Pair(ref["dimension"], ref["level"], row["score"], ref["source_key"]))
            if row["session__is_current"]:
                current.add(key)
    ordered = sorted(groups.items(), key=lambda item: (DIMENSIONS.index(item[0][0]), item[0][1].label()))
    report.rows = [_row(dim, version, pairs, (dim, version) in current) for (dim, version), pairs in ordered]
    report.unmapped = scorecard_questions_unmapped()
    return report


def _row(dimension: str, version: ScorerVersion, pairs: list[Pair], current: bool) -> AgreementRow:
    evaluation = evaluation_compute(pairs=pairs, source="gong_scorecards", analyzer=version.analyzer)
    result = next(d for d in evaluation.dimensions if d.dimension == dimension)
    total = result.scorer.n + result.na_both + result.na_reference_only + result.na_scorer_only
    return AgreementRow(
        dimension=dimension,
        version=version,
        current=current,
        n=result.scorer.n,
        qwk=result.scorer.qwk,
        exact=result.scorer.exact,
        within_one=result.scorer.within_one,
        pearson_r=result.scorer.pearson_r,
        na_agreement=(result.scorer.n + result.na_both) / total if total else None,
        na_both=result.na_both,
        na_reference_only=result.na_reference_only,
        na_scorer_only=result.na_scorer_only,
        baseline_qwk=result.baseline.qwk,
        baseline_within_one=result.baseline.within_one,
    )
