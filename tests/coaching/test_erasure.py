"""Erasure: one call, or everything of one person, gone from every table and JSON — the ledger's totals kept."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from analysis.models import ApiCall
from coaching.access import GROUP_OPS, GROUP_STAFF
from coaching.models import CoachingSession, DimensionScore, ReferenceScore, WeeklyReview
from coaching.services.erasure import erasure_run, subject_digest
from coaching.services.pipeline import call_coach
from coaching.weekly.services import weekly_review_run
from core.models import ErasureRecord
from gong.models import (
    Affiliation,
    AnsweredScorecard,
    Call,
    GongUser,
    RepRole,
    Scorecard,
    ScorecardAnswer,
    ScorecardQuestion,
    Transcript,
    WebhookEvent,
)
from tests.factories.analysis import BUYER_SPEAKER, REP_SPEAKER, knowledge_seed, rep_lines
from tests.factories.gong import CallFactory, CallParticipantFactory, GongUserFactory, TranscriptFactory
from tests.fakes.anthropic_server import FakeAnthropic

pytestmark = pytest.mark.django_db

WEEK = "2026-W10"
DANA = "dana.whitfield@erasable-corp.example"
RILEY = "riley.quinton@lumina-labs.example"
SECRET_PHRASE = "Our purple falcon rollout is stuck in procurement"
TITLE_A = "Erasable Corp <> Lumina: discovery"


@pytest.fixture
def fake_claude(settings):
    server = FakeAnthropic().start()
    settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.ANALYZER = "test-key", server.url, "claude"
    settings.CLAUDE_MODEL, settings.CLAUDE_MAX_RETRIES, settings.ANALYSIS_MONTHLY_BUDGET_USD = (
        "claude-sonnet-5-5",
        1,
        0.0,
    )
    yield server
    server.stop()


def _call(*, rep, title, started, contact_name, contact_email, contact_says, buyer_speaker=BUYER_SPEAKER):
    import random

    call = CallFactory(title=title, started=started, primary_user=rep)
    CallParticipantFactory(
        call=call, speaker_id=REP_SPEAKER, user=rep, name=rep.name, email=rep.email, affiliation=Affiliation.INTERNAL
    )
    CallParticipantFactory(call=call, speaker_id=buyer_speaker, external=True, name=contact_name, email=contact_email)
    lines = [(BUYER_SPEAKER if who == "buyer" else REP_SPEAKER, "External" if who == "buyer" else "Internal", text)
             for who, text in rep_lines(4, rng=random.Random(call.pk), rounds=2)]  # fmt: skip
    lines.insert(1, (buyer_speaker, "External", contact_says))
    TranscriptFactory(call=call, lines=lines)
    WebhookEvent.objects.create(
        received_at=started, auth_method="jwt", body_sha256="0" * 64, call_id=call.pk, status="accepted",
        raw_body=f'{{"callData": {{"parties": [{{"emailAddress": "{contact_email}", "name": "{contact_name}"}}]}}}}',
    )  # fmt: skip
    assert call_coach(call_id=call.pk, worker="t").status == "analyzed"
    return call


def _scorecard(*, call, rep, reviewer) -> None:
    """A manager's Gong scorecard of the rep on the call, and the reference score derived from it."""
    card = Scorecard.objects.create(id="9100", name="Discovery")
    question = ScorecardQuestion.objects.create(id="9101", scorecard=card, text="Discovery depth")
    answered = AnsweredScorecard.objects.create(
        id="9102", scorecard=card, call_id=call.pk, call_started=call.started, reviewed_user=rep,
        reviewer_user=reviewer, synced_at=timezone.now(),
    )  # fmt: skip
    ScorecardAnswer.objects.create(answered=answered, question=question, score=3,
                                   answer_text="Dana Whitfield pushed back on price")  # fmt: skip
    ReferenceScore.objects.create(source="gong_scorecard", source_key="9102", call=call, rep=rep, reviewer=reviewer,
                                  dimension="discovery", level=3)  # fmt: skip


