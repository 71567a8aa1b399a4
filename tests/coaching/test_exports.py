"""Coaching report exports: four formats, the right numbers, and nobody sees what they may not."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from coaching.access import GROUP_MANAGER, GROUP_REP, GROUP_STAFF, viewer_for_user
from coaching.exports import report_export
from core.errors import ApplicationError, NotFound
from tests.coaching.weekly_rows import session_create, team_create

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 3, 2), dt.date(2026, 3, 15)  # two ISO weeks


def login(django_user_model, gong_user, group: str):
    user = django_user_model.objects.create_user(gong_user.email.split("@")[0], gong_user.email, "pw")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    gong_user.django_user = user
    gong_user.save()
    return user


@pytest.fixture
def team(django_user_model):
    manager, (ana, ben) = team_create(reps=2)
    t = dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC)
    session_create(rep=ana, started=t, scores={"product_knowledge": 4, "discovery": 2, "objection_handling": 3,
                                              "engagement": 5}, improvements=["Ask about budget"])  # fmt: skip
    session_create(rep=ana, started=t + dt.timedelta(days=7), scores=4)
    session_create(rep=ben, started=t, scores=2, improvements=["Ask about budget earlier"])
    return {
        "manager": manager,
        "ana": ana,
        "ben": ben,
        "manager_viewer": viewer_for_user(login(django_user_model, manager, GROUP_MANAGER)),
        "ana_viewer": viewer_for_user(login(django_user_model, ana, GROUP_REP)),
    }


def export(viewer, scope, subject, fmt):
    return report_export(viewer=viewer, scope=scope, subject=subject, start=START, end=END, fmt=fmt)


def test_json_export_of_a_rep_has_the_period_numbers(team):
    result = export(team["ana_viewer"], "rep", team["ana"].pk, "json")
    assert result.content_type == "application/json"
    assert result.filename.endswith("-2026-03-02_2026-03-15.json")
    data = json.loads(result.body)
    assert data["metrics"]["volume"]["calls"] == 2
    assert data["metrics"]["dimensions"]["discovery"]["mean"] == 3.0  # (2 + 4) / 2
    assert data["metrics"]["period"] == {"label": "2026-03-02..2026-03-15", "start": "2026-03-02",
                                         "end": "2026-03-15", "tz": "UTC"}  # fmt: skip


def test_csv_export_of_a_team_has_team_rows_then_one_row_per_rep_and_dimension(team):
    result = export(team["manager_viewer"], "team", team["manager"].email, "csv")
    assert result.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(result.body)))
    assert len(rows) == 4 * 3  # team + two reps, four dimensions each
    team_discovery = next(r for r in rows if r["rep_name"] == "TEAM" and r["dimension"] == "discovery")
    assert float(team_discovery["mean"]) == pytest.approx((2 + 4 + 2) / 3, abs=0.01)
    ben_engagement = next(r for r in rows if r["rep_id"] == team["ben"].pk and r["dimension"] == "engagement")
    assert (ben_engagement["mean"], ben_engagement["n2"], ben_engagement["n5"]) == ("2.0", "1", "0")


def test_markdown_and_html_exports_read_as_reports(team):
    md = export(team["manager_viewer"], "team", team["manager"].pk, "md")
    assert md.body.startswith("# Team coaching report 2026-03-02..2026-03-15")
    assert "| Discovery" in md.body and "## Reps" in md.body
    assert "Ask about budget" in md.body  # the recurring improvement theme
    html = export(team["manager_viewer"], "team", team["manager"].pk, "html")
    assert html.body.lstrip().startswith("<!DOCTYPE html>")
    assert team["ben"].name in html.body and "<script" not in html.body


def test_a_rep_cannot_export_a_colleague_or_the_team_and_learns_nothing_about_them(team):
    with pytest.raises(NotFound) as colleague:
        export(team["ana_viewer"], "rep", team["ben"].pk, "json")
    with pytest.raises(NotFound) as missing:
        export(team["ana_viewer"], "rep", "123456789", "json")
    assert str(colleague.value).replace(team["ben"].pk, "X") == str(missing.value).replace("123456789", "X")
    with pytest.raises(NotFound):
        export(team["ana_viewer"], "team", team["manager"].pk, "json")


def test_a_manager_of_another_team_cannot_export_this_one(team, django_user_model):
    other, _ = team_create(manager_email="omar@lumina-labs.example", reps=1)
    viewer = viewer_for_user(login(django_user_model, other, GROUP_MANAGER))
    with pytest.raises(NotFound):
        export(viewer, "team", team["manager"].pk, "csv")
    with pytest.raises(NotFound):
        export(viewer, "rep", team["ana"].email, "md")


def test_staff_can_export_any_team(team, django_user_model):
    staff = django_user_model.objects.create_user("lead", "lead@lumina-labs.example", "pw")
    staff.groups.add(Group.objects.get_or_create(name=GROUP_STAFF)[0])
    body = json.loads(export(viewer_for_user(staff), "team", team["manager"].pk, "json").body)
    assert body["metrics"]["volume"]["reps"] == 2


def test_bad_period_and_format_are_clear_errors(team):
    viewer = team["manager_viewer"]
    with pytest.raises(ApplicationError, match="before it starts"):
        report_export(viewer=viewer, scope="rep", subject=team["ana"].pk, start=END, end=START, fmt="md")
    with pytest.raises(ApplicationError, match="format"):
        report_export(viewer=viewer, scope="rep", subject=team["ana"].pk, start=START, end=END, fmt="pdf")


def test_the_export_command_writes_a_file_for_a_permitted_user(team, tmp_path):
    stdout = StringIO()
    call_command(
        "export_coaching_report", "--scope", "team", "--subject", team["manager"].email, "--start", "2026-03-02",
        "--end", "2026-03-15", "--format", "csv", "--as", team["manager"].email, "--out", str(tmp_path), stdout=stdout,
    )  # fmt: skip
    written = list(tmp_path.iterdir())
    assert len(written) == 1 and written[0].suffix == ".csv"
    assert "wrote" in stdout.getvalue()
    with pytest.raises(CommandError, match="visible"):
        call_command(
            "export_coaching_report", "--subject", team["ben"].pk, "--start", "2026-03-02", "--end", "2026-03-15",
            "--as", team["ana"].email, stdout=StringIO(),
        )  # fmt: skip


def test_a_private_call_counts_in_its_hosts_export_but_not_in_their_managers(team):
    from gong.models import Call

    private = session_create(rep=team["ana"], started=dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC), scores=1,
                             improvements=["Confidential pricing for the merger"])  # fmt: skip
    Call.objects.filter(pk=private.call_id).update(is_private=True)
    unanalysed = Call.objects.create(id="7999000000000000001", primary_user=team["ana"], is_private=True,
                                     started=dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC), title="Secret merger call",
                                     status="transcribed")  # fmt: skip
    own = json.loads(export(team["ana_viewer"], "rep", team["ana"].pk, "json").body)
    assert own["metrics"]["volume"]["calls"] == 3
    for scope, subject in [("rep", team["ana"].pk), ("team", team["manager"].pk)]:
        for fmt in ("json", "md", "csv", "html"):
            body = export(team["manager_viewer"], scope, subject, fmt).body
            assert "merger" not in body.lower() and unanalysed.pk not in body, (scope, fmt)
    by_manager = json.loads(export(team["manager_viewer"], "rep", team["ana"].pk, "json").body)
    assert by_manager["metrics"]["volume"]["calls"] == 2
