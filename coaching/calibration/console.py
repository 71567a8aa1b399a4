"""Terminal rendering of the calibration reports (evaluate_scorer --gong-scorecards)."""

from __future__ import annotations

from typing import TextIO

from rich.console import Console
from rich.table import Table

from coaching.calibration.agreement import ScorecardAgreement


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def scorecard_agreement_print(report: ScorecardAgreement, *, out: TextIO) -> None:
    """Per dimension × scorer version: n, QWK, exact, ±1, N/A agreement, baseline; then unmapped questions."""
    console = Console(file=out, width=160, force_terminal=False)
    table = Table(title=f"Scorer vs managers' Gong scorecards ({report.references} reference scores, "
                        f"{report.reviewers} reviewers; * = current version)")  # fmt: skip
    for column in ("dimension", "scorer version", "n", "QWK", "exact", "±1", "N/A agr.", "N/A ref/scorer only",
                   "baseline QWK / ±1", "note"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("dimension", "scorer version", "note") else "right")
    for row in report.rows:
        table.add_row(
            row.dimension,
            ("* " if row.current else "  ") + row.version.label(),
            str(row.n),
            _fmt(row.qwk),
            _fmt(row.exact),
            _fmt(row.within_one),
            _fmt(row.na_agreement),
            f"{row.na_reference_only}/{row.na_scorer_only}",
            f"{_fmt(row.baseline_qwk)} / {_fmt(row.baseline_within_one)}",
            f"too thin (< {report.min_pairs} pairs)" if row.thin else "",
        )
    console.print(table)
    if report.unmatched:
        console.print(f"{report.unmatched} reference scores have no AI score of that rep on that call (not analysed).")
    if report.unmapped:
        console.print("Questions not mapped yet (Admin → Scorecard mappings):")
        for question in report.unmapped:
            console.print(
                f"  - {question.scorecard}: {question.text} ({question.question_type}, {question.answers} answers)"
            )
    else:
        console.print("Every scorecard question people fill is mapped (to a dimension or to none).")
