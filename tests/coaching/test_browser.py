"""A manager in a real browser: dashboard, rep page, call page; a click on a quote lands on its place in the
transcript. Headless Chromium from Debian's `chromium` package, driven by Playwright (PyPI `playwright`, no
browser download: it launches /usr/bin/chromium). Skipped, with the reason, where either is missing."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse

from tests.coaching.portal_world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", Path(settings.BASE_DIR) / "tests" / "artifacts")) / "browser"
# Flags that keep Chromium off the (closed) network and working as root in a container.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def sync_playwright(monkeypatch):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("browser test needs the `playwright` package from PyPI (pip install playwright)")
    if CHROMIUM is None:
        pytest.skip("browser test needs Debian's Chromium: apt-get install chromium (no `chromium` on PATH)")
    # Playwright's sync API keeps an event loop in this thread; Django's ORM must not refuse to run beside it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    @contextmanager
    def playwright_closing_db():
        """`with sync_playwright() as playwright:` whose block runs in Playwright's greenlet, where the ORM opens
        connections of its own: closed on the way out, or pytest-django cannot drop the test database."""
        with sync_playwright() as playwright:
            try:
                yield playwright
            finally:
                connections.close_all()

    return playwright_closing_db


def test_manager_follows_a_quote_from_the_call_page_to_its_moment_in_the_transcript(live_server, sync_playwright):
    world = build_world()
    call = world.calls["own"]
    score = world.scores["own"][0]
    anchor = f"t-{score.evidence[0]['start_ms']}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(live_server.url + reverse("admin:login") + "?next=" + reverse("admin:index"))
        page.fill("input[name=username]", "u-manager")
        page.fill("input[name=password]", "pw")
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url(live_server.url + reverse("admin:index"))
        assert page.locator("#coaching-dashboard").is_visible()
        assert page.locator("#dash-averages").inner_text().count("Discovery") == 1
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)

        page.goto(live_server.url + reverse("admin:gong_gonguser_change", args=[world.rep.pk]))
        assert page.locator("svg.cc-chart").count() == 4
        assert "Rita Rep" in page.locator("#content").inner_text()
        page.screenshot(path=str(ARTIFACTS / "rep_page.png"), full_page=True)

        page.goto(live_server.url + reverse("admin:gong_call_change", args=[call.pk]))
        quote = page.locator(f"#score-{score.pk} a.evidence-link").first
        assert quote.get_attribute("href") == f"#{anchor}"
        quote.click()
        page.wait_for_function("hash => location.hash === hash", arg=f"#{anchor}")
        target = page.locator(f"#{anchor}")
        assert target.is_visible()
        in_view = target.evaluate(
            "el => { const r = el.getBoundingClientRect();"
            " const box = el.closest('.cc-transcript').getBoundingClientRect();"
            " return r.top >= box.top - 1 && r.bottom <= box.bottom + 1 && r.top >= 0 && r.bottom <= innerHeight; }"
        )
        assert in_view, "the quoted sentence is scrolled into view"
        assert target.evaluate("el => el.matches(':target')")
        assert score.evidence[0]["quote"] in target.inner_text()
        page.screenshot(path=str(ARTIFACTS / "call_page_quote.png"), full_page=False)
        browser.close()
    assert (ARTIFACTS / "call_page_quote.png").stat().st_size > 10_000