@pytest.fixture
def world(fake_claude):
    call_command("partitions_maintain", stdout=StringIO())  # this quarter gets its own partition; March 2026: DEFAULT
    knowledge_seed()
    manager = GongUserFactory(first_name="Maya", last_name="Manager", email="maya@lumina-labs.example",
                              role=RepRole.MANAGER)  # fmt: skip
    login = User.objects.create_user("riley", email=RILEY, password="x", first_name="Riley", last_name="Quinton")
    riley = GongUserFactory(first_name="Riley", last_name="Quinton", email=RILEY, manager=manager, django_user=login)
    sam = GongUserFactory(first_name="Sam", last_name="Other", email="sam@lumina-labs.example", manager=manager)
    march = dt.datetime(2026, 3, 3, 15, tzinfo=dt.UTC)
    a = _call(rep=riley, title=TITLE_A, started=march, contact_name="Dana Whitfield", contact_email=DANA,
              contact_says=f"{SECRET_PHRASE}. Write to {DANA} with the terms.")  # fmt: skip
    b = _call(rep=sam, title="Other Co <> Lumina: demo", started=march + dt.timedelta(days=1),
              contact_name="Lee Keeper", contact_email="lee@other-co.example",
              contact_says=f"Loop in {DANA} on the pricing thread.")  # fmt: skip
    c = _call(rep=riley, title="Recent Corp <> Lumina: QBR", started=timezone.now() - dt.timedelta(days=1),
              contact_name="Kim Recent", contact_email="kim@recent-corp.example",
              contact_says="Renewal looks fine.")  # fmt: skip
    _scorecard(call=a, rep=riley, reviewer=manager)
    weekly_review_run(week=WEEK)
    return {"manager": manager, "riley": riley, "sam": sam, "login": login, "a": a, "b": b, "c": c}


def ledger_totals() -> dict:
    return ApiCall.objects.aggregate(
        rows=Count("id"), input=Sum("input_tokens"), output=Sum("output_tokens"), cost=Sum("cost_usd")
    )


