"""The demo's calibration step: managers' Gong scorecards and deal outcomes from the simulator, mapped the way
ops would map them (gong.simulator.scorecards.SUGGESTED_MAPPING), then a few summary lines."""

from __future__ import annotations

from datetime import date

from coaching.calibration.agreement import scorecard_agreement_report
from coaching.calibration.mapping import reference_scores_refresh, scorecard_mapping_set, scorecard_mappings_ensure
from coaching.calibration.outcomes import effect_text, outcome_validity_report
from coaching.calibration.sync import calibration_sync


def demo_calibrate(*, simulator, since: date) -> list[str]:
    """Sync scorecards reviewed since `since` and the deals' state now; map the questions; summarise."""
    from gong.simulator.scorecards import SUGGESTED_MAPPING

    report = calibration_sync(since=since)
    scorecard_mappings_ensure()
    for key, mapping in SUGGESTED_MAPPING.items():
        scorecard_mapping_set(question_id=str(simulator.api.scorecards.question_ids[key]), **mapping)
    references = reference_scores_refresh()
    lines = [report.scorecards.summary() if report.scorecards else "", references.summary()]
    agreement = scorecard_agreement_report()
    for row in agreement.current():
        qwk = "–" if row.qwk is None else f"{row.qwk:.2f}"
        within = "–" if row.within_one is None else f"{row.within_one:.0%}"
        lines.append(
            f"agreement with managers, {row.dimension_label}: QWK {qwk}, ±1 {within}, n {row.n}"
            + (" (too thin)" if row.thin else "")
        )
    lines.append(f"questions not mapped yet: {', '.join(q.text for q in agreement.unmapped) or 'none'}")
    lines.append(report.outcomes.summary() if report.outcomes else "")
    for effect in outcome_validity_report(viewer=None).dimensions:
        lines.append(f"won vs lost, {effect.label}: {effect_text(effect)}")
    return [line for line in lines if line]
