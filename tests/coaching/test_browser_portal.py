"""Every portal page and the weekly email, as a rep, a manager, coaching ops and staff would see them on a phone
(390 × 844) and a laptop (1440 × 900), in Debian's headless Chromium: nothing wider than the screen, and no raw
call id, Gong user id, username or criterion key in the visible text. Screenshots go to
tests/artifacts/browser/portal/ (look at them). Skipped, with the reason, where Chromium or Playwright is missing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from coaching.models import WeeklyReview
from coaching.weekly.services import weekly_review_run
from knowledgebase.models import Rubric, RubricVersion
from knowledgebase.services import rubric_version_create_draft
from tests.coaching.portal_world import build_world
from tests.coaching.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, sync_playwright  # noqa: F401 - fixture
from tests.factories.coaching import coached_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS / "portal"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}
ALL = ("product_knowledge", "discovery", "objection_handling", "engagement")


def _history(world) -> None:
    """Twelve weeks of calls for the manager's two reps, so trends, changes and the 12-week review have data; the
    missed criteria are the default rubrics' keys, which the pages must show by name."""
    versions = {version.rubric.dimension: version for version in RubricVersion.objects.select_related("rubric")}
    now = timezone.now()
    for week in range(12):
        for rep, base in ((world.rep, 2), (world.rep2, 4)):
            level = max(1, min(5, base + (week % 3) - 1))
            _call, _session, rows = coached_call(
                rep=rep, started=now - dt.timedelta(weeks=week, days=1), scores=dict.fromkeys(ALL, level)
            )
            for row in rows:
                version = versions.get(row.dimension)
                if version is None:
                    continue
                row.rubric_version = version
                row.criteria_missed = [item["key"] for item in version.content["criteria"][:2]]
                row.save(update_fields=["rubric_version", "criteria_missed"])


def _forbidden(world) -> list[str]:
    """What must never be read on a page: Gong ids, call ids, usernames and snake_case criterion keys."""
    words = [user.username for user in world.logins.values()]
    words += [world.director.pk, world.manager.pk, world.rep.pk, world.rep2.pk, world.rep3.pk]
    words += [call.pk for call in world.calls.values()]
    for version in RubricVersion.objects.all():
        words += [c["key"] for c in version.content.get("criteria", []) if "_" in c["key"]]
    return sorted(set(words))


def _pages(world, role: str) -> list[tuple[str, str]]:
    review = WeeklyReview.objects.filter(scope="team", subject=world.manager).order_by("-week").first()
    pages = [
        ("dashboard", reverse("admin:index")),
        ("search", reverse("admin:gong_call_search") + "?words=price"),
        ("reps", reverse("admin:gong_gonguser_changelist")),
        ("call", reverse("admin:gong_call_change", args=[world.calls["own"].pk])),
        ("rep", reverse("admin:gong_gonguser_change", args=[world.rep.pk])),
        ("weekly_reviews", reverse("admin:coaching_weeklyreview_changelist")),
    ]
    if role != "rep":
        pages += [
            ("team", reverse("admin:gong_gonguser_team", args=[world.manager.pk])),
            ("weekly_review", f"/admin/coaching/weeklyreview/{review.pk}/report/"),
            ("weekly_email", f"/admin/coaching/weeklyreview/{review.pk}/report/?raw=1"),
        ]
    if role in {"ops", "staff"}:
        pages += [("ops_costs", reverse("ops:costs"))]  # the cost charts: same chart style, text ≥ 11 px
    if role == "ops":
        draft = RubricVersion.objects.filter(status="draft").first()
        pages += [
            ("rubric_form", reverse("admin:knowledgebase_rubricversion_form", args=[draft.pk])),
            ("rubric_preview", reverse("admin:knowledgebase_rubricversion_rescore", args=[draft.pk])),
        ]
    return pages


def _draft_ensure() -> None:
    """A draft of the discovery rubric (its first criterion weighted 5 points more), for the form and preview."""
    active = Rubric.objects.get(key="discovery").active_version
    criteria = [dict(item) for item in active.content["criteria"]]
    criteria[0]["weight"] += 5
    criteria[1]["weight"] -= 5
    rubric_version_create_draft(rubric_id=active.rubric_id, content={**active.content, "criteria": criteria})


def _overflow(page) -> int:
    """How many CSS px the page is wider than the viewport (0 = fits)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def _smallest_chart_text(page) -> float:
    """The smallest rendered font size (px) of any chart text: font size × the SVG's scale."""
    return page.evaluate(
        """() => { let min = 99;
        for (const svg of document.querySelectorAll('svg.cc-chart')) {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            for (const t of svg.querySelectorAll('text')) {
                min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale); } }
        return min; }"""
    )


def test_every_portal_page_fits_a_phone_and_speaks_in_names_for_every_role(live_server, sync_playwright):  # noqa: F811
    call_command("seed_knowledgebase", verbosity=0)
    world = build_world()
    _history(world)
    weekly_review_run(week=None, wait_timeout_s=0)
    _draft_ensure()
    forbidden = _forbidden(world)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for role in ("rep", "manager", "ops", "staff"):
            context = browser.new_context(viewport=PHONE)
            page = context.new_page()
            page.goto(live_server.url + reverse("admin:login"))
            page.fill("input[name=username]", world.logins[role].username)
            page.fill("input[name=password]", "pw")
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_url(live_server.url + reverse("admin:index"))
            for name, url in _pages(world, role):
                for size_name, size in (("phone", PHONE), ("laptop", LAPTOP)):
                    page.set_viewport_size(size)
                    response = page.goto(live_server.url + url)
                    assert response.status == 200, f"{role} {name}: HTTP {response.status}"
                    page.screenshot(path=str(SHOTS / f"{role}-{name}-{size_name}.png"), full_page=True)
                    if size_name == "phone" and _overflow(page) > 1:
                        problems.append(f"{role} {name}: {_overflow(page)} px wider than a 390 px phone")
                    if page.locator("svg.cc-chart").count() and _smallest_chart_text(page) < 11:
                        problems.append(f"{role} {name} {size_name}: chart text {_smallest_chart_text(page):.1f} px")
                text = page.locator("body").inner_text()
                for word in forbidden:
                    if re.search(rf"(?<![\w@.-]){re.escape(word)}(?![\w@.-])", text):  # an email is a name
                        problems.append(f"{role} {name}: shows {word!r}")
                if "Site administration" in text:
                    problems.append(f"{role} {name}: titled 'Site administration'")
            context.close()
        browser.close()
    (SHOTS / "problems.txt").write_text("\n".join(problems) + "\n")
    assert not problems, "\n".join(problems)
    assert (SHOTS / "manager-dashboard-phone.png").stat().st_size > 10_000
