"""One date format and one unit per stat on every page people read: the portal, the ops pages and every stock
admin list and change form, as coaching ops (everything) and as a manager (what they may open). Dates read
"3 Dec 2026" (", 14:05" with a time), durations m:ss, talk ratio %, money $ with one precision rule; the ops cost
charts carry an axis unit, a legend, tooltips and text that stays ≥ 11 px."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from coaching.models import WeeklyReview
from coaching.weekly.services import weekly_review_run
from core.display import date_display, datetime_display, duration_display, money_display, percent_display
from core.models import ApiToken, ErasureRecord, OnceMarker
from gong.models import ApiQuota, Call, WebhookEvent
from tests.coaching.portal_world import build_world
from tests.ops.conftest import ledger_row

pytestmark = pytest.mark.django_db

MONTH = r"(?:Jan|Feb|Mar|Apr|May|June?|July?|Aug|Sept?|Oct|Nov|Dec|January|February|March|April|August|" \
        r"September|October|November|December)"  # fmt: skip
HOUSE_DATE = re.compile(r"\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")
OTHER_DATES = {
    "ISO date": r"\b\d{4}-\d{2}-\d{2}\b",
    "year-month key": r"\b20\d{2}-(?:0[1-9]|1[0-2])\b",
    "Django's en default": rf"\b{MONTH}\.? \d{{1,2}}, \d{{4}}",
    "month before day": rf"\b{MONTH}\.? \d{{1,2}}\b(?![\d:])",
    "slashed date": r"\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    "a.m./p.m. time": r"\b\d{1,2}(?::\d{2})? ?[ap]\.m\.",
    "month-day time": r"\b\d{2}-\d{2} \d{2}:\d{2}\b",
}
RAW_UNITS = {
    "seconds count": r"\b\d{2,}(?:\.\d+)? ?(?:s|sec|secs|seconds)\b",  # a pause under 10 s reads in s, by design
    "minutes count": r"\b\d+(?:\.\d+)? min\b",
    "hours count": r"\b\d+\.\d h\b",
    "raw Decimal dollars": r"(?<![\d.])0\.\d{6}\b",
    "dollars ≥ 1 past cents": r"\$[\d,]*[1-9][\d,]*\.\d{3,}",
    "dollars with one decimal": r"\$[\d,]+\.\d(?!\d)",
    "dollars past 4 decimals": r"\$0\.\d{5,}",
}


def visible_text(page: str) -> str:
    """What a reader sees: no head, scripts, styles, raw JSON (<pre>) or editable text; tags become spaces; chart
    text and tooltips (<title> in an SVG) are kept."""
    body = page.split("<body", 1)[-1]
    body = re.sub(r"(?is)<(script|style|pre|textarea)\b.*?</\1>", " ", body)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"(?s)<[^>]+>", " ", body)))


def problems_in(name: str, text: str) -> list[str]:
    found = []
    for label, pattern in {**OTHER_DATES, **RAW_UNITS}.items():
        for match in re.finditer(pattern, text):
            context = text[max(match.start() - 40, 0) : match.end() + 20]
            found.append(f"{name}: {label} {match.group(0)!r} in …{context}…")
    for match in re.finditer(r"Talk ratio", text):
        following = text[match.end() : match.end() + 40]
        if not re.search(r"\d%", following) or re.search(r"\b0\.\d+\b", following):
            found.append(f"{name}: talk ratio not a % in …{text[match.start() : match.end() + 40]}…")
    return found


@pytest.fixture
def world(settings):
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 0
    call_command("seed_knowledgebase", verbosity=0)
    world = build_world()
    now = timezone.now()
    for days, cost in ((0, "1.234567"), (3, "0.012345"), (9, "0.5"), (40, "12.3")):
        ledger_row(at=now - dt.timedelta(days=days), cost=cost, latency_ms=1834, input_tokens=12_345)
    Call.objects.filter(pk=world.calls["own"].pk).update(duration_s=1_897)  # 31:37
    # One row in each infrastructure table, so their lists and forms have dates to write.
    # (update_or_create: a test earlier in the run may have left the quota row committed)
    ApiQuota.objects.update_or_create(name="gong", defaults={"next_slot_at": now, "day": now.date(), "day_count": 12})
    WebhookEvent.objects.create(received_at=now, auth_method="jwt", body_sha256="0" * 64, raw_body="{}",
                                call_id=world.calls["own"].pk, status="accepted")  # fmt: skip
    OnceMarker.objects.create(key="one-format-test")
    ErasureRecord.objects.create(
        kind="person", subject_digest="d" * 64, actor="u-ops", via="admin", counts={"calls": 1}
    )
    ApiToken.objects.create(user=world.logins["ops"], name="laptop", prefix="cc_abcd", token_sha256="a" * 64,
                            last_used_at=now)  # fmt: skip
    weekly_review_run(week=None, wait_timeout_s=0)
    return world


def _portal_pages(world, role: str) -> dict[str, str]:
    review = WeeklyReview.objects.filter(scope="team", subject=world.manager).order_by("-week").first()
    pages = {
        "dashboard": reverse("admin:index"),
        "search": reverse("admin:gong_call_search") + "?words=price",
        "call": reverse("admin:gong_call_change", args=[world.calls["own"].pk]),
        "rep": reverse("admin:gong_gonguser_change", args=[world.rep.pk]),
        "team": reverse("admin:gong_gonguser_team", args=[world.manager.pk]),
        "weekly review": f"/admin/coaching/weeklyreview/{review.pk}/report/",
        "weekly email": f"/admin/coaching/weeklyreview/{review.pk}/report/?raw=1",
    }
    if role in {"ops", "staff"}:
        today = timezone.localdate()
        costs = reverse("ops:costs") + f"?start={today - dt.timedelta(days=10)}&end={today}"
        pages |= {"ops costs": costs, "ops pipeline": reverse("ops:pipeline"),
                  "ops gong quota": reverse("ops:gong_quota")}  # fmt: skip
    return pages


def _admin_pages(user) -> dict[str, str]:
    """Every registered model's changelist and the change form of its first listed row (the ones this user may
    open; the rest answer 403/404 and are skipped)."""
    request = RequestFactory().get("/admin/")
    request.user = user
    pages = {}
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        try:
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:
            continue
        pages[f"{opts.label} list"] = changelist
        row = model_admin.get_queryset(request).order_by("-pk").first()
        if row is not None:
            pages[f"{opts.label} form"] = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
    return pages


def _sweep(client, user, pages: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    problems, texts = [], {}
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code in (403, 404):
            continue
        assert response.status_code == 200, f"{user.username} {name}: HTTP {response.status_code}"
        texts[name] = visible_text(response.content.decode())
        problems += problems_in(f"{user.username} {name}", texts[name])
    return problems, texts


INFRASTRUCTURE = {"gong.ApiQuota", "gong.WebhookEvent", "core.OnceMarker", "core.ApiToken", "core.ErasureRecord"}


@pytest.mark.parametrize("role", ["ops", "staff", "manager"])
def test_every_page_writes_dates_durations_shares_and_money_one_way(client, world, role):
    user = world.logins[role]
    client.force_login(user)
    portal, texts = _sweep(client, user, _portal_pages(world, role))
    stock, stock_texts = _sweep(client, user, _admin_pages(user))
    texts |= stock_texts
    assert not portal + stock, "\n".join(portal + stock)

    started = world.calls["own"].started
    assert date_display(started) in texts["call"] and f"{datetime_display(started)}" in texts["call"]
    assert "31:37" in texts["call"], "the call's duration reads m:ss"
    assert percent_display(0.7) in texts["call"] and "1:35" in texts["call"]  # factory stats: 0.7, 95 s
    assert HOUSE_DATE.search(texts["gong.Call list"]), "the stock call list writes dates the house way"
    assert "31:37" in texts["gong.Call list"] and "1897" not in texts["gong.Call list"]
    if role in {"ops", "staff"}:
        assert "70%" in texts["coaching.CoachingSession form"] and "1:35" in texts["coaching.CoachingSession form"]
        ledger = texts["analysis.ApiCall list"]
        assert money_display(Decimal("1.234567")) == "$1.23" and "$1.23" in ledger and "$0.0123" in ledger
        assert "1,834 ms" in ledger and HOUSE_DATE.search(ledger)
        assert HOUSE_DATE.search(texts["knowledgebase.RubricVersion list"])
        infrastructure = [name for name in texts if name.split()[0] in INFRASTRUCTURE and name.endswith(" list")]
        assert infrastructure, "ops and staff open some infrastructure lists"
        for name in infrastructure:
            assert HOUSE_DATE.search(texts[name]), name
        assert "$1.75" in texts["ops costs"]  # the last 10 days: 1.234567 + 0.012345 + 0.5 (the 40-day row is out)
    else:
        assert "ops costs" not in texts and "analysis.ApiCall list" not in texts


def test_the_sweep_fails_on_a_date_or_unit_written_another_way():
    bad = (
        "Started Dec. 3, 2026, 2:05 p.m. · 2026-12-03 · 12/03/2026 · Dec 3 · 12-03 14:05 · 2026-12 · lasted 95 s"
        " · 12 min · 3.5 h · cost 0.120000 · $1.2345 · $0.1 · $0.000012 · Talk ratio 0.70"
    )
    found = problems_in("page", bad)
    for label in [*OTHER_DATES, *RAW_UNITS, "talk ratio not a %"]:
        assert any(problem.startswith(f"page: {label} ") for problem in found), label
    good = (
        f"Started {datetime_display(timezone.now())} · {date_display(dt.date(2026, 12, 3))} · Dec 2026 · lasted "
        f"{duration_display(95)} · pause 0.8 s · {money_display(Decimal('1.2345'))} · {money_display('0.1')} · "
        f"{money_display('0.012345')} · Talk ratio {percent_display(0.7)} · week 2026-W47"
    )
    assert problems_in("page", good) == []


def test_ops_cost_charts_have_a_unit_a_legend_tooltips_and_readable_text(client, world):
    client.force_login(world.logins["ops"])
    page = client.get(reverse("ops:costs")).content.decode()
    charts = re.findall(r'(?s)<svg class="cc-chart".*?</svg>', page)
    assert len(charts) == 3, "per day, per week, per month"
    for chart, unit in zip(charts, ("US$ per day", "US$ per week", "US$ per month"), strict=True):
        assert f'class="cc-axis">{unit}</text>' in chart
        assert 'class="cc-legend"' in chart and "Claude cost (sum of ledger rows)" in chart
        ticks = re.findall(r'text-anchor="end">([^<]+)</text>', chart)
        assert ticks and all(tick.startswith("$") for tick in ticks[:3]), ticks
        tips = re.findall(r"<title>([^<]+)</title>", chart)
        assert tips and all(re.search(r"\$[\d.,]+ from [\d,]+ requests?$", tip) for tip in tips), tips[:3]
        assert all(HOUSE_DATE.search(tip) or re.search(r"[A-Z][a-z]{2} \d{4}", tip) for tip in tips)
        width = float(re.search(r'viewBox="0 0 (\d+)', chart).group(1))
        assert 12 * 300 / width >= 11, "12-unit text in a chart drawn ≥ 300 px wide stays ≥ 11 px"
    assert "coaching/portal.css" in page, "ops pages use the portal's chart styles"
    css = (Path(__file__).parents[2] / "coaching/static/coaching/portal.css").read_text()
    assert ".cc-chart .cc-axis { font-size: 12px" in css and "min-width: 300px" in css


def test_templates_name_a_house_format_whenever_they_write_a_date():
    """A literal `|date:"M j"` in a template would bring back a second format: templates name DATE_FORMAT,
    DATETIME_FORMAT or YEAR_MONTH_FORMAT (the house formats); ISO only as an <input type="date"> value."""
    named = {"DATE_FORMAT", "DATETIME_FORMAT", "YEAR_MONTH_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"}
    strays = []
    for path in (Path(__file__).parents[2] / "templates").rglob("*.*"):
        for line in path.read_text().splitlines():
            for match in re.finditer(r"""\|date:['"]([^'"]*)['"]""", line):
                iso_input = match.group(1) == "Y-m-d" and re.search(
                    r'type="date"[^>]*value="[^"]*$', line[: match.start()]
                )
                if match.group(1) not in named and not iso_input:
                    strays.append(f"{path.name}: {match.group(0)}")
    assert not strays, strays
