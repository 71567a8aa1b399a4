"""Users sync (hierarchy, roles) and the polling safety net (service and `manage.py gong_sync`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from gong import selectors
from gong.models import Call, CallSource, CallStatus, GongUser, RepRole, WebhookAuthMethod
from gong.services import gong_sync, users_sync, webhook_receive
from gong.simulator.webhooks import webhook_body
from tests.gong.conftest import corpus_ids

pytestmark = pytest.mark.django_db


def week(corpus) -> tuple[datetime, datetime]:
    start = datetime.combine(corpus.week_start, datetime.min.time(), tzinfo=UTC)
    return start, start + timedelta(days=7)


def test_users_sync_stores_every_user_with_the_manager_hierarchy(corpus, simulator, gong_client):
    report = users_sync(client=gong_client)
    assert report.created == len(corpus.users) == GongUser.objects.count()
    for record in corpus.users:
        assert GongUser.objects.get(pk=record["id"]).manager_id == record.get("managerId")
    vp = next(u for u in corpus.users if not u.get("managerId"))
    everyone_else = {u["id"] for u in corpus.users} - {vp["id"]}
    assert selectors.user_reports(manager_id=vp["id"]) == everyone_else


def test_users_sync_derives_roles_from_titles_but_keeps_locked_roles(corpus, simulator, gong_client):
    users_sync(client=gong_client)
    roles = {u.title: u.role for u in GongUser.objects.all()}
    assert roles["Account Executive"] == RepRole.AE
    assert any(role == RepRole.SE for title, role in roles.items() if "Engineer" in title)
    assert any(role == RepRole.CSM for title, role in roles.items() if "Customer Success" in title)
    managers = [role for title, role in roles.items() if "Manager" in title and "Success" not in title]
    assert managers and set(managers) == {RepRole.MANAGER}
    ae = GongUser.objects.filter(role=RepRole.AE).first()
    GongUser.objects.filter(pk=ae.pk).update(role=RepRole.SE, role_locked=True)
    report = users_sync(client=gong_client)
    assert report.created == 0 and report.updated == len(corpus.users)
    assert GongUser.objects.get(pk=ae.pk).role == RepRole.SE


def test_polling_finds_a_call_whose_webhook_was_never_sent(corpus, simulator, gong_client):
    regular = corpus_ids(corpus, kind="regular")
    delivered, missed = regular[:-1], regular[-1]
    for call_id in delivered:
        webhook_receive(body=webhook_body(corpus.call(call_id)), auth_method=WebhookAuthMethod.HMAC)
    since, until = week(corpus)
    report = gong_sync(since=since, until=until, client=gong_client)
    assert report.listed == len(corpus.calls)
    assert report.new == len(corpus.calls) - len(delivered)
    missed_call = Call.objects.get(pk=missed)
    assert (missed_call.source, missed_call.status) == (CallSource.POLL, CallStatus.TRANSCRIBED)
    assert missed_call.participants.exists() and missed_call.title
    assert Call.objects.filter(source=CallSource.WEBHOOK).count() == len(delivered)
    assert simulator.stats()["by_endpoint"]["POST /v2/calls/extensive"] == {200: 1}


def test_polling_twice_adds_nothing(corpus, simulator, gong_client):
    since, until = week(corpus)
    gong_sync(since=since, until=until, client=gong_client, fetch=False)
    again = gong_sync(since=since, until=until, client=gong_client, fetch=False)
    assert again.new == 0 and Call.objects.count() == len(corpus.calls)


def test_gong_sync_command_backfills_a_range_and_prints_a_summary(corpus, simulator, gong_settings):
    since, until = week(corpus)
    out = StringIO()
    call_command("gong_sync", "--since", since.date().isoformat(), "--until", until.date().isoformat(), stdout=out)
    assert out.getvalue().startswith(f"gong_sync: listed={len(corpus.calls)} new={len(corpus.calls)}")
    assert Call.objects.filter(status=CallStatus.TRANSCRIBED).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "is not an ISO date"),
        (["--since", "2026-11-20", "--until", "2026-11-10"], "must be before"),
        (["--lookback-hours", "3"], "at least 24"),
    ],
)
def test_gong_sync_command_rejects_bad_arguments_in_one_line(gong_settings, args, message):
    with pytest.raises(CommandError, match=message) as caught:
        call_command("gong_sync", *args, stdout=StringIO())
    assert "\n" not in str(caught.value)


def test_gong_sync_command_names_a_missing_credential(settings):
    settings.GONG_ACCESS_KEY = ""
    with pytest.raises(CommandError, match="GONG_ACCESS_KEY is not set"):
        call_command("gong_sync", stdout=StringIO())
