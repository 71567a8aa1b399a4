"""Coaching ops edit a rubric draft and preview it with Claude on a phone (390 × 844), in Debian's headless
Chromium: the form (add a criterion, rebalance the weights), the offline preview, the Claude estimate and the
Claude result all fit the screen and never show a criterion key, call id or Gong id. Screenshots go to
tests/artifacts/browser/rubric/. Skipped, with the reason, where Chromium or Playwright is missing."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse

from analysis.models import ApiCall, ApiPurpose
from coaching.services import rubric_preview_jobs
from coaching.tasks import rubric_preview_run
from knowledgebase.models import Rubric, RubricVersion
from knowledgebase.services import rubric_version_create_draft
from tests.coaching.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, sync_playwright  # noqa: F401 - fixture
from tests.factories.coaching import coached_call
from tests.factories.gong import GongUserFactory
from tests.factories.knowledgebase import staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS / "rubric"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1440, "height": 900}


def _world():
    call_command("seed_knowledgebase", verbosity=0)
    rep = GongUserFactory(first_name="Rita", last_name="Rep")
    calls = []
    for n in range(2):
        call, _session, rows = coached_call(rep=rep, account=f"Account {n}")
        calls.append(call)
        for row in rows:  # missed criteria by key, as stored: pages must show names
            row.rubric_version = Rubric.objects.filter(dimension=row.dimension, role="").get().active_version
            row.criteria_missed = [c["key"] for c in row.rubric_version.content["criteria"][:2]]
            row.save(update_fields=["rubric_version", "criteria_missed"])
    active = Rubric.objects.get(key="discovery").active_version
    criteria = [dict(item) for item in active.content["criteria"]]
    criteria[0]["weight"] += 5
    criteria[1]["weight"] -= 5
    draft = rubric_version_create_draft(rubric_id=active.rubric_id, content={**active.content, "criteria": criteria})
    words = [rep.pk, *[call.pk for call in calls], "u-rubric-ops"]
    for version in RubricVersion.objects.all():
        words += [c["key"] for c in version.content.get("criteria", []) if "_" in c["key"]]
    return draft, sorted(set(words))


def test_ops_edit_and_preview_a_rubric_draft_on_a_phone(live_server, sync_playwright, fake_claude, django_user_model):  # noqa: F811
    draft, forbidden = _world()
    staff_user(django_user_model, username="u-rubric-ops", group="coaching ops", edit_kb=True)
    form_url = live_server.url + reverse("admin:knowledgebase_rubricversion_form", args=[draft.pk])
    preview_url = live_server.url + reverse("admin:knowledgebase_rubricversion_rescore", args=[draft.pk])
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []

    def look(page, name: str) -> None:
        page.set_viewport_size(LAPTOP)
        page.screenshot(path=str(SHOTS / f"{name}-laptop.png"), full_page=True)
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(SHOTS / f"{name}-phone.png"), full_page=True)
        wider = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if wider > 1:
            problems.append(f"{name}: {wider} px wider than a 390 px phone")
        text = page.locator("body").inner_text()
        problems.extend(
            f"{name}: shows {word!r}"
            for word in forbidden
            if re.search(rf"(?<![\w@.-]){re.escape(word)}(?![\w@.-])", text)
        )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(live_server.url + reverse("admin:login"))
        page.fill("input[name=username]", "u-rubric-ops")
        page.fill("input[name=password]", "pw")
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url(live_server.url + reverse("admin:index"))

        page.goto(form_url)
        look(page, "form")
        page.fill("input[name=criteria-0-weight]", "40")
        assert page.locator("#kb-weight-total").inner_text() != "100"  # the live total follows the typing
        page.click("button[name=rebalance]")
        assert page.locator("#kb-weight-total").inner_text() == "100"
        assert page.locator("input[name=criteria-0-weight]").input_value() == "40"
        look(page, "form-rebalanced")
        page.click("button[name=add_criterion]")
        assert page.locator("fieldset.kb-criterion").last.locator("legend").inner_text() == "New criterion"
        look(page, "form-added")

        page.goto(preview_url)
        look(page, "preview-offline")
        page.click("text=Estimate the Claude cost")
        assert "Estimated cost: $0.0" in page.locator("#claude-estimate").inner_text()
        look(page, "preview-claude-estimate")
        with mock.patch.object(rubric_preview_jobs, "_enqueue", autospec=True) as queue:  # the worker is below
            page.click("text=Re-score with Claude")
            page.wait_for_selector("#claude-progress")
            assert "Waiting for a worker — 0 of 2 calls done." in page.locator("#claude-progress").inner_text()
            look(page, "preview-claude-waiting")
        rubric_preview_run(queue.call_args.args[0])  # the worker
        page.wait_for_selector("#claude-moved", timeout=15_000)  # the page refreshed itself
        assert "Done: 2 of 2 calls re-scored" in page.locator("#claude-progress").inner_text()
        assert "from the cost ledger" in page.locator("#claude-cost").inner_text()
        look(page, "preview-claude-result")
        browser.close()
    (SHOTS / "problems.txt").write_text("\n".join(problems) + "\n")
    assert not problems, "\n".join(problems)
    assert ApiCall.objects.filter(purpose=ApiPurpose.RUBRIC_PREVIEW).count() == 2
