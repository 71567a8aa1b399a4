"""The weekly review end to end on stored sessions: stored reviews, the email, idempotency, empty weeks."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from coaching.models import WeeklyReview
from coaching.weekly.services import weekly_review_run
from tests.coaching.weekly_rows import session_create, team_create
from tests.factories.gong import CallFactory

pytestmark = pytest.mark.django_db

WEEK = "2026-W10"  # Monday 2026-03-02 .. Sunday 2026-03-08
UTC = ZoneInfo("UTC")


def at(day: int, hour: int = 15) -> dt.datetime:
    """A moment in March 2026 (UTC)."""
    return dt.datetime(2026, 3, day, hour, tzinfo=UTC)


def test_a_week_with_no_calls_produces_a_no_calls_report():
    manager, _ = team_create(reps=3)
    result = weekly_review_run(week=WEEK)
    review = WeeklyReview.objects.get(scope="team", subject=manager, week=WEEK)
    assert review.metrics["no_calls"] is True
    assert review.metrics["volume"] == {"calls": 0, "sessions": 0, "reps": 3, "reps_with_calls": 0}
    assert "No analysed calls this week" in review.report_text
    assert "None of the 3 reps" in review.report_html
    assert result.count(scope="rep") == 3
    assert len(mail.outbox) == 1


def test_running_twice_updates_the_reviews_and_never_resends_unless_asked():
    manager, (rep, _) = team_create()
    session_create(rep=rep, started=at(3), scores=3)
    weekly_review_run(week=WEEK)
    first = WeeklyReview.objects.get(scope="team", subject=manager, week=WEEK)
    session_create(rep=rep, started=at(4), scores=5)
    again = weekly_review_run(week=WEEK)
    assert WeeklyReview.objects.filter(week=WEEK).count() == 3  # one team + two reps, still
    second = WeeklyReview.objects.get(pk=first.pk)
    assert second.metrics["volume"]["calls"] == 2
    assert second.metrics["overall_mean"] == 4.0
    assert second.sent_at == first.sent_at
    assert len(mail.outbox) == 1
    assert again.count(mail="already_sent") == 1
    resent = weekly_review_run(week=WEEK, resend=True)
    assert resent.count(mail="sent") == 1
    assert len(mail.outbox) == 2


def test_the_email_has_html_and_text_parts_and_goes_only_to_its_manager():
    _maya, (rep_a,) = team_create(manager_email="maya@lumina-labs.example", reps=1)
    _omar, (rep_b,) = team_create(manager_email="omar@lumina-labs.example", reps=1)
    session_create(rep=rep_a, started=at(3), scores=4, improvements=["Ask about budget earlier"])
    session_create(rep=rep_b, started=at(3), scores=2)
    weekly_review_run(week=WEEK)
    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {("maya@lumina-labs.example",), ("omar@lumina-labs.example",)}
    message = by_recipient[("maya@lumina-labs.example",)]
    assert message.cc == [] and message.bcc == []
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert rep_a.name in message.body and rep_b.name not in message.body
    assert rep_a.name in html and rep_b.name not in html
    assert "Ask about budget earlier" in message.body
    # Email-safe: no images, scripts, stylesheets or anything fetched from elsewhere.
    assert not re.search(r"<(img|script|link|style)\b", html, re.IGNORECASE)
    assert not re.search(r"\bsrc\s*=", html, re.IGNORECASE)


def test_team_metrics_compare_with_last_week_and_flag_skill_gaps():
    manager, (rep_a, rep_b) = team_create()
    scores_last_week = {"product_knowledge": 4, "discovery": 3, "objection_handling": 3, "engagement": 4}
    session_create(rep=rep_a, started=at(24, 10).replace(month=2), scores=scores_last_week)  # 2026-02-24: W09
    session_create(
        rep=rep_a,
        started=at(3),
        scores={"product_knowledge": 5, "discovery": 2, "objection_handling": 3, "engagement": 4},
        strengths=["Clear product demo"],
        improvements=["Ask more open questions"],
        moments=[{"kind": "strength", "start_ms": 65_000, "title": "Great demo"}],
    )
    session_create(
        rep=rep_b,
        started=at(5),
        scores={"product_knowledge": 3, "discovery": 2, "objection_handling": None, "engagement": 4},
        improvements=["Asking open questions earlier"],
        manager_scores={"engagement": 2},
    )
    weekly_review_run(week=WEEK)
    review = WeeklyReview.objects.get(scope="team", subject=manager, week=WEEK)
    dims = review.metrics["dimensions"]
    assert dims["product_knowledge"]["mean"] == 4.0
    assert dims["product_knowledge"]["change_vs_previous_period"] == 0.0
    assert dims["engagement"]["mean"] == 3.0  # the manager's 2 replaces the AI's 4
    assert dims["objection_handling"]["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 0, "na": 1}
    assert review.trends["discovery"]["change_vs_previous"] == -1.0
    assert [gap["dimension"] for gap in review.skill_gaps] == ["discovery"]
    assert review.metrics["overrides"] == {"reviewed": 1, "overridden": 1}
    assert review.metrics["improvement_themes"][0]["count"] == 2
    picks = review.metrics["calls_to_review"]
    assert [pick["kind"] for pick in picks][:2] == ["best_example", "biggest_miss"]
    assert picks[0]["rep_id"] == rep_a.pk and picks[0]["moment"]["start_ms"] == 65_000
    assert "listen at 1:05" in review.report_text
    assert "Skill gaps" in review.report_html


def test_unanalysed_calls_of_the_week_are_listed_as_missing_with_a_reason():
    manager, (rep, _) = team_create()
    session_create(rep=rep, started=at(3))
    CallFactory(primary_user=rep, started=at(4), status="pending", title="Renewal with Acme")
    CallFactory(primary_user=rep, started=at(5), status="failed", status_reason="transcript empty")
    result = weekly_review_run(week=WEEK)
    reasons = {item["title"]: item["reason"] for item in result.missing}
    assert reasons["Renewal with Acme"] == "not fetched from Gong yet"
    assert "transcript empty" in next(reason for title, reason in reasons.items() if title != "Renewal with Acme")
    review = WeeklyReview.objects.get(scope="team", subject=manager, week=WEEK)
    assert len(review.metrics["missing"]) == 2
    assert "Renewal with Acme" in review.report_text


def test_a_dry_run_stores_nothing_and_sends_nothing():
    _, (rep, _) = team_create()
    session_create(rep=rep, started=at(3))
    result = weekly_review_run(week=WEEK, dry_run=True)
    assert result.count(scope="team") == 1
    assert WeeklyReview.objects.count() == 0
    assert mail.outbox == []


def test_one_team_can_be_reviewed_on_its_own():
    maya, (rep_a,) = team_create(manager_email="maya@lumina-labs.example", reps=1)
    _omar, (_rep_b,) = team_create(manager_email="omar@lumina-labs.example", reps=1)
    weekly_review_run(week=WEEK, team="MAYA@lumina-labs.example")
    assert set(WeeklyReview.objects.values_list("scope", "subject_id")) == {("team", maya.pk), ("rep", rep_a.pk)}
    assert [message.to for message in mail.outbox] == [["maya@lumina-labs.example"]]


def test_without_a_week_the_last_completed_week_is_reviewed():
    team_create()
    result = weekly_review_run(now=dt.datetime(2026, 3, 9, 7, tzinfo=UTC))  # Monday of W11
    assert result.week == WEEK


def test_the_command_prints_one_summary_line_and_rejects_a_bad_week():
    _, (rep, _) = team_create()
    session_create(rep=rep, started=at(3))
    stdout = StringIO()
    call_command("weekly_review", "--week", WEEK, stdout=stdout)
    assert stdout.getvalue().strip().splitlines() == [
        "week 2026-W10: 1 team review, 2 rep reviews; 1 email sent, 0 already sent; 0 calls analysed now, 0 missing"
    ]
    dry = StringIO()
    call_command("weekly_review", "--week", WEEK, "--dry-run", stdout=dry)
    assert "(dry run: nothing stored or sent)" in dry.getvalue() and "Maya Manager" in dry.getvalue()
    with pytest.raises(CommandError, match="2026-W47"):
        call_command("weekly_review", "--week", "2026-47", stdout=StringIO())
    with pytest.raises(CommandError, match="No active manager"):
        call_command("weekly_review", "--week", WEEK, "--team", "nobody@example.com", stdout=StringIO())


def test_a_send_cut_off_by_a_killed_worker_is_sent_by_the_retry_not_marked_sent_unsent(settings):
    from django.utils import timezone

    manager, (rep, _) = team_create()
    session_create(rep=rep, started=at(3), scores=3)
    weekly_review_run(week=WEEK, dry_run=False)
    review = WeeklyReview.objects.get(scope="team", subject=manager, week=WEEK)
    mail.outbox.clear()
    # A worker claimed the send a moment ago and is still at it: the racing run sends nothing.
    WeeklyReview.objects.filter(pk=review.pk).update(sent_at=None, send_started_at=timezone.now())
    assert weekly_review_run(week=WEEK).count(mail="already_sent") == 1
    assert mail.outbox == [] and WeeklyReview.objects.get(pk=review.pk).sent_at is None
    # That worker was killed: once its claim is older than the queue's task timeout, the retry sends.
    stale = timezone.now() - dt.timedelta(seconds=settings.Q_CLUSTER["timeout"] + 1)
    WeeklyReview.objects.filter(pk=review.pk).update(send_started_at=stale)
    assert weekly_review_run(week=WEEK).count(mail="sent") == 1
    assert [m.to for m in mail.outbox] == [[manager.email]]
    sent = WeeklyReview.objects.get(pk=review.pk)
    assert sent.sent_at is not None and sent.send_started_at is None
