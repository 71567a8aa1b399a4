"""`evaluate_scorer --gong-scorecards`: the simulator's planted manager answers come back through sync → mapping →
evaluation with exactly the planted agreement, per dimension and per scorer version.

The scorer here is a "perfect" one (its scores are the planted skill levels), so the agreement measured must be
the agreement the simulator planted between its managers and those levels — nothing lost or invented on the way.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from coaching.evaluation import quadratic_weighted_kappa, within_one
from coaching.models import CoachingSession
from gong.models import Call
from gong.simulator.scorecards import scorecards_truth
from knowledgebase.dimensions import DIMENSIONS, Dimension
from tests.coaching.calibration_world import sessions_from_levels

pytestmark = pytest.mark.django_db


def _planted(truth: list[dict], dimension: str, shift: int = 0) -> dict:
    rows = [t for t in truth if t["dimension"] == dimension]
    scored = [(t["reference"], min(5, t["gold"] + shift)) for t in rows if None not in (t["reference"], t["gold"])]
    both_na = sum(t["reference"] is None and t["gold"] is None for t in rows)
    reference, predicted = [r for r, _ in scored], [p for _, p in scored]
    return {
        "n": len(scored),
        "qwk": quadratic_weighted_kappa(reference, predicted),
        "within_one": within_one(reference, predicted),
        "na_agreement": (len(scored) + both_na) / len(rows),
    }


def _evaluate(tmp_path) -> tuple[dict, str]:
    out, stdout = tmp_path / "agreement.json", StringIO()
    call_command("evaluate_scorer", "--gong-scorecards", "--out", str(out), stdout=stdout)
    return json.loads(out.read_text()), stdout.getvalue()


def test_planted_manager_agreement_comes_back_per_dimension(calibrated_week, tmp_path):
    server, week = calibrated_week
    sessions_from_levels(week, prompt_version="coach-p1")

    result, printed = _evaluate(tmp_path)

    truth = scorecards_truth(server.api.scorecards)
    rows = {row["dimension"]: row for row in result["rows"] if row["current"]}
    assert set(rows) == set(DIMENSIONS)
    for dimension in DIMENSIONS:
        planted = _planted(truth, dimension)
        assert rows[dimension]["n"] == planted["n"]
        assert rows[dimension]["qwk"] == pytest.approx(planted["qwk"])
        assert rows[dimension]["within_one"] == pytest.approx(planted["within_one"])
        assert rows[dimension]["na_agreement"] == pytest.approx(planted["na_agreement"])
        assert rows[dimension]["version"]["prompt_version"] == "coach-p1"
    # Yes/No keeps less of the manager's judgement than a 1–5 range: lower agreement on objection handling.
    assert rows["objection_handling"]["qwk"] < rows["discovery"]["qwk"]
    assert result["unmatched"] == 0
    assert [q["text"] for q in result["unmapped"]] == ["Next steps agreed?"]
    assert "Next steps agreed?" in printed and "QWK" in printed and "N/A" in printed


def test_a_new_prompt_version_shows_its_own_agreement_beside_the_old(calibrated_week, tmp_path):
    server, week = calibrated_week
    sessions_from_levels(week, prompt_version="coach-p1")
    CoachingSession.objects.update(is_current=False)
    sessions_from_levels(week, prompt_version="coach-p2", shift=1)  # a stricter → looser scorer

    result, printed = _evaluate(tmp_path)

    truth = scorecards_truth(server.api.scorecards)
    discovery = [row for row in result["rows"] if row["dimension"] == "discovery"]
    by_prompt = {row["version"]["prompt_version"]: row for row in discovery}
    assert set(by_prompt) == {"coach-p1", "coach-p2"}
    assert by_prompt["coach-p2"]["current"] and not by_prompt["coach-p1"]["current"]
    assert by_prompt["coach-p1"]["qwk"] == pytest.approx(_planted(truth, "discovery")["qwk"])
    assert by_prompt["coach-p2"]["qwk"] == pytest.approx(_planted(truth, "discovery", shift=1)["qwk"])
    assert by_prompt["coach-p2"]["qwk"] < by_prompt["coach-p1"]["qwk"]
    assert "coach-p2" in printed


def test_thin_agreement_is_said_to_be_thin(calibrated_week, tmp_path):
    _server, week = calibrated_week
    one_call = next(iter(week.gold))
    sessions_from_levels(week, prompt_version="coach-p1", call_ids={one_call})

    result, printed = _evaluate(tmp_path)

    assert result["rows"] and all(row["thin"] for row in result["rows"])
    assert "too thin" in printed
    assert result["unmatched"] > 0


def test_no_scorecards_yet_is_a_clear_empty_report(tmp_path):
    result, printed = _evaluate(tmp_path)
    assert result["rows"] == [] and result["references"] == 0
    assert "0 reference scores" in printed


def test_calls_are_synced_before_the_report(calibrated_week):
    _server, week = calibrated_week
    assert Call.objects.count() == len(week.calls)


def test_the_costs_page_shows_agreement_per_dimension_and_the_unmapped_question(
    calibrated_week, admin_client_logged_in
):
    _server, week = calibrated_week
    sessions_from_levels(week, prompt_version="coach-p1")

    body = admin_client_logged_in.get("/admin/ops/costs/").content.decode()

    assert "agreement with managers&#x27; Gong scorecards" in body or "agreement with managers' Gong scorecards" in body
    for _key, label in Dimension.choices:
        assert f"<td>{label}</td>" in body
    assert "coach-p1" in body and "Next steps agreed?" in body


def test_the_costs_page_without_scorecards_says_how_to_get_them(admin_client_logged_in):
    body = admin_client_logged_in.get("/admin/ops/costs/").content.decode()
    assert "No mapped Gong scorecards yet" in body