def database_text() -> str:
    """Every row of every table in the schema, as text (partitions included), lower-cased."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(include_views=False):
            cursor.execute(f'SELECT t::text FROM "{table}" t')
            chunks += [row[0] for row in cursor.fetchall()]
    return "\n".join(chunks).lower()


def test_erasing_a_contact_by_email_leaves_nothing_of_them_and_keeps_the_ledger_totals(world):
    before = ledger_totals()
    assert before["rows"] and before["cost"] > Decimal(0)
    text = database_text()
    assert DANA in text and "dana whitfield" in text and SECRET_PHRASE.lower() in text
    review = WeeklyReview.objects.get(scope="team", subject=world["manager"], week=WEEK)
    assert TITLE_A in review.report_text

    outcome = erasure_run(email=DANA.upper(), actor="ops-test", via="command")

    text = database_text()
    for needle in (DANA, "dana whitfield", SECRET_PHRASE.lower(), TITLE_A.lower()):
        assert needle not in text, needle
    assert not Call.objects.filter(pk=world["a"].pk).exists()
    assert not CoachingSession.objects.filter(call_id=world["a"].pk).exists()
    assert not WebhookEvent.objects.filter(call_id=world["a"].pk).exists()
    assert not AnsweredScorecard.objects.exists() and not ReferenceScore.objects.exists()
    assert Call.objects.filter(pk__in=[world["b"].pk, world["c"].pk]).count() == 2  # other calls stay
    assert "Loop in [erased] on the pricing thread." in Transcript.objects.get(call_id=world["b"].pk).text
    assert ledger_totals() == before
    assert not ApiCall.objects.filter(call_id=world["a"].pk).exists()
    review.refresh_from_db()
    assert TITLE_A not in review.report_text and TITLE_A not in review.report_html
    record = ErasureRecord.objects.get(pk=outcome.record_id)
    assert record.kind == "person" and record.actor == "ops-test" and record.counts["calls"] == 1
    assert record.subject_digest == subject_digest(kind="person", subject=DANA)


def test_erasing_an_employee_removes_their_calls_reviews_and_login_across_partitions(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tableoid::regclass::text FROM coaching_session WHERE rep_id = %s",
                       [world["riley"].pk])  # fmt: skip
        assert len(cursor.fetchall()) == 2  # March 2026 and this quarter: two partitions
    before = ledger_totals()

    outcome = erasure_run(email=RILEY, actor="ops-test", via="command")

    text = database_text()
    for needle in (RILEY, "riley quinton", TITLE_A.lower(), "recent corp <> lumina"):
        assert needle not in text, needle
    assert outcome.counts["calls"] == 2 and outcome.counts["weekly_reviews_deleted"] == 1
    assert not CoachingSession.objects.filter(rep_id=world["riley"].pk).exists()
    assert not DimensionScore.objects.filter(rep_id=world["riley"].pk).exists()
    riley = GongUser.objects.get(pk=world["riley"].pk)
    assert riley.email.endswith("@erased.invalid") and not riley.name and not riley.active
    login = User.objects.get(pk=world["login"].pk)
    assert (
        login.username == f"erased-{login.pk}"
        and not login.is_active
        and not login.has_usable_password()
        and login.email == ""
    )
    assert ledger_totals() == before
    team = WeeklyReview.objects.get(scope="team", subject=world["manager"], week=WEEK)
    assert "Sam Other" in team.report_text  # the rest of the team's review is still there
    out = StringIO()
    call_command("check_data", stdout=out)  # no orphans left behind: exits non-zero on a problem


def test_erasing_one_call_keeps_the_people_and_their_other_calls(world):
    before = ledger_totals()
    out = StringIO()
    call_command("erase", "--call", world["a"].pk, "--by", "privacy-desk", stdout=out)
    assert "erased:" in out.getvalue() and "calls 1" in out.getvalue()
    assert not Call.objects.filter(pk=world["a"].pk).exists()
    assert SECRET_PHRASE.lower() not in database_text()
    assert GongUser.objects.get(pk=world["riley"].pk).email == RILEY
    assert CoachingSession.objects.filter(call_id=world["c"].pk).exists()
    assert ledger_totals() == before
    assert ErasureRecord.objects.get().actor == "privacy-desk"


def test_erasure_is_idempotent_and_a_dry_run_changes_nothing(world):
    text = database_text()
    dry = erasure_run(email=DANA, dry_run=True, actor="t", via="command")
    assert dry.counts["calls"] == 1 and dry.record_id is None
    assert database_text() == text and not ErasureRecord.objects.exists()
    erasure_run(email=DANA, actor="t", via="command")
    after = database_text()
    again = erasure_run(email=DANA, actor="t", via="command")
    assert again.total == 0 and "nothing" in again.summary()
    assert ErasureRecord.objects.count() == 2
    assert database_text().count("\n") == after.count("\n") + 1  # only the second audit row


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "one of the arguments --call --email is required"),
        (("--call", "12ab"), "not a Gong call id"),
        (("--email", "not-an-email"), "not an email address"),
    ],
)
def test_bad_input_is_a_clear_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("erase", *args)


def _admin(client, group: str) -> User:
    user = User.objects.create_user(f"{group.replace(' ', '')}-user", password="pw", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    client.force_login(user)
    return user


def test_the_admin_action_erases_for_coaching_ops_and_is_refused_to_read_only_staff(world, client):
    a = world["a"].pk
    _admin(client, GROUP_STAFF)
    data = {"action": "erase_calls", "_selected_action": [a]}
    client.post("/admin/gong/call/", data, follow=True)
    assert Call.objects.filter(pk=a).exists()
    ops = _admin(client, GROUP_OPS)
    response = client.post("/admin/gong/call/", data, follow=True)
    assert response.status_code == 200
    assert not Call.objects.filter(pk=a).exists()
    record = ErasureRecord.objects.get()
    assert record.requested_by == ops and record.via == "admin" and record.kind == "call"


def test_coaching_ops_and_staff_can_read_the_erasure_audit_and_reps_cannot(world, client):
    erasure_run(call_id=world["a"].pk, actor="t", via="command")
    for group, status in ((GROUP_OPS, 200), (GROUP_STAFF, 200), ("rep", 403)):
        _admin(client, group)
        assert client.get("/admin/core/erasurerecord/").status_code == status, group
