"""Long commands draw a progress bar on a terminal and print only their summary without one (cron, CI, pipes)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from gong.simulator.corpus import GOLD_FORMAT
from tests.coaching.weekly_rows import session_create, team_create
from tests.factories.analysis import call_with_reps

pytestmark = pytest.mark.django_db


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_analyze_calls_batch_shows_its_polling_on_a_terminal(kb, fake_claude, capsys):
    call = call_with_reps()
    screen = Terminal()
    call_command("analyze_calls", "--batch", "--wait", "5", "--call", call.pk, stdout=screen)
    assert "batch: waiting for results" in screen.getvalue()
    assert "1 analyzed" in screen.getvalue()
    assert capsys.readouterr().out == ""  # drawn on the command's stdout, not on the process's


def test_analyze_calls_batch_without_a_terminal_prints_only_its_summary(kb, fake_claude, capsys):
    call = call_with_reps()
    log = StringIO()
    call_command("analyze_calls", "--batch", "--wait", "5", "--call", call.pk, stdout=log)
    lines = log.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("analyze_calls (claude): 1 calls, 1 analyzed")
    assert "\x1b" not in log.getvalue() and capsys.readouterr().out == ""


def _gold_file(tmp_path, session) -> str:
    path = tmp_path / "gold.json"
    calls = {session.call_id: {session.speaker_id: {"user_id": session.rep_id, "levels": {"discovery": 4}}}}
    path.write_text(json.dumps({"format": GOLD_FORMAT, "calls": calls}))
    return str(path)


@pytest.mark.parametrize(("stream", "drawn"), [(Terminal, True), (StringIO, False)])
def test_evaluate_scorer_shows_progress_only_on_a_terminal(tmp_path, capsys, stream, drawn):
    _, (rep, _) = team_create()
    session = session_create(rep=rep, started=dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC), scores={"discovery": 4})
    out = stream()
    gold = _gold_file(tmp_path, session)
    call_command("evaluate_scorer", "--gold", gold, "--out", str(tmp_path / "e.json"), stdout=out)
    assert ("matching gold labels" in out.getvalue()) is drawn
    assert ("\x1b" in out.getvalue()) is drawn
    assert "evaluate_scorer: gold" in out.getvalue()
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(("stream", "drawn"), [(Terminal, True), (StringIO, False)])
def test_analyze_calls_realtime_shows_progress_only_on_a_terminal(kb, fake_claude, capsys, stream, drawn):
    call = call_with_reps()
    out = stream()
    call_command("analyze_calls", "--call", call.pk, stdout=out)
    assert ("analysing" in out.getvalue()) is drawn
    assert "analyze_calls (claude): 1 calls, 1 analyzed" in out.getvalue().splitlines()[-1]
    assert capsys.readouterr().out == ""
