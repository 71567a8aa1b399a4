"""export_coaching_report: a rep or team report in four formats, paged when long, only for visible subjects."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from unittest import mock

from django.utils import timezone

from coaching.access import viewer_for_user
from coaching.exports import report_export
from tests.mcp.conftest import call_as, rep_not_found


def test_a_rep_report_comes_as_markdown(world):
    data = call_as(world.users["mia"], "export_coaching_report", {"scope": "rep", "subject": "Ada Lovelace"}).data
    assert data["filename"].startswith("coaching-rep-ada-lovelace-") and data["filename"].endswith(".md")
    assert data["content_type"].startswith("text/markdown")
    assert "Ada Lovelace" in data["body"] and "Objection handling" in data["body"]
    assert data["next_cursor"] is None and data["chars"] == len(data["body"])


def test_markdown_is_accepted_as_well_as_md_and_the_subject_defaults_to_the_caller(world):
    data = call_as(world.users["ada"], "export_coaching_report", {"scope": "rep", "format": "markdown"}).data
    assert data["filename"].startswith("coaching-rep-ada-lovelace-") and data["filename"].endswith(".md")
    assert data["content_type"].startswith("text/markdown")


def test_a_team_report_comes_as_csv_or_json(world):
    args = {"scope": "team", "subject": world.gong["mia"].email}
    rows = list(
        csv.DictReader(
            io.StringIO(call_as(world.users["mia"], "export_coaching_report", {**args, "format": "csv"}).data["body"])
        )
    )
    assert {row["rep_name"] for row in rows} >= {"Ada Lovelace", "Ben Sengineer"}
    body = json.loads(call_as(world.users["mia"], "export_coaching_report", {**args, "format": "json"}).data["body"])
    assert body["metrics"]["scope"] == "team"


def test_a_long_report_comes_in_parts_that_add_up_to_the_whole(world):
    viewer = viewer_for_user(world.users["mia"])
    # The world's calls are the last six weeks, whatever today is.
    end = timezone.localdate()
    start = end - timedelta(days=120)
    args = {"scope": "rep", "subject": "Ada Lovelace", "format": "html", "start": start.isoformat(),
            "end": end.isoformat()}  # fmt: skip
    with mock.patch("mcp_bridge.tools.reports.EXPORT_PAGE_CHARS", 700):
        parts, cursor = [], None
        while True:
            data = call_as(
                world.users["mia"], "export_coaching_report", {**args, **({"cursor": cursor} if cursor else {})}
            ).data
            parts.append(data["body"])
            cursor = data["next_cursor"]
            if not cursor:
                break
    whole = report_export(
        viewer=viewer,
        scope="rep",
        subject=world.gong["ada"].pk,
        start=start,
        end=end,
        fmt="html",
    ).body
    assert len(parts) > 2 and "".join(parts) == whole


def test_a_report_on_someone_you_cannot_see_is_not_found(world):
    answer = call_as(world.users["zed"], "export_coaching_report", {"scope": "rep", "subject": "Ada Lovelace"})
    assert answer.is_error and answer.text == rep_not_found("'Ada Lovelace'")


def test_an_unknown_format_is_a_one_line_error(world):
    answer = call_as(world.users["mia"], "export_coaching_report", {"scope": "rep", "subject": "ada", "format": "pdf"})
    assert answer.is_error
    assert answer.text == "Invalid `format`: Input should be 'md', 'markdown', 'html', 'csv' or 'json' (got 'pdf')."
